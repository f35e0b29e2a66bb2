// Browser test of the lifecycle by role: the leader approves, the order office files, and
// an inspector enters a result for their own assignment. Screenshots go to artifacts/.
import path from 'node:path';
import { artifacts, assert, hydrated, newPage, runTests, signIn } from './harness.mjs';

/** No console errors, but those `allowed` (the browser logs every 4xx a test provokes). */
async function noErrors(page, allowed = []) {
  const errors = page.errors.filter((e) => !allowed.some((re) => re.test(e)));
  assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
  await page.close();
}

const statusOf = (page) => page.textContent('h1 .status');

await runTests([
  ['the leader approves task 002 and the order office files it', async ({ browser, base }) => {
    const leader = await newPage(browser);
    await signIn(leader, base, 'lingdao');
    await leader.goto(base + '/tasks/2');
    await hydrated(leader);
    assert((await statusOf(leader)) === '待审批', `status: ${await statusOf(leader)}`);
    assert(await leader.$('[data-testid=step-filed]') === null, 'the leader is not offered filing');
    await leader.fill('[data-testid=step-comment]', '同意');
    await leader.click('[data-testid=step-approved]');
    await leader.waitForFunction(() => document.querySelector('h1 .status')?.textContent === '已审批');
    await leader.screenshot({ path: path.join(artifacts, 'workflow-approved.png'), fullPage: true });
    await noErrors(leader);

    const order = await newPage(browser);
    await signIn(order, base, 'zhixu');
    await order.goto(base + '/tasks/2');
    await hydrated(order);
    await order.click('[data-testid=step-filed]');
    await order.waitForFunction(() => document.querySelector('h1 .status')?.textContent === '已备案');
    const events = await order.textContent('ol.events');
    assert(events.includes('陈局长（演示）（局领导）') && events.includes('孙备案（演示）（秩序处）'), `events: ${events}`);
    await noErrors(order);
  }],

  ['an inspector enters the result of their own assignment', async ({ browser, base }) => {
    const page = await newPage(browser);
    await signIn(page, base, 'zhifa');
    await page.goto(base + '/my');
    const first = await page.$('[data-testid=assignments] tbody tr a');
    assert(first, 'the inspector has an assignment');
    await first.click();
    await page.waitForURL(/\/tasks\/1\/results$/);
    await hydrated(page);
    const buttons = await page.$$('[data-testid=enter-result]');
    const rows = await page.$$('[data-testid=results] tbody tr[data-code]');
    // An inspector reads only the enterprises they were sent to (README, permission table),
    // and may enter each of them.
    const assigned = await page.evaluate(async () => {
      const r = await fetch('/api/assignments', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      return (await r.json()).filter((a) => a.task_id === 1).length;
    });
    assert(buttons.length >= 1 && buttons.length === rows.length && rows.length === assigned, `only own rows are shown (${buttons.length} buttons, ${rows.length} rows, ${assigned} assigned)`);
    await buttons[0].click();
    await page.waitForSelector('[data-testid=result-form]');
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    await page.fill('[data-testid=result-form] input[name=inspected_on]', today);
    // A problem category without the problems written down is refused, naming the field.
    await page.check('[data-testid=result-form] input[name=categories][value="发现问题待后续处理"]');
    await page.click('[data-testid=save-result]');
    await page.waitForSelector('[data-testid=result-form] .error');
    assert((await page.textContent('[data-testid=result-form] .error')).includes('发现的问题'), 'names the problems field');
    await page.uncheck('[data-testid=result-form] input[name=categories][value="发现问题待后续处理"]');
    await page.check('[data-testid=result-form] input[name=categories][value="未发现问题"]');
    await page.click('[data-testid=save-result]');
    await page.waitForFunction(() => /已录入 1 \//.test(document.querySelector('[data-testid=results-progress]')?.textContent || ''));
    const row = await page.textContent('[data-testid=results] tbody tr[data-code]:has([data-testid=enter-result])');
    assert(row.includes('未发现问题') && row.includes('待审核'), `row: ${row}`);
    await page.screenshot({ path: path.join(artifacts, 'workflow-result.png'), fullPage: true });
    // The one refused save above answered 400.
    await noErrors(page, [/status of 400 \(Bad Request\)/]);
  }],
]);

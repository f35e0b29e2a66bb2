// Browser test of the lifecycle by role: the principal leader consents to the drawn list,
// the order office files it, and
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
  ['the principal leader consents to the drawn list and the order office files it, by clicking', async ({ browser, base }) => {
    // The clerk draws task 003 (its window was moved to this month by a consented plan
    // change) and sends the drawn list.
    const clerk = await newPage(browser);
    await signIn(clerk, base, 'jingban.sctx');
    await clerk.goto(base + '/tasks/3');
    await hydrated(clerk);
    const post = (endpoint, form) => clerk.evaluate(async ([endpoint, form]) => {
      const r = await fetch('/api/' + endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
      return r.status;
    }, [endpoint, form]);
    assert((await post('freeze', { task_id: '3' })) === 200, 'frozen');
    assert((await post('draw', { task_id: '3', public_entropy: '2 4 6 1 3 5' })) === 200, 'drawn');
    await clerk.reload();
    await hydrated(clerk);
    assert(await clerk.$('[data-testid=step-inspecting]') === null, 'inspecting is not offered straight after the draw');
    await clerk.click('[data-testid=step-list_submitted]');
    await clerk.waitForFunction(() => document.querySelector('h1 .status')?.textContent === '抽取名单待主要领导同意');
    await noErrors(clerk);

    // A 局领导 who is not the principal leader is offered nothing.
    const deputy = await newPage(browser);
    await signIn(deputy, base, 'lingdao');
    await deputy.goto(base + '/tasks/3');
    await hydrated(deputy);
    assert(await deputy.$('[data-testid=step-list_consented]') === null, 'the deputy cannot consent');
    await noErrors(deputy);

    const principal = await newPage(browser);
    await signIn(principal, base, 'zhuyao');
    await principal.goto(base + '/tasks/3');
    await hydrated(principal);
    assert(await principal.$('[data-testid=step-list_filed]') === null, 'the principal leader is not offered filing');
    await principal.fill('[data-testid=step-comment]', '同意');
    await principal.click('[data-testid=step-list_consented]');
    await principal.waitForFunction(() => document.querySelector('h1 .status')?.textContent === '抽取名单待秩序处备案');
    await principal.screenshot({ path: path.join(artifacts, 'workflow-consented.png'), fullPage: true });
    await noErrors(principal);

    const order = await newPage(browser);
    await signIn(order, base, 'zhixu');
    await order.goto(base + '/tasks/3');
    await hydrated(order);
    await order.click('[data-testid=step-list_filed]');
    await order.waitForFunction(() => document.querySelector('h1 .status')?.textContent === '抽取名单已备案');
    const events = await order.textContent('ol.events');
    assert(events.includes('张局长（演示）（主要领导）') && events.includes('孙备案（演示）（秩序处）'), `events: ${events}`);
    // The filing form prints the list with the consent on it.
    await order.click('[data-testid=filing-form]');
    await order.waitForSelector('[data-testid=list-form]');
    const form = await order.textContent('[data-testid=list-form]');
    assert(form.includes('抽取名单备案表') && form.includes('张局长（演示）（主要领导）'), `form: ${form.slice(0, 400)}`);
    await order.screenshot({ path: path.join(artifacts, 'workflow-filing-form.png'), fullPage: true });
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
    // Reached by a client-side link: the rows arrive with the server function's answer.
    await page.waitForSelector('[data-testid=results] tbody tr[data-code]');
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
    await page.waitForSelector('[data-testid=result-form] .field-error[data-field=problems]');
    assert((await page.textContent('[data-testid=result-form] .field-error[data-field=problems]')).includes('发现的问题'), 'names the problems field');
    await page.uncheck('[data-testid=result-form] input[name=categories][value="发现问题待后续处理"]');
    await page.check('[data-testid=result-form] input[name=categories][value="发现问题已责令改正"]');
    await page.fill('[data-testid=result-form] textarea[name=problems]', '购销台账登记不全');
    await page.check('[data-testid=result-form] input[name=handling][value="责令改正"]');
    await page.click('[data-testid=save-result]');
    await page.waitForFunction(() => /已录入 1 \//.test(document.querySelector('[data-testid=results-progress]')?.textContent || ''));
    const row = await page.textContent('[data-testid=results] tbody tr[data-code]:has([data-testid=enter-result])');
    assert(row.includes('发现问题已责令改正') && row.includes('待审核'), `row: ${row}`);
    await page.screenshot({ path: path.join(artifacts, 'workflow-result.png'), fullPage: true });
    const code = await page.getAttribute('[data-testid=results] tbody tr[data-code]:has([data-testid=enter-result])', 'data-code');
    // The one refused save above answered 400.
    await noErrors(page, [/status of 400 \(Bad Request\)/]);

    // The office head, on a phone, publishes that one enterprise's result on its own.
    const phone = await newPage(browser, { width: 360, height: 740 });
    await signIn(phone, base, 'chuzhang');
    await phone.goto(base + '/tasks/1/results');
    await hydrated(phone);
    const line = `[data-testid=results] tbody tr[data-code="${code}"]`;
    await phone.click(`${line} [data-testid=pass-result]`);
    await phone.waitForFunction((sel) => document.querySelector(sel)?.textContent.includes('按时公示'), line);
    assert(!(await phone.$(`${line} [data-testid=pass-result]`)), 'a published result is not passed twice');
    await phone.screenshot({ path: path.join(artifacts, 'workflow-publish-phone.png'), fullPage: true });
    // Publishing opened the order to correct as a follow-up; the office head records the
    // re-check and finishes it, on the same phone.
    await phone.goto(base + '/follow-ups');
    await hydrated(phone);
    const open = `[data-testid=follow-ups] tbody tr:has(code:text-is("${code}"))`;
    assert((await phone.textContent(open)).includes('未完结'), 'the follow-up is open');
    await phone.click(`${open} [data-testid=edit-follow-up]`);
    await phone.click('[data-testid=finish-follow-up]');
    await phone.waitForSelector('[data-testid=follow-up-form] .field-error');
    assert((await phone.textContent('[data-testid=follow-up-form]')).includes('复查日期'), 'finishing names the missing re-check');
    await phone.fill('[data-testid=follow-up-form] input[name=recheck_on]', today);
    await phone.fill('[data-testid=follow-up-form] input[name=outcome]', '已改正');
    await phone.click('[data-testid=finish-follow-up]');
    await phone.waitForSelector(`${open}:has-text("已完结")`);
    await phone.screenshot({ path: path.join(artifacts, 'follow-ups-phone.png'), fullPage: true });
    await noErrors(phone, [/status of 400 \(Bad Request\)/]);
    // Anyone finds it at once, while the task's other enterprises are still being inspected.
    const anon = await newPage(browser, { width: 360, height: 740 });
    await anon.goto(base + '/public/results?q=' + code);
    const found = await anon.textContent('main');
    assert(found.includes(code) && found.includes('按时公示'), `public result: ${found.slice(0, 300)}`);
    assert(found.includes('责令改正（已完结'), `the public reads the follow-up's end: ${found.slice(0, 600)}`);
  }],

  ['a clerk enters one verdict per inspection item', async ({ browser, base }) => {
    const page = await newPage(browser);
    await signIn(page, base, 'jingban');
    await page.goto(base + '/tasks/1/results');
    await hydrated(page);
    const open = '[data-testid=results] tbody tr[data-code]:has-text("未录入")';
    const code = await page.getAttribute(open, 'data-code');
    await page.click(`${open} [data-testid=enter-result]`);
    await page.waitForSelector('[data-testid=result-form]');
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    await page.fill('[data-testid=result-form] input[name=inspected_on]', today);
    // Task 1 has two items: one verdict may stand for both, or each gets its own.
    await page.check('[data-testid=per-item]');
    const blocks = page.locator('[data-testid=item-verdict]');
    assert(await blocks.count() === 2, 'one block per item');
    const names = await blocks.locator('legend').allTextContents();
    await blocks.nth(0).locator('input[value="未发现问题"]').check();
    await blocks.nth(1).locator('input[value="发现问题已责令改正"]').check();
    await page.check('[data-testid=result-form] input[name=handling][value="责令改正"]');
    // The second item's problem unwritten: refused, naming the item.
    await page.click('[data-testid=save-result]');
    await page.waitForSelector('[data-testid=result-form] .field-error[data-field=verdicts]');
    const refused = await page.textContent('[data-testid=result-form] .field-error[data-field=verdicts]');
    assert(refused.includes(names[1].split('：')[0]) && refused.includes('发现的问题'), `names the item: ${refused}`);
    await blocks.nth(1).locator('textarea').fill('未按规定报送统计数据');
    await page.click('[data-testid=save-result]');
    const row = `[data-testid=results] tbody tr[data-code="${code}"]`;
    await page.waitForSelector(`${row} [data-testid=verdicts]`);
    const verdicts = await page.textContent(`${row} [data-testid=verdicts]`);
    assert(verdicts.includes(names[0].split('：')[0] + '：未发现问题') && verdicts.includes('发现问题已责令改正'), `verdicts: ${verdicts}`);
    await page.screenshot({ path: path.join(artifacts, 'result-per-item.png'), fullPage: true });
    await noErrors(page, [/status of 400 \(Bad Request\)/]);
  }],
]);

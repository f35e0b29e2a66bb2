// 分几个时间段 (issue 17): a task split into batches in its form, shown as segments of its
// bar on the plan calendar, with the quota rule on its page.
import path from 'node:path';
import { artifacts, assert, hydrated, newPage, runTests, signIn } from './harness.mjs';

await runTests([
  ['a clerk splits a task into batches and sees them on the calendar', async ({ browser, base }) => {
    const page = await newPage(browser);
    await signIn(page, base, 'jingban');
    await page.goto(base + '/tasks/new?year=2023');
    await hydrated(page);
    await page.fill('input[name=plan_no]', '2023005');
    await page.fill('input[name=plan_name]', '2023 年邯郸市商务局第五次内部联合随机抽查');
    await page.fill('input[name=task_no]', '005 号');
    await page.fill('input[name=task_name]', '2023 年商务局成品油零售企业分批随机抽查');
    await page.check('input[name=items] >> nth=0');
    await page.selectOption('select[name=category]', '成品油零售企业');
    await page.fill('input[name=scope_text]', '全部成品油零售企业');
    await page.selectOption('select[name=initiating_department_id]', 'swj-zfzd');
    await page.selectOption('select[name=start_month]', '7');
    await page.selectOption('select[name=end_month]', '9');
    // A batch outside the window is refused beside the field.
    await page.fill('input[name=batches]', '6, 8, 9');
    await page.click('[data-testid=save-task]');
    await page.waitForSelector('.field-error');
    const refused = await page.textContent('form.task-form');
    assert(refused.includes('第 1 批') && refused.includes('抽查时间'), `names the batch: ${refused.slice(0, 300)}`);
    await page.fill('input[name=batches]', '7, 8, 9');
    await page.click('[data-testid=save-task]');
    await page.waitForURL(/\/tasks\/\d+$/);
    await page.waitForSelector('[data-testid=batches]');
    const batches = await page.textContent('[data-testid=batches]');
    assert(batches.includes('分批抽取（共 3 批）') && batches.includes('第 2 批：8 月') && batches.includes('不低于'), `batches: ${batches}`);
    const id = /\/tasks\/(\d+)$/.exec(page.url())[1];
    await page.goto(base + '/plans/2023/calendar');
    await hydrated(page);
    const row = `li.cal-row[data-task-id="${id}"]`;
    const segments = await page.$$eval(`${row} [data-testid=batch-segment]`, (els) => els.map((e) => [e.textContent, e.style.gridColumn]));
    assert(segments.length === 3, `three segments: ${JSON.stringify(segments)}`);
    assert(segments[1][0] === '第2批' && segments[1][1].startsWith('8'), `the second in August: ${JSON.stringify(segments)}`);
    await page.screenshot({ path: path.join(artifacts, 'calendar-batches.png'), fullPage: true });
    assert(page.errors.length === 0, `console errors:\n${page.errors.join('\n')}`);
  }],
]);

// Browser tests of the real app in headless Chromium. Screenshots go to artifacts/.
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { artifacts, assert, hydrated, newPage, paste, runTests, signIn } from './harness.mjs';

const TASKS = [
  '2023 年商务局成品油销售企业内部联合随机抽查',
  '2023 年商务局拍卖企业内部联合随机抽查',
  '2023 年商务局二手车销售企业部门联合随机抽查',
];

async function noErrors(page) {
  assert(page.errors.length === 0, `console errors:\n${page.errors.join('\n')}`);
  await page.close();
}

await runTests([
  ['plan page hydrates and filters by department', async ({ browser, base }) => {
    const page = await newPage(browser);
    await signIn(page, base, 'jijian');
    await page.goto(base + '/');
    const html = await page.content();
    for (const t of TASKS) assert(html.includes(t), `missing task ${t}`);
    await hydrated(page);
    assert((await page.textContent('[data-testid=task-count]')).includes('共 3 项任务'), 'three tasks at first');
    // A client-side interaction: only works once hydration wired the event handlers.
    await page.selectOption('[data-testid=department-filter]', 'scjgj');
    await page.waitForFunction(() => document.querySelector('[data-testid=task-count]').textContent.includes('共 1 项任务'));
    const rows = await page.$$eval('table.plan-table:not([data-testid=special-tasks]) tbody tr[data-task-id] .task-name', (els) => els.map((e) => e.textContent));
    assert(rows.length === 1 && rows[0] === TASKS[2], `filtered rows: ${rows}`);
    await page.screenshot({ path: path.join(artifacts, 'plan-desktop.png'), fullPage: true });
    await noErrors(page);
  }],

  ['verify page re-derives the demo draw in the browser', async ({ browser, base }) => {
    const page = await newPage(browser);
    // The demo draw has four strata (risk classes): its whole manifest is for signed-in observers.
    await signIn(page, base, 'jijian');
    await page.goto(base + '/verify/1');
    await hydrated(page);
    await page.waitForSelector('[data-testid=verdict]');
    const verdict = await page.textContent('[data-testid=verdict]');
    assert(verdict.startsWith('有效'), `verdict: ${verdict}`);
    assert(/用时 [\d.]+ 毫秒/.test(await page.textContent('[data-testid=timing]')), 'timing shown');
    await page.screenshot({ path: path.join(artifacts, 'verify-valid.png') });

    // Tamper with one inspector of the first team: the page names that check.
    const manifest = JSON.parse(await page.inputValue('[data-testid=manifest-input]'));
    const team = manifest.selected[0].inspectors;
    const other = manifest.inspectors.map((i) => i.id).find((id) => !team.includes(id));
    team[1] = other;
    await paste(page, '[data-testid=manifest-input]', JSON.stringify(manifest));
    await page.click('[data-testid=verify-button]');
    await page.waitForFunction(() => document.querySelector('[data-testid=verdict]').textContent.startsWith('无效'));
    const bad = await page.textContent('[data-testid=verdict]');
    assert(bad.includes(`抽中第 1 户（${manifest.selected[0].code}）：检查组由协议抽出`), `names the team: ${bad}`);
    assert(await page.locator(`li[data-check="selected[0] ${manifest.selected[0].code}: inspectors"].fail`).count() === 1, 'the failed check is marked');
    await page.screenshot({ path: path.join(artifacts, 'verify-tampered.png') });
    await noErrors(page);
  }],

  ['verify page checks a pasted spec vector', async ({ browser, base }) => {
    const page = await newPage(browser, { width: 360, height: 740 });
    await page.goto(base + '/verify');
    await hydrated(page);
    const vector = readFileSync(path.join(import.meta.dirname, '../../spec/vectors/joint.json'), 'utf8');
    await paste(page, '[data-testid=manifest-input]', vector);
    await page.click('[data-testid=verify-button]');
    await page.waitForSelector('[data-testid=verdict]');
    const verdict = await page.textContent('[data-testid=verdict]');
    assert(verdict.startsWith('有效'), `verdict: ${verdict}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `page scrolls sideways at 360 px by ${overflow}px`);
    await page.screenshot({ path: path.join(artifacts, 'verify-phone.png'), fullPage: true });
    await noErrors(page);
  }],

  ['a staff user adds a fourth task and sees it on the plan and the calendar', async ({ browser, base }) => {
    const page = await newPage(browser);
    await signIn(page, base, 'jingban');
    await page.goto(base + '/tasks/new?year=2023');
    await hydrated(page);
    await page.fill('input[name=plan_no]', '2023004');
    await page.fill('input[name=plan_name]', '2023 年邯郸市商务局第四次内部联合随机抽查 004');
    await page.fill('input[name=task_no]', '004 号');
    await page.fill('input[name=task_name]', '2023 年商务局成品油销售企业专项随机抽查');
    await page.check('input[name=items] >> nth=0');
    await page.selectOption('select[name=category]', '成品油零售企业');
    await page.fill('input[name=filed_before]', '2023-06-30');
    await page.selectOption('select[name=initiating_department_id]', 'swj-zfzd');
    await page.selectOption('select[name=start_month]', '10');
    await page.selectOption('select[name=end_month]', '11');
    // The pool the filters give, live: narrowing to one risk class shrinks it.
    await page.waitForFunction(() => /名单 \d+ 户，应抽取 \d+ 户/.test(document.querySelector('[data-testid=estimate-total]')?.textContent || ''));
    const all = Number(/名单 (\d+) 户/.exec(await page.textContent('[data-testid=estimate-total]'))[1]);
    await page.check('input[name=risk_classes] >> nth=3');
    await page.waitForFunction((n) => {
      const m = /名单 (\d+) 户/.exec(document.querySelector('[data-testid=estimate-total]')?.textContent || '');
      return m && Number(m[1]) < n;
    }, all);
    await page.uncheck('input[name=risk_classes] >> nth=3');
    // Saving without the scope text names that field and stays on the form.
    await page.click('[data-testid=save-task]');
    await page.waitForSelector('.field-error');
    assert((await page.textContent('.field-error')).includes('抽查对象范围'), 'names the missing field');
    await page.fill('input[name=scope_text]', '2023 年 6 月 30 日前登记备案的市场主体');
    await page.click('[data-testid=save-task]');
    await page.waitForURL(/\/tasks\/\d+$/);
    await page.waitForSelector('text=2023 年 10 月-11 月');
    await page.screenshot({ path: path.join(artifacts, 'task-page.png'), fullPage: true });

    await page.goto(base + '/plans/2023');
    assert((await page.$$('table.plan-table:not([data-testid=special-tasks]) tbody tr[data-task-id]')).length === 4, 'four tasks in the plan table');
    assert((await page.$$('[data-testid=special-tasks] tbody tr[data-task-id]')).length === 1, 'the special inspection listed apart');
    await page.goto(base + '/plans/2023/calendar');
    assert((await page.$$('a[data-start]')).length === 5, 'four plan bars and the special inspection on the calendar');
    await noErrors(page);
  }],

  ['the plan table imports with a dry run that lists row errors', async ({ browser, base }) => {
    const page = await newPage(browser);
    await signIn(page, base, 'jingban');
    // The plan table is for signed-in staff: fetched with the page's session.
    assert((await fetch(base + '/plans/2023/export.xlsx')).status === 401, 'export needs a sign-in');
    const sheet = await (await page.request.get(base + '/plans/2023/export.xlsx')).body();
    const file = path.join(tmpdir(), `plan-${process.pid}.xlsx`);
    writeFileSync(file, sheet);
    await page.goto(base + '/plans/2023/import');
    await hydrated(page);
    await page.setInputFiles('[data-testid=sheet-file]', file);
    await page.waitForSelector('[data-testid=dry-run]:not([disabled])');
    await page.click('[data-testid=dry-run]');
    await page.waitForSelector('[data-testid=import-summary]');
    // None of the demo tasks is a draft any more, so no row may change: nothing is written.
    assert((await page.textContent('[data-testid=import-summary]')).includes('未写入'), 'dry run refuses');
    const cells = await page.$$eval('[data-testid=import-errors] tbody td', (tds) => tds.map((t) => t.textContent));
    assert(cells[0] === '3' && cells[1] === '抽查任务编号', `row and column named: ${cells}`);
    assert(await page.isDisabled('[data-testid=apply]'), 'apply stays disabled');
    await page.screenshot({ path: path.join(artifacts, 'plan-import.png'), fullPage: true });
    await noErrors(page);
  }],
]);

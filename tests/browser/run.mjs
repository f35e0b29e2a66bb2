// Browser tests of the real app in headless Chromium. Screenshots go to artifacts/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { artifacts, assert, hydrated, newPage, paste, runTests } from './harness.mjs';

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
    await page.goto(base + '/');
    const html = await page.content();
    for (const t of TASKS) assert(html.includes(t), `missing task ${t}`);
    await hydrated(page);
    assert((await page.textContent('[data-testid=task-count]')).includes('共 3 项任务'), 'three tasks at first');
    // A client-side interaction: only works once hydration wired the event handlers.
    await page.selectOption('[data-testid=department-filter]', 'scjgj');
    await page.waitForFunction(() => document.querySelector('[data-testid=task-count]').textContent.includes('共 1 项任务'));
    const rows = await page.$$eval('tbody tr[data-task-id] .task-name', (els) => els.map((e) => e.textContent));
    assert(rows.length === 1 && rows[0] === TASKS[2], `filtered rows: ${rows}`);
    await page.screenshot({ path: path.join(artifacts, 'plan-desktop.png'), fullPage: true });
    await noErrors(page);
  }],

  ['verify page re-derives the demo draw in the browser', async ({ browser, base }) => {
    const page = await newPage(browser);
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
    assert(bad.includes(`selected[0] ${manifest.selected[0].code}: inspectors`), `names the team: ${bad}`);
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
]);

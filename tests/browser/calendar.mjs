// Browser tests of the plan calendar (年度计划日历): bars, keyboard, filter, phone list, print.
import path from 'node:path';
import { artifacts, assert, hydrated, newPage, runTests, signIn } from './harness.mjs';

async function noErrors(page) {
  assert(page.errors.length === 0, `console errors:\n${page.errors.join('\n')}`);
  await page.close();
}

/** The bars' month spans and task ids, in the order shown. */
const bars = (page) => page.$$eval('.cal-timeline .cal-bar', (els) => els.map((e) => ({
  id: e.dataset.taskId, start: Number(e.dataset.start), end: Number(e.dataset.end),
})));

const focusedTaskId = (page) => page.evaluate(() => document.activeElement?.dataset?.taskId ?? null);

await runTests([
  ['calendar shows the 2023 windows and works by keyboard', async ({ browser, base }) => {
    const page = await newPage(browser, { width: 1280, height: 800 });
    await signIn(page, base, 'jijian');
    await page.goto(base + '/plans/2023/calendar');
    // Server-rendered before the WASM: the bars are already in the HTML.
    const html = await page.content();
    assert(html.includes('cal-bar'), 'bars are rendered on the server');
    await hydrated(page);

    const shown = await bars(page);
    const spans = shown.map((b) => `${b.start}-${b.end}`);
    // The plan's three tasks, then the special inspection (listed apart, tagged).
    assert(spans.join(',') === '3-4,5-6,7-9,8-8', `month spans: ${spans}`);
    const special = await page.textContent(`.cal-row[data-task-id="${shown[3].id}"] .cal-label`);
    assert(special.includes('专项检查，不计入本计划'), `special task tagged: ${special}`);
    // Task 003's window was moved by a consented plan change (to this month): its planned
    // bar stays, marked, and the label says where it went.
    const moved = await page.textContent(`.cal-row[data-task-id="${shown[2].id}"] [data-testid=adjusted-note]`);
    assert(moved.includes('已调整至'), `adjustment shown: ${moved}`);
    const heads = await page.$$eval('.cal-head .cal-month', (els) => els.map((e) => e.textContent.trim()));
    assert(heads.length === 12 && heads[0] === '1 月' && heads[11] === '12 月', `month headers: ${heads}`);
    assert(await page.isVisible('[data-testid=legend]'), 'legend visible');

    // Keyboard: focus the first bar, ArrowDown twice lands on the third task.
    await page.focus('.cal-timeline .cal-bar');
    assert(await focusedTaskId(page) === shown[0].id, 'first bar focused');
    // Focus shows the details, tied to the bar by aria-describedby.
    const tipId = await page.evaluate(() => document.activeElement.getAttribute('aria-describedby'));
    assert(await page.isVisible(`#${tipId}`), 'details visible on focus');
    assert((await page.textContent(`#${tipId}`)).includes('2023 年 3 月-4 月'), 'details name the window');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert(await focusedTaskId(page) === shown[2].id, `third bar focused, got ${await focusedTaskId(page)}`);
    await page.keyboard.press('Home');
    assert(await focusedTaskId(page) === shown[0].id, 'Home goes to the first bar');
    await page.keyboard.press('End');
    assert(await focusedTaskId(page) === shown[3].id, 'End goes to the last bar');
    await page.keyboard.press('ArrowUp');
    await page.screenshot({ path: path.join(artifacts, 'calendar-desktop.png'), fullPage: true });

    // Enter opens the task page (which may not exist yet: only the URL is checked).
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === `/tasks/${shown[2].id}`);
    await page.goBack();
    await page.waitForURL((u) => u.pathname === '/plans/2023/calendar');
    await page.waitForSelector('.cal-timeline .cal-bar');

    // Filter by department 市场监管 (the joint department of task 003).
    await page.selectOption('[data-testid=department-filter]', 'scjgj');
    await page.waitForFunction(() => document.querySelectorAll('.cal-timeline .cal-bar').length === 1);
    const left = await bars(page);
    assert(left.length === 1 && left[0].id === shown[2].id, `filtered bars: ${JSON.stringify(left)}`);
    assert((await page.textContent('[data-testid=task-count]')).includes('共 1 项任务'), 'count follows the filter');
    await noErrors(page);
  }],

  ['calendar is a month list on a phone', async ({ browser, base }) => {
    const page = await newPage(browser, { width: 360, height: 740 });
    await signIn(page, base, 'jijian');
    await page.goto(base + '/plans/2023/calendar');
    await hydrated(page);
    assert(await page.isVisible('[data-testid=month-list]'), 'month list visible');
    assert(!(await page.isVisible('[data-testid=timeline]')), 'timeline hidden');
    const months = await page.$$eval('.cal-month-group', (els) => els.map((e) => Number(e.dataset.month)));
    assert(months.join(',') === '3,4,5,6,7,8,9', `months listed: ${months}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `page scrolls sideways at 360 px by ${overflow}px`);
    await page.screenshot({ path: path.join(artifacts, 'calendar-phone.png'), fullPage: true });
    await noErrors(page);
  }],

  ['calendar prints on one landscape page', async ({ browser, base }) => {
    const page = await newPage(browser, { width: 1123, height: 794 });
    await signIn(page, base, 'jijian');
    await page.goto(base + '/plans/2023/calendar');
    await hydrated(page);
    await page.emulateMedia({ media: 'print' });
    assert(await page.isVisible('[data-testid=timeline]'), 'timeline printed');
    assert(await page.isVisible('[data-testid=legend]'), 'legend printed');
    assert(!(await page.isVisible('[data-testid=department-filter]')), 'filters not printed');
    const statuses = await page.$$eval('.cal-bar', (els) => els.map((e) => e.textContent.trim()));
    assert(statuses.every((t) => t.length > 0), `every bar carries its status text: ${statuses}`);
    await page.screenshot({ path: path.join(artifacts, 'calendar-print.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4', landscape: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    assert(pages === 1, `the year prints on ${pages} A4 pages`);
    await noErrors(page);
  }],
]);

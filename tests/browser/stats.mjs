// Browser test of the statistics page (/stats, issue 19): opened as the 局领导 at 1440 and
// 360 px, it shows four SVG charts each with a table and a text alternative, never scrolls
// sideways, keeps working after hydration (the filter form), and the portal's year page
// carries its public charts at 360 px; the annual summary prints on one A4 page.
import path from 'node:path';
import { artifacts, assert, hydrated, newPage, runTests, signIn } from './harness.mjs';

async function noSidewaysScroll(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `${what} scrolls sideways by ${overflow}px`);
}

await runTests([
  ['the statistics page at 1440 and 360 px', async ({ browser, base }) => {
    for (const width of [1440, 360]) {
      const page = await newPage(browser, { width, height: 900 });
      await signIn(page, base, 'lingdao');
      await page.goto(base + '/stats?year=2022');
      await hydrated(page);
      await page.waitForSelector('[data-testid=stats-totals]');
      const charts = await page.$$eval('[data-testid=chart]', (boxes) => boxes.map((b) => ({
        svg: !!b.querySelector('svg[role=img][aria-label] > title + desc'),
        table: !!b.querySelector('table'),
        width: b.querySelector('svg').getBoundingClientRect().width,
      })));
      assert(charts.length === 4, `four charts: ${JSON.stringify(charts)}`);
      assert(charts.every((c) => c.svg && c.table && c.width > 100), `each an SVG with a text alternative and a table: ${JSON.stringify(charts)}`);
      const totals = await page.textContent('[data-testid=stats-totals]');
      assert(totals.includes('实际抽取') && totals.includes('100.0%'), `the 2022 demo task is all published: ${totals}`);
      await noSidewaysScroll(page, `/stats at ${width} px`);
      await page.screenshot({ path: path.join(artifacts, `stats-${width}.png`), fullPage: true });
      assert(page.errors.length === 0, `console errors:\n${page.errors.join('\n')}`);
      await page.close();
    }
  }],

  ['the filter form moves to another year and department', async ({ browser, base }) => {
    const page = await newPage(browser, { width: 1440, height: 900 });
    await signIn(page, base, 'jijian');
    await page.goto(base + '/stats?year=2022');
    await hydrated(page);
    await page.selectOption('[data-testid=stats-filters] select[name=year]', '2023');
    await page.selectOption('[data-testid=stats-filters] select[name=department]', 'swj-zfzd');
    await Promise.all([
      page.waitForURL((u) => u.searchParams.get('year') === '2023' && u.searchParams.get('department') === 'swj-zfzd'),
      page.click('[data-testid=stats-filters] button[type=submit]'),
    ]);
    await page.waitForFunction(() => document.querySelector('[data-testid="table-按任务"]')?.textContent.includes('2023'));
    const rows = await page.$$eval('[data-testid="table-按任务"] tbody tr', (trs) => trs.map((tr) => tr.textContent));
    assert(rows.length >= 2 && rows.slice(0, -1).every((r) => r.includes('执法支队')), `only 执法支队's tasks: ${rows}`);
    const links = await page.$$eval('[data-testid=stats-downloads] a[download]', (as) => as.map((a) => a.getAttribute('href')));
    assert(links.some((h) => h.startsWith('/stats/ledger.xlsx?year=2023&department=swj-zfzd')), `downloads carry the filter: ${links}`);
    assert(page.errors.length === 0, `console errors:\n${page.errors.join('\n')}`);
    await page.close();
  }],

  ['the annual summary prints on one A4 page', async ({ browser, base }) => {
    const page = await newPage(browser, { width: 1280, height: 800 });
    await signIn(page, base, 'lingdao');
    await page.goto(base + '/stats/summary?year=2023');
    await page.waitForSelector('[data-testid=summary-words]');
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', path: path.join(artifacts, 'stats-summary-2023.pdf'), preferCSSPageSize: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    assert(pages === 1, `the summary takes ${pages} pages`);
    const header = await page.$eval('.site-header', (el) => getComputedStyle(el).display);
    assert(header === 'none', 'the navigation is not printed');
    await page.close();
  }],

  ['the portal year page shows its public charts at 360 px', async ({ browser, base }) => {
    const page = await newPage(browser, { width: 360, height: 800 });
    await page.goto(base + '/public/plans/2022');
    const svgs = await page.$$eval('[data-testid=year-figures] svg[role=img]', (s) => s.map((e) => e.getBoundingClientRect().width));
    assert(svgs.length === 3 && svgs.every((w) => w > 200 && w <= 360), `three charts within the screen: ${svgs}`);
    await noSidewaysScroll(page, '/public/plans/2022 at 360 px');
    await page.screenshot({ path: path.join(artifacts, 'portal-year-360.png'), fullPage: true });
    await page.close();
  }],
]);

// Browser test of the public portal on a phone-sized screen (360×740), signed out:
// home → search by name → the enterprise's result → search by code → the draw page →
// "复核本次抽取" runs the verifier WASM. No page loads a script file or the staff bundle.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { artifacts, assert, newPage, paste, runTests } from './harness.mjs';

const PHONE = { width: 360, height: 740 };

async function noSideways(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `${what} scrolls sideways at 360 px by ${overflow}px`);
}

async function scriptsLoaded(page) {
  return page.evaluate(() => performance.getEntriesByType('resource')
    .map((e) => e.name).filter((n) => /\.(js|wasm)(\?|$)/.test(n)));
}

await runTests([
  ['a phone finds a published result by name and code and verifies its draw', async ({ browser, base }) => {
    const page = await newPage(browser, PHONE);
    const wasm = [];
    page.on('response', (r) => { if (r.url().includes('verifier.wasm')) wasm.push(r); });

    await page.goto(base + '/public');
    await noSideways(page, 'home');
    assert((await scriptsLoaded(page)).length === 0, 'the home page loads no script or WASM');
    const first = page.locator('article.result').first();
    const name = (await first.locator('h3').textContent()).trim();
    const code = await first.getAttribute('data-code');
    await page.screenshot({ path: path.join(artifacts, 'portal-home-phone.png'), fullPage: true });

    // Search by a part of the name, with the keyboard.
    const part = name.slice(3, 9);
    await page.fill('#q', part);
    await Promise.all([page.waitForURL((u) => u.pathname === '/public/results'), page.press('#q', 'Enter')]);
    const card = page.locator(`article.result[data-code="${code}"]`);
    assert(await card.count() === 1, `searching "${part}" finds ${code}`);
    for (const label of ['检查单位', '检查时间', '检查方式', '检查内容', '检查结果', '后续处置']) {
      assert((await card.textContent()).includes(label), `the result shows ${label}`);
    }
    assert(/按时公示|逾期公示/.test(await card.locator('[data-testid=on-time]').textContent()), 'on-time flag');
    await noSideways(page, 'search results');
    await page.screenshot({ path: path.join(artifacts, 'portal-search-phone.png'), fullPage: true });

    // Open its result: the enterprise's own page.
    await Promise.all([page.waitForURL(`**/public/enterprises/${code}`), card.locator('h3 a').click()]);
    assert((await page.textContent('main')).includes('被抽中'), 'the enterprise page says it was drawn');
    assert(await page.locator(`article.result[data-code="${code}"]`).count() >= 1, 'and shows what was found');
    await noSideways(page, 'enterprise page');

    // Search by the credit code (lower case is fine).
    await page.goto(base + '/public/results');
    await page.fill('#q', code.toLowerCase());
    await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === code.toLowerCase()), page.click('form.search button')]);
    assert(await page.locator(`article.result[data-code="${code}"]`).count() >= 1, `searching the code finds ${code}`);

    // From the result to its task's draw, and verify it in this browser.
    await page.locator(`article.result[data-code="${code}"] dd a`).first().click();
    await page.waitForURL('**/public/tasks/*/results');
    await Promise.all([page.waitForURL('**/public/tasks/*/draw'), page.click('text=查看本任务的抽取与复核')]);
    assert((await page.textContent('main')).includes(code), 'the draw page lists the enterprise');
    assert((await scriptsLoaded(page)).length === 0, 'the draw page loads no WASM before the button');
    await noSideways(page, 'draw page');
    await page.click('#verify');
    await page.waitForSelector('[data-testid=verdict]');
    const verdict = await page.textContent('[data-testid=verdict]');
    assert(verdict.startsWith('有效'), `verdict: ${verdict}`);
    assert(await page.locator('.checks li.ok').count() >= 5, 'each check is listed');
    await page.screenshot({ path: path.join(artifacts, 'portal-draw-verified-phone.png'), fullPage: true });

    // The only WASM: the verifier, brotli-compressed, at most 100 KB, cached for a year.
    assert(wasm.length === 1, `one WASM fetch: ${wasm.map((r) => r.url())}`);
    const headers = await wasm[0].allHeaders();
    const size = Number(headers['content-length']);
    assert(headers['content-encoding'] === 'br', `served with brotli: ${headers['content-encoding']}`);
    assert(size > 0 && size <= 100 * 1024, `verifier.wasm is ${size} bytes brotli`);
    assert(headers['cache-control'].includes('immutable'), `cache: ${headers['cache-control']}`);
    console.log(`    verifier.wasm: ${size} bytes (brotli)`);
    assert(page.errors.length === 0, `console errors:\n${page.errors.join('\n')}`);
    await page.close();
  }],

  ['the verify tool checks a pasted manifest and a chosen public summary', async ({ browser, base }) => {
    const page = await newPage(browser, PHONE);
    await page.goto(base + '/public/verify');
    const vector = readFileSync(path.join(import.meta.dirname, '../../spec/vectors/joint.json'), 'utf8');
    await paste(page, '#json', vector);
    await page.click('#verify');
    await page.waitForSelector('[data-testid=verdict]');
    assert((await page.textContent('[data-testid=verdict]')).startsWith('有效'), 'a spec vector verifies');
    // A downloaded public summary, chosen as a file, is checked as a summary.
    const summary = await (await page.request.get(base + '/public/data/tasks/4/draw.json')).body();
    await page.fill('#json', '');
    await page.setInputFiles('#file', { name: 'draw.json', mimeType: 'application/json', buffer: summary });
    await page.click('#verify');
    await page.waitForFunction(() => document.querySelector('[data-testid=verdict]')?.textContent.includes('项检查全部通过'), null, { polling: 100 });
    assert((await page.textContent('#verify-out')).includes('名单户数：各层户数之和等于名单总户数'), 'summary checks listed in words');
    await noSideways(page, 'verify tool');
    assert(page.errors.length === 0, `console errors:\n${page.errors.join('\n')}`);
    await page.close();
  }],

  ['a tampered public summary fails and names the field', async ({ browser, base }) => {
    const page = await newPage(browser, PHONE);
    await page.route('**/public/data/{tasks,draws}/*/draw.json', async (route) => {
      const doc = await (await route.fetch()).json();
      doc.selected[1].key = doc.selected[0].key;
      await route.fulfill({ json: doc });
    });
    await page.goto(base + '/public/tasks/4/draw');
    await page.click('#verify');
    await page.waitForSelector('[data-testid=verdict]');
    const verdict = await page.textContent('[data-testid=verdict]');
    assert(verdict.startsWith('无效') && verdict.includes('抽中第 2 户'), `verdict: ${verdict}`);
    await page.close();
  }],
]);

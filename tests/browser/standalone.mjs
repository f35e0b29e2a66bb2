// The binary alone: copied into an empty directory and started there with no site
// directory and no variables (its default database lands in that directory). A staff
// page hydrates from the bundle built into the binary, and the portal's verify button
// fetches the built-in verifier and re-derives a draw.
import path from 'node:path';
import { artifacts, assert, hydrated, newPage, runTests, signIn } from './harness.mjs';

await runTests([
  ['a staff page hydrates from the bundle inside the copied binary', async ({ browser, base }) => {
    const page = await newPage(browser);
    const fetched = [];
    page.on('response', (r) => { if (r.url().includes('/pkg/')) fetched.push([r.url(), r.status()]); });
    await signIn(page, base, 'jijian');
    await page.goto(base + '/');
    await hydrated(page);
    // A client-side filter: it only works once hydration wired the handlers.
    await page.selectOption('[data-testid=department-filter]', 'scjgj');
    await page.waitForFunction(() => document.querySelector('[data-testid=task-count]').textContent.includes('共 1 项任务'));
    for (const file of ['shuangsui.js', 'shuangsui_bg.wasm', 'shuangsui.css']) {
      assert(fetched.some(([u, s]) => u.includes(`/pkg/${file}`) && (s === 200 || s === 304)), `${file} served: ${fetched}`);
    }
    await page.screenshot({ path: path.join(artifacts, 'standalone-plan.png') });
    assert(page.errors.length === 0, `console errors:\n${page.errors.join('\n')}`);
    await page.close();
  }],

  ['the portal verifies a draw with the verifier inside the copied binary', async ({ browser, base }) => {
    const page = await newPage(browser, { width: 360, height: 740 });
    await page.goto(base + '/public/tasks/4/draw');
    await page.click('#verify');
    await page.waitForSelector('[data-testid=verdict]');
    const verdict = await page.textContent('[data-testid=verdict]');
    assert(verdict.startsWith('有效'), `verdict: ${verdict}`);
    assert(page.errors.length === 0, `console errors:\n${page.errors.join('\n')}`);
    await page.close();
  }],
], { alone: true });

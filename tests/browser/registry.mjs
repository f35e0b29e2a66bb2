// Browser test of the registry (检查对象名录库): search by name, open the detail view,
// edit a field through the hydrated form, and search by credit code.
import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { artifacts, assert, hydrated, newPage, runTests, signIn } from './harness.mjs';

await runTests([
  ['search the enterprise registry and open a detail view', async ({ browser, base }) => {
    const page = await newPage(browser, { width: 1280, height: 800 });
    await signIn(page, base, 'jingban');
    await page.goto(base + '/registry/enterprises');
    await hydrated(page);
    assert((await page.textContent('[data-testid=registry-count]')).includes('共 648 户'), 'the whole demo registry is counted');

    // Search by a piece of the name (the trigram index answers 3+ characters).
    await page.fill('[data-testid=registry-search]', '演示12）');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === '演示12）'), page.click('[data-testid=registry-submit]')]);
    await page.waitForFunction(() => document.querySelector('[data-testid=registry-count]')?.textContent.includes('共 1 户'));
    const rows = await page.$$eval('[data-testid=registry-table] tbody tr', (trs) => trs.map((tr) => tr.textContent));
    assert(rows.length === 1 && rows[0].includes('（演示12）'), `one match: ${rows}`);
    const code = await page.textContent('[data-testid=registry-table] tbody tr code');

    // Open the detail view.
    await Promise.all([page.waitForURL((u) => /^\/registry\/enterprises\/\d+$/.test(u.pathname)), page.click('[data-testid=registry-table] tbody tr a')]);
    await page.waitForSelector('[data-testid=enterprise-name]');
    assert((await page.textContent('[data-testid=enterprise-name]')).includes('（演示12）'), 'the detail names the enterprise');
    assert((await page.textContent('[data-testid=enterprise-facts]')).includes(code), 'the detail shows its credit code');
    await hydrated(page);
    await page.screenshot({ path: path.join(artifacts, 'registry-detail.png'), fullPage: true });

    // Edit the risk class through the hydrated form; the detail shows the new value.
    await page.selectOption('[data-testid=record-form] select[name=信用风险分类]', 'D');
    await page.click('[data-testid=record-form] button[type=submit]');
    await page.waitForFunction(() => /信用风险分类\s*D/.test(document.querySelector('[data-testid=enterprise-facts]')?.textContent ?? ''), null, { timeout: 10_000 });

    // Search by the start of the credit code.
    await page.goto(base + '/registry/enterprises?q=' + code.slice(0, 12));
    await page.waitForSelector('[data-testid=registry-table]');
    const codes = await page.$$eval('[data-testid=registry-table] tbody tr code', (els) => els.map((e) => e.textContent));
    assert(codes.length >= 1 && codes.every((c) => c.startsWith(code.slice(0, 12))), `code prefix search: ${codes}`);
    assert(page.errors.length === 0, `console errors:\n${page.errors.join('\n')}`);
    await page.close();
  }],

  ['import an inspector file: dry run, then apply; a file over the limit is refused before sending', async ({ browser, base }) => {
    const page = await newPage(browser, { width: 1280, height: 800 });
    await signIn(page, base, 'jingban');
    await page.goto(base + '/registry/import?kind=inspectors');
    await hydrated(page);
    page.on('dialog', (d) => d.accept());
    const csv = '执法证号,姓名,所属部门,有效期起,有效期止,联系电话,状态\r\n130400239101,浏览器测试甲,执法支队,2024-01-01,2028-12-31,,在用\r\n';
    // The file goes up as a multipart form, as the browser reads it from disk.
    await page.setInputFiles('[data-testid=registry-file]', { name: '执法人员.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.waitForSelector('[data-testid=dry-run]:not([disabled])');
    await page.click('[data-testid=dry-run]');
    await page.waitForFunction(() => document.querySelector('[data-testid=import-summary]')?.textContent.includes('预检通过'));
    assert((await page.textContent('[data-testid=import-summary]')).includes('新增 1 条'), 'the dry run counts the new inspector');
    await page.click('[data-testid=apply]');
    await page.waitForFunction(() => document.querySelector('[data-testid=import-summary]')?.textContent.startsWith('已导入'));
    await page.goto(base + '/registry/inspectors?q=' + encodeURIComponent('浏览器测试甲'));
    assert((await page.textContent('[data-testid=inspectors]')).includes('130400239101'), 'the imported inspector is listed');

    await page.goto(base + '/registry/import?kind=enterprises');
    await hydrated(page);
    const big = path.join(tmpdir(), `registry-big-${process.pid}.csv`);
    writeFileSync(big, '');
    truncateSync(big, 65 << 20); // sparse: the page reads only its size
    await page.setInputFiles('[data-testid=registry-file]', big);
    rmSync(big);
    await page.waitForSelector('[data-testid=import-report] .error');
    const refused = await page.textContent('[data-testid=import-report] .error');
    assert(refused.includes('网页导入最多接受 64 MB'), `names the limit: ${refused}`);
    assert(await page.isDisabled('[data-testid=dry-run]'), 'nothing is sent');
    await page.screenshot({ path: path.join(artifacts, 'registry-import.png'), fullPage: true });
    assert(page.errors.length === 0, `console errors:\n${page.errors.join('\n')}`);
    await page.close();
  }],
]);

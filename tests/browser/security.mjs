// Browser test of the stored-script finding (issue 25): names made of markup — an
// enterprise, an inspector, an inspection item, a task and a plan title, put in through
// the real import, the real forms' server functions and the command line — are shown as
// text on every page that shows them, to staff, to an inspector and to the public. No
// dialog opens, no element with an event handler or a `src=x` image appears, the page
// title reads as the name, and the Content-Security-Policy blocks nothing of the app's own.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assert, DEMO_PASSWORD, hydrated, newPage, runTests, signIn } from './harness.mjs';

const PAYLOADS = [
  '</title><img src=x onerror=alert(1)>甲',
  '<script>alert(2)</script>乙',
  '"><svg onload=alert(3)>丙',
  "'><img src=x onerror=alert(4)>丁",
];

/** Signs in over HTTP; returns a caller of server functions as that account. */
async function account(base, username) {
  const r = await fetch(base + '/api/sign_in', {
    method: 'POST', redirect: 'manual',
    headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password: DEMO_PASSWORD }),
  });
  const cookie = r.headers.get('set-cookie')?.split(';')[0];
  assert(cookie?.startsWith('ss_session='), `sign-in of ${username}: ${r.status}`);
  return async (endpoint, body, { json = false } = {}) => {
    const res = await fetch(`${base}/api/${endpoint}`, {
      method: 'POST',
      headers: { origin: base, cookie, 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
      body: json ? JSON.stringify(body) : new URLSearchParams(body),
    });
    const text = await res.text();
    assert(res.ok, `${endpoint} as ${username}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

/** RFC 4180 CSV: rows of cells. */
function parseCsv(text) {
  const rows = []; let row = []; let cell = ''; let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n') { row.push(cell.replace(/\r$/, '')); rows.push(row); row = []; cell = ''; }
    else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
const toCsv = (rows) => '\uFEFF' + rows.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')).join('\r\n') + '\r\n';

/** Renames registry rows by the command line's export and import (the real import path). */
function renameByImport(server, kind, rename) {
  const db = `sqlite://${server.dir}/test.db`;
  const file = path.join(server.dir, `${kind}.csv`);
  execFileSync(server.bin, ['export', kind, file, '--db', db]);
  const rows = parseCsv(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  let changed = 0;
  for (let i = 1; i < rows.length; i++) {
    const name = rename(rows[i], i);
    if (name) { rows[i][1] = name; changed++; }
  }
  writeFileSync(file, toCsv(rows));
  execFileSync(server.bin, ['import', kind, file, '--apply', '--db', db]);
  return changed;
}

/** Visits `url` and checks that nothing of the payloads ran or became markup. */
async function visit(page, url, { hydrate = true, expect = [] } = {}) {
  page.dialogs.length = 0;
  await page.goto(url, { waitUntil: 'load' });
  if (hydrate) await hydrated(page);
  await page.waitForTimeout(100);
  const found = await page.evaluate(() => ({
    handlers: document.querySelectorAll('[onerror],[onload]').length,
    images: document.querySelectorAll('img[src="x"]').length,
    // Only an injected one is nothing but the payload: the app's data scripts carry names
    // too, escaped inside JSON.
    scripts: [...document.scripts].filter((s) => s.textContent.trim().startsWith('alert(')).length,
    text: document.body.innerText,
  }));
  assert(page.dialogs.length === 0, `${url}: a dialog opened: ${page.dialogs}`);
  assert(found.handlers === 0 && found.images === 0 && found.scripts === 0, `${url}: injected markup ${JSON.stringify({ ...found, text: undefined })}`);
  for (const text of expect) assert(found.text.includes(text), `${url}: "${text}" shown as text`);
  const csp = page.errors.filter((e) => /Content Security Policy|Refused to/.test(e));
  assert(csp.length === 0, `${url}: the policy blocked the app's own:\n${csp.join('\n')}`);
  return found;
}

async function watched(browser, viewport) {
  const page = await newPage(browser, viewport);
  page.dialogs = [];
  page.on('dialog', (d) => { page.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  return page;
}

await runTests([
  ['names made of markup are text on every page that shows them', async ({ browser, server, base }) => {
    const jijian = await account(base, 'jijian');
    const jingban = await account(base, 'jingban');

    // The enterprises drawn for task 001 and every inspector, renamed through the import.
    const drawn = (await jijian('results', { task_id: '1' })).rows.map((r) => r.code);
    assert(drawn.length > 0, 'task 001 has selections');
    const codes = new Set(drawn);
    const enterprises = renameByImport(server, 'enterprises', (row) =>
      codes.has(row[0]) ? PAYLOADS[[...codes].indexOf(row[0]) % PAYLOADS.length] : null);
    assert(enterprises === drawn.length, `renamed ${enterprises} of ${drawn.length}`);
    // The inspectors of task 001's teams, through the registry's edit function (the import
    // refuses to give a certificate another name, rightly).
    const teams = (await jijian('results', { task_id: '1' })).rows.flatMap((r) => r.team.map((m) => m[0]));
    const inspectorFile = path.join(server.dir, 'inspectors.csv');
    execFileSync(server.bin, ['export', 'inspectors', inspectorFile, '--db', `sqlite://${server.dir}/test.db`]);
    const inspectorRows = parseCsv(readFileSync(inspectorFile, 'utf8').replace(/^\uFEFF/, ''));
    const inspectorIds = [...new Set(teams)];
    for (const [i, id] of inspectorIds.entries()) {
      const detail = await jijian('registry/inspector', { id: String(id) });
      const row = inspectorRows.find((r) => r[0] === detail.row.record.certificate_no);
      row[1] = PAYLOADS[i % PAYLOADS.length] + i;
      await jingban('registry/save', { kind: 'inspectors', id, cells: row }, { json: true });
    }

    // An inspection item, through the registry's edit function.
    const items = await jingban('registry/items', { query: { q: '', department: '', active: '', page: 1 } }, { json: true });
    const item = items.rows[0];
    const itemFile = path.join(server.dir, 'items.csv');
    execFileSync(server.bin, ['export', 'items', itemFile, '--db', `sqlite://${server.dir}/test.db`]);
    const itemRow = parseCsv(readFileSync(itemFile, 'utf8').replace(/^\uFEFF/, '')).find((r) => r[0] === item.record.name);
    itemRow[0] = PAYLOADS[1] + '事项';
    await jingban('registry/save', { kind: 'items', id: item.id, cells: itemRow }, { json: true });

    // A task and the plan's title, through the task form's and the plan form's functions.
    const [draft] = await jingban('task_form', { id: '1' });
    const taskId = await jingban('save_task', { draft: { ...draft, id: null, plan_no: '2023009', task_no: '009 号', task_name: PAYLOADS[0] + '任务' } }, { json: true });
    await jingban('save_plan', { year: '2023', title: PAYLOADS[2] + '计划', remarks: PAYLOADS[3] });
    const enterpriseId = (await jijian('registry/enterprises', { query: { q: drawn[0], category: '', industry: '', nature: '', scale: '', region: '', filed_from: '', filed_to: '', status: '', risk: '', sort: '', desc: false, page: 1 } }, { json: true })).rows[0].id;
    const draw = (await jijian('task', { id: '1' }));

    const admin = await watched(browser, { width: 1440, height: 900 });
    await signIn(admin, base, 'admin');
    const first = await visit(admin, `${base}/registry/enterprises/${enterpriseId}`, { expect: [PAYLOADS[0]] });
    assert((await admin.title()).startsWith(PAYLOADS[0]), `the title reads as the name: ${await admin.title()}`);
    assert(first.text.includes(PAYLOADS[0]));
    await visit(admin, `${base}/registry/enterprises?q=${encodeURIComponent('甲')}`);
    await visit(admin, `${base}/registry/inspectors?q=${encodeURIComponent('乙')}`, { expect: [PAYLOADS[1] + '1'] });
    await visit(admin, `${base}/registry/inspectors/${inspectorIds[0]}`, { expect: [PAYLOADS[0] + '0'] });
    assert((await admin.title()).includes('<'), `inspector title: ${await admin.title()}`);
    await visit(admin, `${base}/registry/items/${item.id}`, { expect: [PAYLOADS[1] + '事项'] });
    await visit(admin, `${base}/registry/items`);
    await visit(admin, `${base}/registry/conflicts`);
    await visit(admin, `${base}/tasks/${taskId}`, { expect: [PAYLOADS[0] + '任务'] });
    assert((await admin.title()).startsWith(PAYLOADS[0] + '任务'), `task title: ${await admin.title()}`);
    await visit(admin, `${base}/`, { expect: [PAYLOADS[2] + '计划', PAYLOADS[0] + '任务'] });
    await visit(admin, `${base}/calendar`);
    await visit(admin, `${base}/tasks/1`, { expect: [PAYLOADS[0]] });
    await visit(admin, `${base}/tasks/1/results`, { expect: [PAYLOADS[0]] });
    await visit(admin, `${base}/tasks/1/record`, { expect: [PAYLOADS[0]] });
    await visit(admin, `${base}/tasks/1/ceremony`);
    await visit(admin, `${base}/deadlines`);
    await visit(admin, `${base}/audit`);
    if (draw?.draw?.draw_id) await visit(admin, `${base}/verify/${draw.draw.draw_id}`);
    await admin.close();

    const clerk = await watched(browser, { width: 1440, height: 900 });
    await signIn(clerk, base, 'jingban');
    await visit(clerk, `${base}/tasks/${taskId}/edit`);
    await clerk.close();

    const inspector = await watched(browser, { width: 360, height: 740 });
    await signIn(inspector, base, 'zhifa');
    await visit(inspector, `${base}/my`);
    await inspector.close();

    // The public portal (no hydration; its own scripts are allowed by hash).
    const visitor = await watched(browser, { width: 360, height: 740 });
    await visit(visitor, `${base}/public`, { hydrate: false });
    await visit(visitor, `${base}/public/plans/2023`, { hydrate: false, expect: [PAYLOADS[2] + '计划'] });
    await visit(visitor, `${base}/public/tasks/1/draw`, { hydrate: false, expect: [PAYLOADS[0]] });
    await visit(visitor, `${base}/public/enterprises/${drawn[0]}`, { hydrate: false });
    await visit(visitor, `${base}/live/1`, { hydrate: false });
    await visit(visitor, `${base}/public/verify`, { hydrate: false });
    await visitor.close();
  }],
]);

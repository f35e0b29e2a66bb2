// What users meet (issue 24, the points ux.mjs left): the projector's entropy step, the
// printed record of a long draw, and the smaller things of point 10 — each tried as the
// person who meets it would, in headless Chromium against the demo data.
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { artifacts, assert, DEMO_PASSWORD, hydrated, newPage, runTests, signIn } from './harness.mjs';

const PHONE = { width: 360, height: 740 };
const STAFF = { width: 1440, height: 900 };

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

/**
 * A task like the demo's 001 (the same pool, four risk classes) drawn this month with
 * `wanted` enterprises selected: created, consented, frozen and drawn through the server
 * functions the pages call. Resolves to its id.
 */
async function drawnTask(base, wanted, no) {
  const clerk = await account(base, 'jingban');
  const chief = await account(base, 'zhuyao');
  const beijing = new Date(Date.now() + 8 * 3600_000);
  const year = beijing.getUTCFullYear(), month = beijing.getUTCMonth() + 1;
  const [draft] = await clerk('task_form', { id: '1' });
  const task = {
    ...draft, id: null, year, plan_no: `${year}9${no}`, task_no: `9${no} 号`,
    task_name: `打印测试：抽取 ${wanted} 户`, start_month: month, end_month: month, max_per_inspector: 0,
  };
  let id = await clerk('save_task', { draft: task }, { json: true });
  // The ratio that selects `wanted` from the pool's classes (each rounded up).
  const classes = (await clerk('task', { id: String(id) })).estimate.classes.map((c) => c[1]);
  const quota = (bp) => classes.reduce((sum, n) => sum + Math.min(n, Math.max(1, Math.ceil(n * bp / 10000))), 0);
  let bp = 1;
  while (bp < 10000 && quota(bp) < wanted) bp++;
  id = await clerk('save_task', { draft: { ...task, id, ratio_bp: bp } }, { json: true });
  await clerk('task_step', { task_id: String(id), to: 'submitted', comment: '' });
  await chief('task_step', { task_id: String(id), to: 'planned', comment: '同意' });
  await clerk('freeze', { task_id: String(id) });
  await clerk('draw', { task_id: String(id), public_entropy: '6 2 4 1 5 3 3 6 1 2' });
  const selected = (await clerk('task', { id: String(id) })).draw.selected.length;
  return { id, selected };
}

/** The PDF's pages in order, each as its content streams inflated (Chromium's own PDFs). */
function pdfPages(pdf) {
  const text = pdf.toString('latin1'); // one character per byte: indexes are byte offsets
  const objects = new Map();
  for (const m of text.matchAll(/(\d+) 0 obj\b/g)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endobj', start);
    let body = text.slice(start, end), content = null;
    const s = body.indexOf('stream');
    if (s >= 0 && !body.slice(0, s).includes('endstream')) {
      const head = body.slice(0, s);
      const from = start + s + 'stream'.length + (text[start + s + 6] === '\r' ? 2 : 1);
      const len = /\/Length (\d+)(?! \d+ R)/.exec(head)?.[1];
      const to = len ? from + Number(len) : text.lastIndexOf('endstream', end);
      const raw = pdf.subarray(from, to);
      try { content = /FlateDecode/.test(head) ? inflateSync(raw).toString('latin1') : raw.toString('latin1'); } catch { content = ''; }
      body = head;
    }
    objects.set(m[1], { body, content });
  }
  const root = [...objects.values()].find((o) => /\/Type\s*\/Pages\b/.test(o.body) && /\/Kids/.test(o.body));
  const order = [...(/\/Kids\s*\[([^\]]*)\]/.exec(root?.body ?? '')?.[1] ?? '').matchAll(/(\d+) 0 R/g)].map((m) => m[1]);
  return order.map((n) => {
    const page = objects.get(n)?.body ?? '';
    const refs = /\/Contents\s*\[([^\]]*)\]/.exec(page)?.[1] ?? /\/Contents\s*(\d+ 0 R)/.exec(page)?.[1] ?? '';
    return [...refs.matchAll(/(\d+) 0 R/g)].map((m) => objects.get(m[1])?.content ?? '').join('\n');
  });
}

/**
 * The print's pages on which something inside `selector` is drawn: everything else is
 * made invisible (its place kept, so the pages break where they would), then printed.
 */
async function pagesShowing(page, selector) {
  await page.addStyleTag({ content: `body * { visibility: hidden !important } ${selector}, ${selector} * { visibility: visible !important }`, });
  const pages = pdfPages(await page.pdf({ format: 'A4', preferCSSPageSize: true }));
  await page.evaluate(() => document.querySelectorAll('style').forEach((s) => s.textContent.includes('visibility: hidden !important') && s.remove()));
  return pages.map((content, i) => (/\bBT\b/.test(content) ? i + 1 : 0)).filter(Boolean);
}

async function printRecord(browser, base, id, file) {
  const page = await newPage(browser, STAFF);
  await signIn(page, base, 'jingban');
  await page.goto(`${base}/tasks/${id}/record`);
  await page.waitForSelector('.record-note');
  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ format: 'A4', path: path.join(artifacts, file), preferCSSPageSize: true });
  return { page, pages: pdfPages(pdf).length };
}

const tests = [
  ['7. the projector\'s fields: Space types in a field as the hint says; one message at a time; only dice points', async ({ browser, base }) => {
    const room = await newPage(browser, { width: 1920, height: 1080 });
    await signIn(room, base, 'jingban.sctx');
    await room.goto(base + '/tasks/3');
    await hydrated(room);
    room.once('dialog', (d) => d.accept());
    await room.click('[data-testid=freeze]');
    await room.waitForSelector('[data-testid=open-ceremony]');
    await room.goto(base + '/tasks/3/ceremony');
    await hydrated(room);
    const step = () => room.$eval('[data-testid=ceremony]', (el) => Number(el.dataset.step));
    const keys = await room.textContent('.cer-keys');
    assert(/输入框中空格为输入空格/.test(keys) && /回车/.test(keys), `the hint says what Space does in a field: ${keys}`);
    // In the 抽取地点 field Space types a space, as the hint says, and the screen stays.
    await room.click('.cer-place input >> nth=0');
    await room.keyboard.type('局 三楼');
    await room.waitForTimeout(200);
    assert(await room.inputValue('.cer-place input >> nth=0') === '局 三楼', `the place: ${await room.inputValue('.cer-place input >> nth=0')}`);
    assert(await step() === 0, 'Space in a field did not move the screen on');
    // Outside a field Space moves on.
    await room.click('.cer-title');
    await room.keyboard.press('Space');
    await room.waitForFunction(() => document.querySelector('[data-testid=ceremony]')?.dataset.step === '1');
    await room.keyboard.press('Enter');
    await room.waitForSelector('[data-testid=cer-entropy-input]');

    // Enter on an empty entropy: the line under the field turns into the error, once.
    const once = (text) => room.$$eval('[data-testid=ceremony] *', (els, t) => els.filter((e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.includes(t))).length, text);
    await room.keyboard.press('Enter');
    await room.waitForSelector('[data-testid=cer-entropy-status].error');
    assert(await once('请输入现场随机数') === 1, `the empty entropy's message shows ${await once('请输入现场随机数')} times`);
    assert(await room.$('[data-testid=cer-error]') === null, 'no second box repeats it');
    // A 9 is not a die: said beside the field at once, and Enter does not go on.
    await room.keyboard.type('3 1 9');
    await room.waitForFunction(() => /不是骰子点数/.test(document.querySelector('[data-testid=cer-entropy-status]')?.textContent));
    const status = await room.textContent('[data-testid=cer-entropy-status]');
    assert(status.includes('“9”') && status.includes('1–6') && !/[a-z]/i.test(status), `the status: ${status}`);
    assert(await room.getAttribute('[data-testid=cer-entropy-input]', 'aria-invalid') === 'true', 'the field is marked');
    for (const [width, height] of [[1920, 1080], [1280, 720]]) {
      await room.setViewportSize({ width, height });
      await room.waitForTimeout(150);
      await room.screenshot({ path: path.join(artifacts, `ux2-ceremony-entropy-error-${width}x${height}.png`) });
      const box = await room.$eval('[data-testid=cer-entropy-status]', (el) => { const r = el.getBoundingClientRect(); return [r.bottom, innerHeight]; });
      assert(box[0] <= box[1], `the message is on the ${width}×${height} screen: ${box}`);
    }
    await room.keyboard.press('Enter');
    await room.waitForTimeout(300);
    assert(await room.$('[data-testid=cer-confirm]') === null, 'a 9 is not taken to the draw');
    assert(await once('不是骰子点数') === 1, 'the message shows once');
    assert(await step() === 2, 'still at the entropy step');
    // Corrected, it counts the points and asks for the confirming Enter.
    await room.keyboard.press('Backspace');
    await room.keyboard.type('6 2');
    await room.waitForFunction(() => /已输入 4 个点数/.test(document.querySelector('[data-testid=cer-entropy-status]')?.textContent));
    await room.keyboard.press('Enter');
    await room.waitForSelector('[data-testid=cer-confirm]');
    assert(room.errors.length === 0, `console errors:\n${room.errors.join('\n')}`);
    await room.close();
  }],

  ['9. the draw record: 30 selected fit one A4 page; 60 repeat the list\'s header and keep the signatures together', async ({ browser, base }) => {
    const typical = await drawnTask(base, 30, '01');
    assert(typical.selected === 30, `the typical task selected ${typical.selected}`);
    const one = await printRecord(browser, base, typical.id, 'ux2-record-30.pdf');
    console.log(`    record of ${typical.selected} selected: ${one.pages} A4 page(s)`);
    assert(one.pages === 1, `30 selected print on ${one.pages} pages`);
    await one.page.setViewportSize({ width: 700, height: 1000 }); // about A4's printed width
    const codes = await one.page.$$eval('.record-selected td code, .record-selected td', (els) => els.filter((e) => /^[0-9A-Z]{18}$/.test(e.textContent.trim()))
      .filter((e) => e.getBoundingClientRect().height > parseFloat(getComputedStyle(e).lineHeight) * 1.5).length);
    assert(codes === 0, `${codes} credit codes wrap in print`);
    await one.page.close();

    const long = await drawnTask(base, 60, '02');
    assert(long.selected >= 60, `the long task selected ${long.selected}`);
    const two = await printRecord(browser, base, long.id, 'ux2-record-60.pdf');
    const rows = await pagesShowing(two.page, '.record-selected tbody');
    const header = await pagesShowing(two.page, '.record-selected thead');
    const signatures = await pagesShowing(two.page, '.record-sign');
    console.log(`    record of ${long.selected} selected: ${two.pages} A4 pages; list on ${rows}, its header on ${header}, signatures on ${signatures}`);
    assert(two.pages >= 2 && rows.length >= 2, `the long list spans pages: ${rows} of ${two.pages}`);
    assert(JSON.stringify(header) === JSON.stringify(rows), `the header repeats on every page of the list: ${header} vs ${rows}`);
    assert(signatures.length === 1, `the signature block is split over pages ${signatures}`);
    await two.page.close();
  }],

  ['10a. the registry\'s and the audit log\'s filters do not overlap at 1440 px', async ({ browser, base }) => {
    const page = await newPage(browser, STAFF);
    await signIn(page, base, 'jijian');
    for (const url of ['/registry/enterprises', '/registry/inspectors', '/audit']) {
      await page.goto(base + url);
      await hydrated(page);
      const overlaps = await page.$$eval('form.filters .field', (fields) => {
        const boxes = fields.map((f) => [f, f.getBoundingClientRect(), f.querySelector('input, select')?.getBoundingClientRect()]);
        const out = [];
        for (const [f, box, input] of boxes) {
          const name = f.querySelector('span')?.textContent;
          if (input && (input.left < box.left - 1 || input.right > box.right + 1)) out.push(`${name}: its input leaves its box`);
          for (const [g, other] of boxes) {
            if (g !== f && input && input.left < other.right - 1 && input.right > other.left + 1 && input.top < other.bottom - 1 && input.bottom > other.top + 1) out.push(`${name} runs under ${g.querySelector('span')?.textContent}`);
          }
        }
        return out;
      });
      assert(overlaps.length === 0, `${url}: ${overlaps.join('; ')}`);
    }
    await page.close();
  }],

  ['10b. the public plan: whole months on the calendar\'s bars and a 联合部门 column a name wide, at 360 and 1440 px', async ({ browser, base }) => {
    for (const size of [PHONE, STAFF]) {
      const page = await newPage(browser, size);
      await page.goto(base + '/public/plans/2023');
      const bars = await page.$$eval('.bar', (els) => els.map((e) => {
        const range = document.createRange();
        range.selectNodeContents(e);
        const text = range.getBoundingClientRect();
        const clipped = getComputedStyle(e).textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1;
        return { text: e.textContent, clipped, inside: text.left >= 0 && text.right <= innerWidth };
      }));
      assert(bars.length >= 2, 'the calendar has bars');
      for (const b of bars) assert(!b.clipped && b.inside && /^\d+(–\d+)?月$/.test(b.text), `${size.width} px: a bar reads ${JSON.stringify(b)}`);
      const widths = await page.$$eval('table.plan thead th', (ths) => ths.map((th) => [th.textContent, th.getBoundingClientRect().width, parseFloat(getComputedStyle(th).fontSize)]));
      for (const [name, width, font] of widths.filter(([n]) => ['联合部门', '发起部门', '抽查类型', '抽查比例'].includes(n))) {
        assert(width >= font * 4, `${size.width} px: the ${name} column is ${Math.round(width)} px wide`);
      }
      if (size === PHONE) await page.screenshot({ path: path.join(artifacts, 'ux2-portal-plan-phone.png'), fullPage: true });
      await page.close();
    }
  }],

  ['10c. /public/data says what a task without files is waiting for', async ({ browser, base }) => {
    const page = await newPage(browser, PHONE);
    await page.goto(base + '/public/data');
    const items = await page.$$eval('h2 + ul li', (lis) => lis.map((li) => li.innerText));
    const bare = items.filter((t) => /：\s*$/.test(t));
    assert(bare.length === 0, `names followed by nothing: ${bare}`);
    assert(items.some((t) => t.includes('尚未抽取')), `a task not drawn says so: ${items}`);
    await page.close();
  }],

  ['10d. a credit code with nothing published links to its enterprise\'s page, which says 被抽中', async ({ browser, base }) => {
    const clerk = await account(base, 'jingban');
    const codes = (await clerk('task', { id: '1' })).draw.selected.map((s) => s.code);
    const page = await newPage(browser, PHONE);
    let code;
    for (const c of codes) {
      await page.goto(`${base}/public/results?q=${c}`);
      if ((await page.textContent('main')).includes('没有找到')) { code = c; break; }
    }
    assert(code, 'a drawn enterprise of task 001 has no published result');
    const link = page.locator(`a[href="/public/enterprises/${code}"]`);
    assert(await link.count() === 1, `the empty search links to /public/enterprises/${code}: ${await page.textContent('main')}`);
    await Promise.all([page.waitForURL(`**/public/enterprises/${code}`), link.click()]);
    assert((await page.textContent('main')).includes('被抽中'), 'the enterprise page says 被抽中');
    await page.goto(`${base}/public/results?q=${code.toLowerCase()}`);
    assert(await page.locator(`a[href="/public/enterprises/${code}"]`).count() === 1, 'in lower case too');
    await page.goto(`${base}/public/results?q=911304000000000000`);
    assert(await page.locator('[data-testid=enterprise-link]').count() === 0, 'an unknown code links nowhere');
    await page.close();
  }],

  ['10e. /public/verify sends the public to a guide and a script the portal serves', async ({ browser, base }) => {
    const page = await newPage(browser, PHONE);
    await page.goto(base + '/public/verify');
    const text = await page.textContent('main');
    assert(!/docs\/|仓库/.test(text), `the verify page points into the repository: ${text}`);
    const script = await page.getAttribute('[data-testid=offline] a[href$=".py"]', 'href');
    const res = await fetch(base + script);
    const body = await res.text();
    assert(res.ok && body.includes('hashlib'), `${script}: ${res.status} ${body.slice(0, 60)}`);
    assert(body.split('\n').length < 100, 'the script is the short one');
    await Promise.all([page.waitForURL('**/public/verify/guide'), page.click('[data-testid=offline] a:text("核验说明")')]);
    const guide = await page.innerText('[data-testid=guide]');
    assert(guide.includes('抽取清单是什么') && guide.includes('python3') && !guide.includes('```') && !guide.includes('**'), `the guide reads as a page: ${guide.slice(0, 200)}`);
    await page.screenshot({ path: path.join(artifacts, 'ux2-portal-verify-guide-phone.png'), fullPage: false });
    await page.close();
  }],

  ['10f. a category typed in part (二手车) finds its enterprises in the registry', async ({ browser, base }) => {
    const page = await newPage(browser, STAFF);
    await signIn(page, base, 'jingban');
    await page.goto(base + '/registry/enterprises?category=' + encodeURIComponent('二手车'));
    await hydrated(page);
    await page.waitForSelector('[data-testid=registry-count]');
    const count = Number(/共 (\d+) 户/.exec(await page.textContent('[data-testid=registry-count]'))?.[1] ?? 0);
    assert(count > 0, `二手车 finds ${count}`);
    const categories = await page.$$eval('[data-testid=registry-table] tbody tr', (trs) => trs.map((tr) => tr.innerText));
    assert(categories.every((t) => t.includes('二手车销售企业')), 'only second-hand car dealers');
    await page.goto(base + '/registry/enterprises?industry=' + encodeURIComponent('旧车'));
    await hydrated(page);
    const byIndustry = Number(/共 (\d+) 户/.exec(await page.textContent('[data-testid=registry-count]'))?.[1] ?? 0);
    assert(byIndustry > 0, `the industry 旧车 finds ${byIndustry}`);
    await page.close();
  }],

  ['10g. the dry run counts only good rows and says the bad one is counted after correction', async ({ browser, base }) => {
    const page = await newPage(browser, STAFF);
    await signIn(page, base, 'jingban');
    await page.goto(base + '/registry/import?kind=inspectors');
    await hydrated(page);
    // Two new inspectors, and a third (new too) with an impossible date.
    const csv = '执法证号,姓名,所属部门,有效期起,有效期止,联系电话,状态\r\n'
      + '130400239201,预检甲,执法支队,2024-01-01,2028-12-31,,在用\r\n'
      + '130400239202,预检乙,执法支队,2024-01-01,2028-12-31,,在用\r\n'
      + '130400239203,预检丙,执法支队,2024-13-01,2028-12-31,,在用\r\n';
    await page.setInputFiles('[data-testid=registry-file]', { name: '执法人员.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.waitForSelector('[data-testid=dry-run]:not([disabled])');
    await page.click('[data-testid=dry-run]');
    await page.waitForSelector('[data-testid=import-summary].bad');
    const summary = await page.textContent('[data-testid=import-summary]');
    assert(!summary.includes('改正后将新增 2 条'), `after correction three are new, not two: ${summary}`);
    assert(summary.includes('1 行') && summary.includes('新增 2 条') && summary.includes('改正后'), `the summary: ${summary}`);
    await page.screenshot({ path: path.join(artifacts, 'ux2-import-dry-run.png'), fullPage: false });
    await page.close();
  }],
];

// UX_ONLY=10 runs the tests whose names start with it.
const only = process.env.UX_ONLY;
await runTests(only ? tests.filter(([name]) => name.startsWith(only)) : tests);

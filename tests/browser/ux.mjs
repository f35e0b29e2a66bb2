// What users meet (issue 24): each point tried as the person who meets it would, in
// headless Chromium against the demo data.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { artifacts, assert, hydrated, newPage, runTests, signIn } from './harness.mjs';

const PHONE = { width: 360, height: 740 };
const STAFF = { width: 1440, height: 900 };

/** Clicks `link` and expects the browser to download a non-empty file named `*.ext`. */
async function download(page, link, ext, what) {
  assert(await link.count() === 1, `${what}: one link (found ${await link.count()})`);
  const href = await link.getAttribute('href');
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }).catch(() => null), link.click()]);
  assert(file, `${what}: clicking ${href} downloads nothing (page: ${(await page.textContent('main')).slice(0, 60)})`);
  const name = file.suggestedFilename();
  assert(name.endsWith('.' + ext), `${what}: ${name} is not .${ext}`);
  const bytes = readFileSync(await file.path());
  assert(bytes.length > 100, `${what}: ${name} has ${bytes.length} bytes`);
  return { name, bytes };
}

const tests = [
  ['1. every staff download link gets its file; links to the portal leave the app', async ({ browser, base }) => {
    const page = await newPage(browser, STAFF);
    await signIn(page, base, 'jingban');

    await page.goto(base + '/plans/2023');
    await hydrated(page);
    await download(page, page.locator('[data-testid=export]'), 'xlsx', 'the plan\'s 导出 Excel');

    await page.goto(base + '/registry/enterprises?region=130426&risk=A');
    await hydrated(page);
    await download(page, page.locator('a', { hasText: /^Excel$/ }), 'xlsx', 'enterprises as Excel');
    const csv = await download(page, page.locator('a', { hasText: /^CSV$/ }), 'csv', 'enterprises as CSV');
    const rows = csv.bytes.toString('utf8').trim().split('\n').length - 1;
    const shown = Number(/共 (\d+) 户/.exec(await page.textContent('[data-testid=registry-count]'))[1]);
    assert(rows === shown, `the CSV keeps the filters: ${rows} rows, ${shown} shown`);

    for (const list of ['inspectors', 'items']) {
      await page.goto(base + `/registry/${list}`);
      await hydrated(page);
      await download(page, page.locator('a', { hasText: /^Excel$/ }), 'xlsx', `${list} as Excel`);
      await download(page, page.locator('a', { hasText: /^CSV$/ }), 'csv', `${list} as CSV`);
    }

    await page.goto(base + '/registry/import?kind=enterprises');
    await hydrated(page);
    await download(page, page.locator('a', { hasText: '下载当前名录作为模板' }), 'xlsx', 'the registry template');

    await page.goto(base + '/plans/2023/import');
    await hydrated(page);
    await download(page, page.locator('a', { hasText: '下载当前计划表作为模板' }), 'xlsx', 'the plan template');

    // The portal and the live page are the server's, not the app's.
    await page.goto(base + '/tasks/1');
    await hydrated(page);
    await Promise.all([page.waitForURL('**/public'), page.click('nav a:text-is("公示平台")')]);
    assert(!(await page.textContent('body')).includes('页面不存在'), 'the nav\'s 公示平台 opens the portal');
    assert((await page.title()).length > 0 && await page.locator('h1').count() > 0, 'the portal rendered');
    assert(page.errors.length === 0, `console errors:\n${page.errors.join('\n')}`);
    await page.close();
  }],

  ['2. the record\'s verify address opens for an anonymous phone and verifies', async ({ browser, base }) => {
    const staff = await newPage(browser, STAFF);
    await signIn(staff, base, 'jingban');
    await staff.goto(base + '/tasks/1/record');
    await staff.waitForSelector('.record-note');
    const note = await staff.textContent('.record-note');
    const url = /(https?:\/\/\S+?)\s*下载/.exec(note)?.[1] ?? /(https?:\/\/[^\s，。]+)/.exec(note)?.[1];
    assert(url, `the record names an address: ${note}`);
    await staff.close();

    const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', isMobile: true });
    const phone = await context.newPage();
    const res = await phone.goto(url);
    assert(res.status() === 200, `${url} answers ${res.status()} to the public`);
    const text = await phone.textContent('body');
    assert(!text.includes('请登录'), `${url} asks the public to sign in`);
    await phone.click('#verify');
    await phone.waitForSelector('[data-testid=verdict]');
    const verdict = await phone.textContent('[data-testid=verdict]');
    assert(verdict.startsWith('有效'), `verdict: ${verdict}`);
    await phone.screenshot({ path: path.join(artifacts, 'ux-qr-target-phone.png'), fullPage: true });
    await context.close();
  }],
  ['3. the demo\'s task 001 tells one story in time: a 2023 date saves, the past deadline is overdue', async ({ browser, base }) => {
    const page = await newPage(browser, STAFF);
    await signIn(page, base, 'jingban');
    await page.goto(base + '/deadlines');
    await page.waitForSelector('[data-testid=deadlines]');
    const row = await page.textContent('[data-testid=deadlines] tbody tr:has-text("2023 年商务局成品油")');
    assert(/已逾期 \d+ 个工作日/.test(row), `task 001's deadline shows as overdue: ${row}`);
    await page.goto(base + '/tasks/1/results');
    await hydrated(page);
    await page.locator('[data-testid=enter-result]').first().click();
    await page.fill('[data-testid=result-form] input[name=inspected_on]', '2023-03-20');
    await page.check('[data-testid=result-form] input[name=categories][value="未发现问题"]');
    await page.click('[data-testid=save-result]');
    await page.waitForFunction(() => /已录入 1 \//.test(document.querySelector('[data-testid=results-progress]')?.textContent || ''), null, { timeout: 10_000 })
      .catch(async () => { throw new Error(`a date inside the window is refused: ${await page.textContent('[data-testid=result-form]')}`); });
    await page.close();
  }],

  ['4. a form\'s errors sit beside their fields, in Chinese, and what was typed stays', async ({ browser, base }) => {
    const page = await newPage(browser, STAFF);
    await signIn(page, base, 'jingban');
    await page.goto(base + '/tasks/1/results');
    await hydrated(page);
    await page.locator('[data-testid=enter-result]').last().click();
    await page.waitForSelector('[data-testid=result-form]');
    // No date, a problem category without the problem written down, handling missing.
    await page.check('[data-testid=result-form] input[name=categories][value="发现问题待后续处理"]');
    await page.click('[data-testid=save-result]');
    await page.waitForSelector('[data-testid=result-form] .field-error');
    const date = await page.textContent('[data-testid=result-form] .field-error[data-field=inspected_on]');
    assert(date.includes('请填写检查日期'), `an empty date is missing, not badly formatted: ${date}`);
    assert((await page.textContent('[data-testid=result-form] .field-error[data-field=problems]')).includes('请填写发现的问题'), 'problems marked');
    assert(await page.locator('[data-testid=result-form] .field-error[data-field=handling]').count() === 1, 'handling marked');
    assert(await page.getAttribute('[data-testid=result-form] input[name=inspected_on]', 'aria-invalid') === 'true', 'the date field is marked');
    const all = await page.textContent('[data-testid=result-form]');
    assert(!/[a-z]+_[a-z]+|inspected|comment|password/.test(all), `no code names: ${all}`);
    assert(await page.isChecked('[data-testid=result-form] input[name=categories][value="发现问题待后续处理"]'), 'the form keeps what was chosen');
    await page.screenshot({ path: path.join(artifacts, 'ux-form-errors.png'), fullPage: false });

    // A send-back without its reason: the sentence names the field in Chinese.
    const chief = await newPage(browser, STAFF);
    await signIn(chief, base, 'zhuyao');
    await chief.goto(base + '/tasks/2');
    await hydrated(chief);
    await chief.click('[data-testid=step-draft]');
    await chief.waitForSelector('main .error');
    const refusal = await chief.textContent('main .error');
    assert(refusal.includes('理由') && !/[a-z]/.test(refusal), `a send-back without reason, in Chinese: ${refusal}`);
    // The sign-in form: an empty password says so in Chinese.
    const anon = await newPage(browser, STAFF);
    await anon.goto(base + '/login');
    await anon.fill('input[name=username]', 'jingban');
    await anon.evaluate(() => document.querySelector('input[name=password]').removeAttribute('required'));
    await anon.click('[data-testid=sign-in]');
    await anon.waitForSelector('[data-testid=login-error]');
    const login = await anon.textContent('[data-testid=login-error]');
    assert(!/password/.test(login) && login.includes('密码'), `sign-in error: ${login}`);
    assert(await anon.inputValue('input[name=username]') === 'jingban', 'the user name stays');
    await page.close(); await chief.close(); await anon.close();
  }],
  ['5. the public verify list and the audit log read in Chinese, with the exact values', async ({ browser, base }) => {
    const english = /\b(protocol|commitment|seed|pool|selected|key|order|stratum|count|status|draft|task|user|system)\b|[{}"]/;
    const phone = await newPage(browser, PHONE);
    await phone.goto(base + '/public/tasks/4/draw');
    await phone.click('#verify');
    await phone.waitForSelector('[data-testid=verdict]');
    const out = await phone.innerText('#verify-out');
    assert(out.startsWith('有效'), `verdict: ${out.slice(0, 80)}`);
    assert(!english.test(out), `English on the verify list: ${english.exec(out)?.[0]} in ${out.slice(0, 300)}`);
    assert(out.includes('种子：由秘密值和公共随机数算出') && /[0-9a-f]{64}/.test(out), 'the seed check shows its value');
    await phone.goto(base + '/public/verify');
    await phone.fill('#json', readFileSync(path.join(import.meta.dirname, '../../spec/vectors/joint.json'), 'utf8'));
    await phone.click('#verify');
    await phone.waitForSelector('[data-testid=verdict]');
    const tool = await phone.innerText('#verify-out');
    assert(!english.test(tool), `English on the verify tool: ${english.exec(tool)?.[0]} in ${tool.slice(0, 300)}`);
    await phone.screenshot({ path: path.join(artifacts, 'ux-portal-verify-phone.png'), fullPage: true });
    await phone.close();

    const officer = await newPage(browser, STAFF);
    await signIn(officer, base, 'jijian');
    await officer.goto(base + '/audit');
    await officer.waitForSelector('[data-testid=audit]');
    for (const [i, cell] of (await officer.$$eval('[data-testid=audit] tbody tr', (trs) => trs.map((tr) => [...tr.cells].slice(2, 7).map((c) => c.innerText).join(' | ')))).entries()) {
      assert(!english.test(cell) && !/\b[a-z]+[._][a-z]+\b/.test(cell), `audit row ${i}: ${cell}`);
    }
    await officer.screenshot({ path: path.join(artifacts, 'ux-audit.png'), fullPage: false });
    await officer.close();
  }],
  ['6. times on pages are in Beijing time, never UTC', async ({ browser, base }) => {
    const utc = /\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?Z|UTC/;
    const check = async (page, url) => {
      await page.goto(base + url);
      await page.waitForLoadState('networkidle');
      const text = await page.innerText('body');
      assert(!utc.test(text), `${url} shows ${utc.exec(text)?.[0]}`);
      return text;
    };
    const staff = await newPage(browser, STAFF);
    await signIn(staff, base, 'jingban');
    for (const url of ['/tasks/1', '/tasks/1/list/consent', '/tasks/1/list/filing', '/tasks/1/ceremony', '/tasks/4', '/registry/conflicts', '/registry/enterprises/1', '/tasks/1/results']) {
      await check(staff, url);
    }
    const record = await check(staff, '/tasks/1/record');
    // The demo draw of task 001 was at 2023-03-10T02:30:00Z: 10:30 in Beijing.
    assert(record.includes('2023-03-10 10:30:00') && record.includes('北京时间'), `the record's time: ${/抽取时间[^\n]*/.exec(record)?.[0]}`);
    await staff.close();
    const officer = await newPage(browser, STAFF);
    await signIn(officer, base, 'jijian');
    await check(officer, '/audit');
    await officer.close();
    const phone = await newPage(browser, PHONE);
    for (const url of ['/public', '/public/tasks/1/draw', '/public/draws/1', '/public/tasks/4/draw', '/public/tasks/4/results', '/public/plans/2023']) {
      await check(phone, url);
    }
    const draw = await check(phone, '/public/tasks/1/draw');
    assert(draw.includes('2023-03-10 10:30:00'), 'the portal shows the draw in Beijing time');
    await phone.close();
  }],
  ['8. each role sees only its actions, and a to-do list with its count in the navigation', async ({ browser, base }) => {
    const editing = ['新增任务', '导入计划表', '编辑计划', '新建年度计划'];
    for (const who of ['lingdao', 'zhixu', 'jijian', 'zhuyao', 'jingban']) {
      const page = await newPage(browser, STAFF);
      await signIn(page, base, who);
      await page.goto(base + '/plans/2023');
      await hydrated(page);
      const toolbar = await page.innerText('main');
      const shown = editing.filter((a) => toolbar.includes(a));
      if (who === 'jingban') assert(shown.length === editing.length, `the clerk keeps ${editing}: ${shown}`);
      else assert(shown.length === 0, `${who} is offered ${shown}`);
      await page.close();
    }
    const chief = await newPage(browser, STAFF);
    await signIn(chief, base, 'zhuyao');
    await chief.goto(base + '/');
    await hydrated(chief);
    await chief.waitForSelector('[data-testid=todo] li');
    const items = await chief.$$eval('[data-testid=todo] li', (lis) => lis.map((li) => li.innerText));
    assert(items.some((t) => t.includes('002')), `the principal leader's to-do names task 002: ${items}`);
    const nav = await chief.textContent('[data-testid=nav-todo]');
    assert(nav === `待办（${items.length}）`, `the navigation counts ${items.length}: ${nav}`);
    await chief.screenshot({ path: path.join(artifacts, 'ux-todo-principal-leader.png'), fullPage: false });
    await Promise.all([chief.waitForURL('**/tasks/*'), chief.locator('[data-testid=todo] li a').first().click()]);
    await chief.close();
    const office = await newPage(browser, STAFF);
    await signIn(office, base, 'zhixu');
    await office.goto(base + '/todo');
    await hydrated(office);
    await office.waitForSelector('[data-testid=todo] .empty, [data-testid=todo] li');
    const n = await office.locator('[data-testid=todo] li').count();
    assert(await office.textContent('[data-testid=nav-todo]') === `待办（${n}）`, 'the order office\'s count matches its list');
    await office.close();
  }],
  ['7. every ceremony step fits a 1920×1080 and a 1280×720 projector', async ({ browser, base }) => {
    const room = await newPage(browser, { width: 1920, height: 1080 });
    await signIn(room, base, 'jingban.sctx');
    await room.goto(base + '/tasks/3');
    await hydrated(room);
    room.once('dialog', (d) => d.accept());
    await room.click('[data-testid=freeze]');
    await room.waitForSelector('[data-testid=open-ceremony]');
    await room.goto(base + '/tasks/3/ceremony');
    await hydrated(room);
    const waitStep = (n) => room.waitForFunction((n) => Number(document.querySelector('[data-testid=ceremony]')?.dataset.step) === n, n);
    const figures = [], problems = [];
    const fits = async (label) => {
      for (const [width, height] of [[1920, 1080], [1280, 720]]) {
        await room.setViewportSize({ width, height });
        await room.waitForTimeout(150);
        const out = await room.evaluate(() => {
          const doc = document.documentElement;
          const outside = [...document.querySelectorAll('[data-testid=ceremony] *')].filter((el) => {
            const r = el.getBoundingClientRect();
            const style = getComputedStyle(el);
            return r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && (r.bottom > innerHeight + 1 || r.right > innerWidth + 1);
          }).map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
          // A credit code on one line: a code element no taller than one line of its text.
          const broken = [...document.querySelectorAll('[data-testid=ceremony] code, [data-testid=ceremony] .cer-code')].filter((el) => {
            const lh = parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.3;
            return /^[0-9A-Z]{18}$/.test(el.textContent.trim()) && el.getBoundingClientRect().height > lh * 1.5;
          }).map((el) => el.textContent);
          return { height: doc.scrollHeight, width: doc.scrollWidth, outside: outside.slice(0, 5), broken: broken.slice(0, 3) };
        });
        figures.push(`${label} @${width}×${height}: ${out.height} px`);
        await room.screenshot({ path: path.join(artifacts, `ux-ceremony-${label}-${width}x${height}.png`) });
        if (out.height > height || out.width > width) problems.push(`${label} at ${width}×${height} is ${out.width}×${out.height}`);
        if (out.outside.length) problems.push(`${label} at ${width}×${height}: outside the screen: ${out.outside}`);
        if (out.broken.length) problems.push(`${label} at ${width}×${height}: codes broken over lines: ${out.broken}`);
      }
      await room.setViewportSize({ width: 1920, height: 1080 });
    };
    try {
      await fits('0-start');
      await room.keyboard.press('Space');
      await waitStep(1);
      await fits('1-task');
      await room.keyboard.press('Enter');
      await waitStep(2);
      await room.keyboard.type('3 1 4 1 5 6 2 6 5 3 5 2 6 1 4 3 2 3 5 4');
      await fits('2-entropy');
      await room.keyboard.press('Enter');
      await room.waitForSelector('[data-testid=cer-confirm]');
      await room.keyboard.press('Enter');
      await waitStep(3);
      await fits('3-seed');
      await room.keyboard.press('Space');
      await waitStep(4);
      // Names passing by in the spin are not drawn, and must not look it.
      const spin = await room.$eval('.cer-spin', (el) => [getComputedStyle(el).color, getComputedStyle(el).fontWeight]);
      const drawn = await room.$eval('.cer-drawn li', (el) => getComputedStyle(el).color).catch(() => '');
      assert(spin[0] !== 'rgb(255, 209, 102)' && Number(spin[1]) < 700 && spin[0] !== drawn, `the spin looks drawn: ${spin}`);
      await room.keyboard.press('Space');
      await room.waitForTimeout(500);
      await fits('4-landed');
      await room.keyboard.press('Space');
      await waitStep(5);
      await fits('5-result');
      assert(problems.length === 0, problems.join('\n'));
    } finally {
      console.log('    ' + figures.join('\n    '));
    }
  }],
  ['9. the draw record prints on one A4 page for a typical task, signatures together', async ({ browser, base }) => {
    const page = await newPage(browser, STAFF);
    await signIn(page, base, 'jingban');
    await page.goto(base + '/tasks/1/record');
    await page.waitForSelector('.record-note');
    await page.emulateMedia({ media: 'print' });
    const file = path.join(artifacts, 'ux-record-task1.pdf');
    const pdf = await page.pdf({ format: 'A4', path: file, preferCSSPageSize: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    console.log(`    record of task 001 (6 selected): ${pages} A4 page(s)`);
    assert(pages === 1, `the record takes ${pages} pages`);
    const keep = await page.$eval('.record-sign', (el) => getComputedStyle(el).breakInside);
    assert(keep === 'avoid', `the signatures may split: ${keep}`);
    const header = await page.$eval('.record-selected thead', (el) => getComputedStyle(el).display);
    assert(header === 'table-header-group', 'the list header repeats on each page');
    await page.close();
  }],
];

// UX_ONLY=7 runs the tests whose names start with it.
const only = process.env.UX_ONLY;
await runTests(only ? tests.filter(([name]) => name.startsWith(only)) : tests);

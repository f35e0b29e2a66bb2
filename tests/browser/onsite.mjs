// Browser test of the inspection on a phone (360×740): the demo inspector opens an
// assignment under /m (no WASM), answers the checklist, attaches a photo, loses the
// connection, reloads and finds the draft, comes back online and submits once; the
// printed record and notice name the enterprise, the team and the answers.
import path from 'node:path';
import { artifacts, assert, newPage, runTests, signIn } from './harness.mjs';

const PHONE = { width: 360, height: 740 };

/** A real JPEG (a screenshot) with an Exif segment carrying a "GPS" marker put in after SOI. */
async function photoWithExif(page) {
  const jpeg = await page.screenshot({ type: 'jpeg', quality: 50, clip: { x: 0, y: 0, width: 64, height: 64 } });
  const exif = Buffer.from([0xFF, 0xE1, 0x00, 0x0C, 0x45, 0x78, 0x69, 0x66, 0, 0, 0x47, 0x50, 0x53, 0x21]);
  return Buffer.concat([jpeg.subarray(0, 2), exif, jpeg.subarray(2)]);
}

async function noSideways(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `${what} scrolls sideways at 360 px by ${overflow}px`);
}

/** Every visible button, link button, choice and file input is at least 44 px high. */
async function bigTargets(page, what) {
  const small = await page.evaluate(() => [...document.querySelectorAll('main a.btn, main button, .choice label, input[type=file], label.check')]
    .filter((el) => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
    .map((el) => `${el.tagName} ${el.textContent.trim().slice(0, 20)} ${el.getBoundingClientRect().height}`));
  assert(small.length === 0, `${what}: targets under 44 px: ${small.join('; ')}`);
}

await runTests([
  ['an inspector fills the checklist on a phone, survives going offline and submits once', async ({ browser, base }) => {
    const page = await newPage(browser, PHONE);
    const context = page.context();
    await signIn(page, base, 'zhifa');

    const list = await page.goto(base + '/m');
    const listBytes = (await list.body()).length;
    const wire = () => page.evaluate(() => performance.getEntriesByType('navigation')[0].encodedBodySize);
    const listWire = await wire();
    await noSideways(page, '/m');
    await bigTargets(page, '/m');
    const first = page.locator('ul.list li').first();
    const name = (await first.locator('strong').textContent()).trim();
    const wasm = [];
    page.on('request', (r) => { if (/\.wasm(\?|$)/.test(r.url())) wasm.push(r.url()); });
    const [formResp] = await Promise.all([page.waitForResponse((r) => /\/m\/tasks\/\d+\/\w+$/.test(r.url())), first.locator('a.btn', { hasText: '填写检查结果' }).click()]);
    const formBytes = (await formResp.body()).length;
    const formUrl = page.url();
    const formWire = await wire();
    const code = formUrl.split('/').pop();
    await noSideways(page, 'the result form');
    await bigTargets(page, 'the result form');

    // The checklist: the first conformity point 不符合 with its problem, the others 符合.
    const groups = await page.$$eval('input[type=radio][name^=a_]', (els) => [...new Set(els.map((e) => e.name))]);
    assert(groups.length >= 4, `the form asks the task's check points (${groups.length})`);
    for (const [i, g] of groups.entries()) {
      await page.check(`input[name="${g}"][value="${i === 0 ? '不符合' : '符合'}"]`);
    }
    const problemBox = `#p_${groups[0].slice(2)}`;
    assert(await page.isVisible(problemBox), 'a 不符合 asks for the problem');
    assert(!(await page.isVisible(`#p_${groups[1].slice(2)}`)), 'a 符合 does not');
    await page.fill(problemBox, '批准证书未按期年检');
    for (const n of await page.$$('input[type=number][name^=a_]')) await n.fill('4');
    for (const s of await page.$$('select[name^=fix_]')) await s.selectOption('发现问题已责令改正');
    await page.setInputFiles('#photo', { name: 'site.jpg', mimeType: 'image/jpeg', buffer: await photoWithExif(page) });
    await page.waitForSelector('#thumbs img');
    await page.screenshot({ path: path.join(artifacts, 'onsite-form-phone.png'), fullPage: true });
    // The page is kept for offline use once the service worker is in.
    await page.waitForFunction(async () => !!(await (await caches.open('onsite-v1')).match(location.pathname)), null, { timeout: 15_000 });

    // Offline: the reload comes from the phone, the draft from its storage.
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('#draftmsg:not([hidden])');
    const restored = await page.textContent('#draftmsg');
    assert(restored.includes('已恢复本机草稿') && restored.includes('1 个文件'), `the draft is back: ${restored}`);
    assert((await page.inputValue(problemBox)) === '批准证书未按期年检', 'the problem written survives');
    assert(await page.isChecked(`input[name="${groups[1]}"][value="符合"]`), 'the answers survive');
    assert(await page.locator('#thumbs img').count() === 1, 'the photo survives');
    await page.click('#send');
    await page.waitForFunction(() => document.querySelector('#draftmsg').textContent.includes('网络不可用'));

    // Online again: one tap submits, a second tap does nothing more.
    await context.setOffline(false);
    await Promise.all([page.waitForURL(/\/record\?saved=1$/), page.click('#send')]);
    const record = await page.textContent('main');
    assert(record.includes('检查记录表') && record.includes(name) && record.includes(code), 'the record names the enterprise');
    assert(record.includes('不符合：批准证书未按期年检'), 'the record shows the answers');
    assert(record.includes('发现问题已责令改正'), "the 不符合 made its item's verdict");
    assert(/SHA-256 [0-9a-f]{64}/.test(record), 'the photo is listed with its hash');
    const img = page.locator('.photos img').first();
    await img.waitFor();
    assert(await img.evaluate((i) => i.complete && i.naturalWidth > 0), 'the stored photo shows as a thumbnail');
    const kept = await page.evaluate(async () => new Uint8Array(await (await fetch(document.querySelector('.photos img').src)).arrayBuffer()));
    assert(!Buffer.from(Object.values(kept)).includes(Buffer.from('Exif')), 'the stored photo has no Exif');
    await noSideways(page, 'the record');
    await page.emulateMedia({ media: 'print' });
    const recordPdf = await page.pdf({ format: 'A4' });
    await page.screenshot({ path: path.join(artifacts, 'onsite-record-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    // The draft is gone once submitted.
    await page.goto(formUrl);
    assert(await page.isHidden('#draftmsg'), 'no draft after the submission');

    // The notice for the enterprise: its name, the team with their certificates.
    await page.goto(`${formUrl}/notice`);
    const notice = await page.textContent('main');
    const team = await page.textContent('.sheet table tr:nth-child(3) td');
    assert(notice.includes('随机抽查通知书') && notice.includes(name) && /执法证号 \d+/.test(team), 'the notice names the enterprise and the team');
    await page.emulateMedia({ media: 'print' });
    const noticePdf = await page.pdf({ format: 'A4' });
    assert(wasm.length === 0, `no WASM on the phone pages: ${wasm.join(', ')}`);
    const errors = page.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|ServiceWorker|Failed to load resource/.test(e));
    assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
    console.log(`sizes: /m ${listBytes} B (${listWire} B on the wire), form ${formBytes} B (${formWire} B on the wire; HTML, CSS and script inline, one request); record PDF ${recordPdf.length} B, notice PDF ${noticePdf.length} B`);
    await page.close();
  }],
]);

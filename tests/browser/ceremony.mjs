// Browser test of the live draw ceremony: the demo used-car task (003) drawn in front of
// the room by keyboard alone, on a 1920×1080 projector, while an observer's phone follows.
// Screenshots of every step go to artifacts/ceremony-*.png.
import path from 'node:path';
import { artifacts, assert, hydrated, newPage, runTests, signIn } from './harness.mjs';

async function noErrors(page) {
  assert(page.errors.length === 0, `console errors:\n${page.errors.join('\n')}`);
  await page.close();
}

// Poll on a timer rather than on animation frames while the landing animation runs.
const POLL = { polling: 100 };
const stepOf = (page) => page.$eval('[data-testid=ceremony]', (el) => Number(el.dataset.step));
const waitStep = (page, n) => page.waitForFunction((n) => Number(document.querySelector('[data-testid=ceremony]')?.dataset.step) === n, n);
const shot = (page, name) => page.screenshot({ path: path.join(artifacts, `ceremony-${name}.png`) });

await runTests([
  ['a whole ceremony by keyboard, followed on a phone', async ({ browser, base }) => {
    const room = await newPage(browser, { width: 1920, height: 1080 });
    await signIn(room, base, 'jingban.sctx');
    // Freeze the task (in the plan, its window moved to this month): pool, digest and
    // commitment become public before the meeting.
    await room.goto(base + '/tasks/3');
    await hydrated(room);
    room.once('dialog', (d) => d.accept());
    await room.click('[data-testid=freeze]');
    await room.waitForSelector('[data-testid=open-ceremony]');

    // An observer opens the public live page on a phone, without signing in.
    const phone = await newPage(browser, { width: 360, height: 740 });
    // A plain server-rendered page (no WASM) that follows the stream.
    await phone.goto(base + '/live/3');
    await phone.waitForSelector('[data-testid=live-connected][data-on=true]');

    await room.goto(base + '/tasks/3/ceremony');
    await hydrated(room);
    assert((await stepOf(room)) === 0, 'starts before step 1');
    await room.keyboard.press('Space');
    await waitStep(room, 1);
    assert((await room.textContent('[data-testid=cer-step]')).includes('第 1 步'), 'step 1 shown');
    assert(await room.$('.cer-qr svg'), 'the waiting screen shows the live page QR');
    await shot(room, '1-task');
    await phone.waitForFunction(() => document.querySelector('[data-testid=live]')?.dataset.step === '1');

    await room.keyboard.press('Enter');
    await waitStep(room, 2);
    // Two observers roll dice; one types with a Chinese input method (full-width digits).
    await room.keyboard.type('3 1 4 1 5 6 2 6 5 3 ');
    await room.keyboard.insertText('５ ２ ６ １ ４ ３ ２ ３ ５ ４');
    await room.waitForFunction(() => document.querySelectorAll('[data-testid=cer-entropy] span').length === 20);
    const chars = await room.$$eval('[data-testid=cer-entropy] span', (s) => s.map((e) => e.textContent).join(''));
    assert(chars === '31415626535261432354', `each character shown, in ASCII: ${chars}`);
    await phone.waitForFunction(() => document.querySelector('[data-testid=live-entropy]')?.textContent.replace(/ /g, '') === '31415626535261432354');
    await shot(room, '2-entropy');
    await room.keyboard.press('Enter');
    await room.waitForSelector('[data-testid=cer-confirm]');
    // A province-size draw takes seconds: while the server works the screen says so and
    // counts the seconds (the draw's request is held back here to see it).
    await room.route('**/api/ceremony_step', async (route) => {
      await new Promise((r) => setTimeout(r, 2500));
      await route.continue();
    });
    await room.keyboard.press('Enter');
    await room.waitForSelector('[data-testid=waiting]', { timeout: 2000 });
    assert((await room.textContent('[data-testid=waiting]')).includes('正在抽取'), 'the waiting box says the draw is running');
    await room.waitForFunction(() => /已用 [1-9]/.test(document.querySelector('[data-testid=waiting-time]')?.textContent || ''), undefined, POLL);
    await shot(room, '2-waiting');
    await waitStep(room, 3);
    await room.unroute('**/api/ceremony_step');
    assert(!(await room.$('[data-testid=waiting]')), 'the waiting box goes once drawn');
    await shot(room, '3-seed');

    // The seed on screen is the manifest's.
    const manifest = await (await room.request.get(base + '/api/public/draws/3/manifest.json')).json();
    const onScreen = await room.$eval('[data-testid=cer-seed]', (e) => e.dataset.hex);
    assert(onScreen === manifest.seed, `seed on screen ${onScreen} is the manifest's ${manifest.seed}`);
    assert(manifest.public_entropy === '3 1 4 1 5 6 2 6 5 3 5 2 6 1 4 3 2 3 5 4', `stored ASCII: ${manifest.public_entropy}`);
    assert((await room.textContent('.cer-seed-bar')).replace(/[^0-9a-f]/g, '').endsWith(manifest.seed), 'the seed stays on screen');

    await room.keyboard.press('Space');
    await waitStep(room, 4);
    await room.waitForFunction(() => document.querySelectorAll('.cer-drawn li:not(.cer-hidden)').length >= 1, undefined, POLL);
    await shot(room, '4-animation');
    await room.keyboard.press('Space'); // skip the animation to the result
    await room.waitForFunction((n) => document.querySelectorAll('.cer-drawn li:not(.cer-hidden)').length === n, manifest.selected.length, POLL);
    await shot(room, '4-landed');
    await room.keyboard.press('Space');
    await waitStep(room, 5);
    const codes = await room.$$eval('[data-testid=cer-result] tbody tr', (rows) => rows.map((r) => r.dataset.code));
    assert(JSON.stringify(codes) === JSON.stringify(manifest.selected.map((s) => s.code)), `same enterprises in key order: ${codes}`);
    assert(await room.$('[data-testid=cer-verify-qr] svg'), 'the summary shows the verify QR');
    await shot(room, '5-result');
    await room.setViewportSize({ width: 1280, height: 720 });
    await shot(room, '5-result-720p');

    // The phone followed to the end and shows the same seed and selection.
    await phone.waitForFunction(() => document.querySelector('[data-testid=live]')?.dataset.step === '5');
    assert((await phone.$eval('[data-testid=live-seed]', (e) => e.dataset.hex)) === manifest.seed, 'phone seed');
    assert((await phone.$$('[data-testid=live-drawn] li')).length === manifest.selected.length, 'phone selection');
    await phone.screenshot({ path: path.join(artifacts, 'ceremony-phone.png'), fullPage: true });

    // Reopening resumes at the last step; Esc leaves for the task page.
    await room.reload();
    await hydrated(room);
    assert((await stepOf(room)) === 5, 'resumes at step 5');
    await room.keyboard.press('Escape');
    await room.waitForURL(/\/tasks\/3$/);

    // The printable record.
    await room.goto(base + '/tasks/3/record');
    assert((await room.textContent('[data-testid=record-seed]')).replace(/ /g, '') === manifest.seed, 'record seed');
    await room.emulateMedia({ media: 'print' });
    await room.screenshot({ path: path.join(artifacts, 'ceremony-record.png'), fullPage: true });
    await noErrors(phone);
    await noErrors(room);
  }],
]);

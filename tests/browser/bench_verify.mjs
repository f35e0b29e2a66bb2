// Benchmark of the in-browser verification (/verify) of one manifest.
//
//   node tests/browser/bench_verify.mjs MANIFEST.json [RUNS]
//
// Starts the real server (SHUANGSUI_BIN, default target/debug/shuangsui), opens /verify in
// headless Chromium at 1280x800, waits for hydration, pastes the manifest and clicks
// 验证 RUNS times (default 3) in the same page. Each run prints
//   run <i>: browser_verify_ms=<the page's own timing> wall_ms=<click to rendered> handler_ms=<...> render_ms=<...> pool=<n>
// and the last line is the median of each figure:
//   browser_verify_ms=<ms> wall_ms=<ms> pool=<n>
//
// browser_verify_ms is what the page shows in [data-testid=timing] (the WASM recomputation).
// wall_ms is measured inside the page: from just before the click to the end of the last
// frame that changed the result (its DOM built, styled, laid out and painted).
// handler_ms is the synchronous part of the click (the submit handler: parse and recompute);
// render_ms = wall_ms - handler_ms (building the result's DOM, style, layout, paint).
// The first click builds the list of checks (one <li> each); later clicks update it in
// place, so run 1 is the figure a visitor sees and is printed on its own line too.
// paste_ms (printed once) is setting the textarea and firing `input`, up to the next frame.
// Exits non-zero if the verdict is not 有效 or the page logs an error.
import { readFileSync } from 'node:fs';
import { assert, hydrated, launch, newPage, startServer } from './harness.mjs';

const file = process.argv[2];
const runs = Number(process.argv[3] || 3);
if (!file || !(runs >= 1)) {
  console.error('usage: node tests/browser/bench_verify.mjs MANIFEST.json [RUNS]');
  process.exit(2);
}
const text = readFileSync(file, 'utf8');
const pool = JSON.parse(text).pool.length;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** One click, measured inside the page. */
async function measure(page) {
  return page.evaluate(async () => {
    const section = document.querySelector('[data-testid=verify-result]');
    const button = document.querySelector('[data-testid=verify-button]');
    let mutations = 0;
    const observer = new MutationObserver((list) => { mutations += list.length; });
    observer.observe(section, { subtree: true, childList: true, characterData: true, attributes: true });
    // rAF callbacks run just before style, layout and paint; a task queued from there runs
    // after that frame has been rendered.
    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const t0 = performance.now();
    button.click(); // a submit button: the form's submit handler runs inside click()
    const t1 = performance.now();
    // Leptos renders the result from its scheduler (microtasks) after the handler; wait for
    // frames until one passes without DOM changes. If nothing changed at all (identical
    // text), stop after three quiet frames and count up to the first one.
    let end = null;
    let first = null;
    for (let quiet = 0, i = 0; i < 1000; i++) {
      const before = mutations;
      await frame();
      const now = performance.now();
      first ??= now;
      if (mutations > before) { end = now; quiet = 0; } // this frame rendered a change
      else if (end !== null || ++quiet >= 3) break;     // a quiet frame after the change: done
    }
    observer.disconnect();
    return {
      handler: t1 - t0,
      wall: (end ?? first) - t0,
      changed: end !== null,
      verdict: document.querySelector('[data-testid=verdict]')?.textContent ?? '',
      timing: document.querySelector('[data-testid=timing]')?.textContent ?? '',
      items: section.querySelectorAll('li').length,
    };
  });
}

const server = await startServer();
let browser;
let failed = false;
try {
  browser = await launch();
  const page = await newPage(browser, { width: 1280, height: 800 });
  await page.goto(server.base + '/verify');
  await hydrated(page);
  const pasteMs = await page.$eval('[data-testid=manifest-input]', async (el, v) => {
    const t0 = performance.now();
    el.value = v; // as harness.mjs paste(): page.fill types large text slowly
    el.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return performance.now() - t0;
  }, text);
  console.log(`paste_ms=${pasteMs.toFixed(1)} chars=${text.length}`);
  const results = [];
  for (let i = 1; i <= runs; i++) {
    const r = await measure(page);
    assert(r.verdict.startsWith('有效'), `run ${i}: verdict: ${r.verdict}`);
    const m = /用时\s*([\d.]+)\s*毫秒/.exec(r.timing);
    assert(m, `run ${i}: timing: ${r.timing}`);
    const row = { verify: Number(m[1]), wall: r.wall, handler: r.handler, render: r.wall - r.handler };
    results.push(row);
    console.log(`run ${i}: browser_verify_ms=${row.verify.toFixed(1)} wall_ms=${row.wall.toFixed(1)}`
      + ` handler_ms=${row.handler.toFixed(1)} render_ms=${row.render.toFixed(1)} checks=${r.items} pool=${pool}`
      + (i === 1 ? ' (first click: builds the checks list)' : ' (re-click: updates it in place)')
      + (r.changed ? '' : ' (result text unchanged)'));
  }
  assert(page.errors.length === 0, `console errors:\n${page.errors.join('\n')}`);
  const med = (k) => median(results.map((r) => r[k])).toFixed(1);
  console.log(`first_click: browser_verify_ms=${results[0].verify.toFixed(1)} wall_ms=${results[0].wall.toFixed(1)}`);
  console.log(`median: handler_ms=${med('handler')} render_ms=${med('render')}`);
  console.log(`browser_verify_ms=${med('verify')} wall_ms=${med('wall')} pool=${pool}`);
} catch (e) {
  console.error(`bench_verify failed: ${e.stack || e}`);
  failed = true;
} finally {
  if (browser) await browser.close();
  server.stop();
}
process.exit(failed ? 1 : 0);

// Shared harness: boots the real `shuangsui` binary on a free port with a fresh
// database, launches Debian's headless Chromium, and fails a page on any console error.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const artifacts = path.join(repo, 'tests/browser/artifacts');
mkdirSync(artifacts, { recursive: true });

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Starts the server; resolves to { base, stop, dir }. With `alone`, the binary is first
 * copied into an empty directory and run there with nothing that configures it: no site
 * directory, no variables, its default database under that directory.
 */
export async function startServer({ alone = false } = {}) {
  const built = process.env.SHUANGSUI_BIN || path.join(repo, 'target/debug/shuangsui');
  const dir = mkdtempSync(path.join(tmpdir(), 'shuangsui-browser-'));
  let bin = built, cwd = repo, env = process.env;
  let args = ['serve', '--addr', '127.0.0.1:0', '--metrics-addr', 'off', '--db', `sqlite://${dir}/test.db`];
  if (alone) {
    bin = path.join(dir, 'shuangsui');
    copyFileSync(built, bin);
    cwd = dir;
    env = Object.fromEntries(Object.entries(process.env)
      .filter(([k]) => !k.startsWith('SHUANGSUI_') && !k.startsWith('LEPTOS_') && k !== 'DATABASE_URL'));
    args = ['serve', '--addr', '127.0.0.1:0', '--metrics-addr', 'off'];
  }
  // The site built into the binary, as a bureau runs it (no --site-root).
  const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${log}`)), 60_000);
    child.stdout.on('data', (d) => {
      const m = /listening on (http:\/\/[\d.:]+)/.exec(String(d));
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${log}`)); });
  });
  return {
    base, dir, bin,
    stop: () => { child.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Launches Chromium with the flags that work on this machine as root. */
export async function launch() {
  // Playwright adds --headless and a fresh --user-data-dir itself.
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A new page that records console errors and uncaught exceptions. */
export async function newPage(browser, viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport, locale: 'zh-CN' });
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  return page;
}

/** Waits until the WASM has hydrated the page (the app sets data-hydrated). */
export async function hydrated(page) {
  await page.waitForSelector('html[data-hydrated="true"]', { timeout: 30_000 });
}

/** The demo accounts' password (README). */
export const DEMO_PASSWORD = 'shuangsui-demo';

/** Signs in through the real sign-in form; the page then carries the session cookie. */
export async function signIn(page, base, username = 'jingban') {
  await page.goto(base + '/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login') && !u.pathname.startsWith('/api')), page.click('[data-testid=sign-in]')]);
  const who = await page.textContent('[data-testid=signed-in]');
  if (!who) throw new Error(`sign-in of ${username} did not take`);
}

/** Sets a field's value and fires `input`, as a paste would (page.fill types large text slowly). */
export async function paste(page, selector, text) {
  await page.$eval(selector, (el, v) => {
    el.value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** Runs named tests in order and prints the closing line the CI reads (`options`: as startServer's). */
export async function runTests(tests, options = {}) {
  const server = await startServer(options);
  const browser = await launch();
  let passed = 0, failed = 0;
  try {
    for (const [name, fn] of tests) {
      const t0 = Date.now();
      try {
        await fn({ browser, server, base: server.base });
        console.log(`ok   ${name} (${Date.now() - t0} ms)`);
        passed++;
      } catch (e) {
        console.log(`FAIL ${name}: ${e.stack || e}`);
        failed++;
      }
    }
  } finally {
    await browser.close();
    server.stop();
  }
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

// The verify button of the draw page and of /public/verify: loads the verifier WASM
// (DR1, ~90 KB brotli) only when pressed, recomputes the draw from the public data (the
// draw page's data-src) or from what was pasted or chosen, and lists every check.
const button = document.getElementById('verify');
const out = document.getElementById('verify-out');
let verifier;

async function load() {
  if (!verifier) {
    const response = await fetch(button.dataset.wasm);
    const { instance } = await WebAssembly.instantiate(await response.arrayBuffer(), {});
    verifier = instance.exports;
  }
  return verifier;
}

function run(exports, fn, text) {
  const bytes = new TextEncoder().encode(text);
  const ptr = exports.alloc(bytes.length);
  new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
  const packed = exports[fn](ptr, bytes.length);
  exports.dealloc(ptr, bytes.length);
  const at = Number(packed >> 32n), len = Number(packed & 0xffffffffn);
  const report = JSON.parse(new TextDecoder().decode(new Uint8Array(exports.memory.buffer, at, len)));
  exports.dealloc(at, len);
  return report;
}

function show(report, ms) {
  out.replaceChildren();
  const verdict = document.createElement('p');
  verdict.className = report.ok ? 'verdict ok' : 'verdict bad';
  verdict.dataset.testid = 'verdict';
  const failed = report.checks.filter((c) => !c.ok);
  verdict.textContent = report.error
    ? `无法复核：${report.error}`
    : report.ok
      ? `有效：${report.checks.length} 项检查全部通过（用时 ${ms.toFixed(1)} 毫秒）`
      : `无效：${failed.length} 项不符，首项为 ${failed[0].name}`;
  out.append(verdict);
  const list = document.createElement('ul');
  list.className = 'checks';
  for (const c of report.checks) {
    const li = document.createElement('li');
    li.className = c.ok ? 'ok' : 'bad';
    li.textContent = `${c.ok ? '✓' : '✗'} ${c.name}`;
    if (!c.ok) li.title = `应为 ${c.expected}，实为 ${c.found}`;
    list.append(li);
  }
  out.append(list);
}

async function input() {
  if (button.dataset.src) {
    const r = await fetch(button.dataset.src);
    if (!r.ok) throw new Error(`数据下载失败（${r.status}）`);
    return r.text();
  }
  const file = document.getElementById('file').files[0];
  const text = file ? await file.text() : document.getElementById('json').value;
  if (!text.trim()) throw new Error('请粘贴或选择一个抽取清单或公开摘要（JSON）');
  return text;
}

/** A whole manifest has the pool; a public summary has only the strata. */
function modeOf(text) {
  if (button.dataset.mode) return button.dataset.mode;
  try { return 'pool' in JSON.parse(text) ? 'manifest' : 'summary'; } catch { return 'manifest'; }
}

button.addEventListener('click', async () => {
  button.disabled = true;
  out.textContent = '正在复核…';
  try {
    const [exports, text] = await Promise.all([load(), input()]);
    const started = performance.now();
    const report = run(exports, modeOf(text) === 'manifest' ? 'verify' : 'verify_public', text);
    show(report, performance.now() - started);
  } catch (e) {
    out.textContent = `复核未能完成：${e.message}`;
  } finally {
    button.disabled = false;
  }
});

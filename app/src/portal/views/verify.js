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

/** A check in words a reader of the record follows; the machine name stays in data-check. */
function words(name) {
  const sel = /^selected\[(\d+)\] (\S*): (\w+)$/.exec(name);
  if (sel) {
    const what = {
      code: '统一社会信用代码与名单一致', key: '排序键由种子和信用代码算出', order: '排序键按从小到大排列',
      stratum: '所属层一致', inspectors: '检查组由协议抽出', cap_lifted: '检查户数上限的放宽与协议一致',
      recused: '回避情况与协议一致',
    }[sel[3]] ?? sel[3];
    return `抽中第 ${Number(sel[1]) + 1} 户（${sel[2]}）：${what}`;
  }
  const rec = /^recusals\[(\d+)\] (\S*)$/.exec(name);
  if (rec) return `第 ${Number(rec[1]) + 1} 条回避（${rec[2]}）与协议一致`;
  return {
    protocol: '抽取协议为 DR1',
    commitment: '承诺值：抽取前公布的承诺值由公开的秘密值算出',
    pool_digest: '名单摘要：冻结的检查对象名单未被改动',
    seed: '种子：由秘密值和公共随机数算出',
    'pool: count': '名单户数：各层户数之和等于名单总户数',
    'selected: count': '抽中户数：符合抽查比例（向上取整）',
    'recusals: count': '回避条数与协议一致',
  }[name] ?? name;
}

/** A checked value as a reader sees it. */
function value(v) {
  const words = { 'keys ascending': '从小到大', 'out of order': '顺序不对', '(missing)': '缺失', '(none)': '无', true: '是', false: '否' };
  if (v in words) return words[v];
  try {
    const parsed = JSON.parse(v);
    if (typeof parsed === 'string') return parsed;
    if (Array.isArray(parsed)) return parsed.length ? parsed.join('、') : '无';
  } catch { /* a plain value */ }
  return v;
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
      : `无效：${failed.length} 项不符，首项为“${words(failed[0].name)}”`;
  out.append(verdict);
  const list = document.createElement('ul');
  list.className = 'checks';
  for (const c of report.checks) {
    const li = document.createElement('li');
    li.className = c.ok ? 'ok' : 'bad';
    li.dataset.check = c.name;
    li.textContent = `${c.ok ? '✓' : '✗'} ${words(c.name)}`;
    // The exact values stay visible: what was found, and what was expected when they differ.
    const detail = document.createElement('code');
    detail.textContent = c.ok ? value(c.found) : `应为 ${value(c.expected)}，实为 ${value(c.found)}`;
    li.append(' ', detail);
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

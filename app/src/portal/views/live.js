// The live page follows the ceremony: each server-sent `state` event replaces what the
// page shows (the same fields the server rendered). EventSource reconnects by itself.
const root = document.querySelector('[data-testid=live]');
const steps = JSON.parse(root.dataset.steps);
const $ = (id) => document.getElementById(id);
const groups = (hex) => hex.match(/.{1,4}/g).join(' ');

function show(s) {
  root.dataset.step = String(s.step);
  const drawn = s.seed !== null && s.seed !== undefined;
  $('live-step').textContent = s.step === 0 ? (drawn ? '已抽取' : '等待开始') : `第 ${s.step} 步 / 共 5 步：${steps[s.step - 1]}`;
  $('live-entropy').textContent = s.entropy;
  $('live-secret').textContent = s.secret ? groups(s.secret) : '抽取时揭示';
  $('live-seed').textContent = drawn ? groups(s.seed) : '—';
  $('live-seed').dataset.hex = drawn ? s.seed : '';
  const list = drawn && (s.step === 0 || s.step >= 4) ? s.selected : [];
  $('live-count').hidden = list.length === 0;
  $('live-count').textContent = `抽中 ${s.selected.length} 家`;
  $('live-drawn').replaceChildren(...list.map((e) => {
    const li = document.createElement('li');
    const name = document.createElement('strong');
    const code = document.createElement('code');
    name.textContent = e.name;
    code.textContent = e.code;
    li.append(name, document.createElement('br'), code);
    return li;
  }));
  $('live-after').hidden = !drawn;
}

const source = new EventSource(`/api/public/tasks/${root.dataset.task}/live`);
const connected = $('live-connected');
source.addEventListener('state', (ev) => {
  connected.dataset.on = 'true';
  connected.textContent = ' · 实时同步中';
  show(JSON.parse(ev.data));
});
source.onerror = () => { connected.dataset.on = 'false'; connected.textContent = ' · 连接中断，正在重连'; };

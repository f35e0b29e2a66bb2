// Summarises Lighthouse JSON reports as a markdown table: for each page, the median of
// its runs for each score and metric, and every accessibility audit that failed in any run.
//
//   node scripts/lighthouse-summary.mjs LABEL=report1.json,report2.json,... [LABEL=...]
import { readFileSync } from 'node:fs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (v) => `${Math.round(v)} ms`;
const s = (v) => `${(v / 1000).toFixed(2)} s`;

const rows = [];
const failures = [];
for (const arg of process.argv.slice(2)) {
  const eq = arg.indexOf('=');
  const label = arg.slice(0, eq);
  const reports = arg.slice(eq + 1).split(',').map((f) => JSON.parse(readFileSync(f, 'utf8')));
  const errors = reports.filter((r) => r.runtimeError).map((r) => r.runtimeError.message);
  if (errors.length) throw new Error(`${label}: ${errors.join('; ')}`);
  const score = (cat) => median(reports.map((r) => r.categories[cat].score * 100));
  const metric = (id) => median(reports.map((r) => r.audits[id].numericValue));
  const perf = reports.map((r) => Math.round(r.categories.performance.score * 100));
  const a11y = reports.map((r) => Math.round(r.categories.accessibility.score * 100));
  rows.push(
    `| ${label} | ${Math.round(score('performance'))} (${perf.join(', ')}) | ${Math.round(score('accessibility'))} (${a11y.join(', ')}) ` +
      `| ${s(metric('first-contentful-paint'))} | ${s(metric('largest-contentful-paint'))} ` +
      `| ${ms(metric('total-blocking-time'))} | ${metric('cumulative-layout-shift').toFixed(3)} ` +
      `| ${s(metric('speed-index'))} | ${Math.round(median(reports.map((r) => r.audits['total-byte-weight'].numericValue)) / 1024)} KiB |`,
  );
  // Accessibility audits that count toward the score and did not pass in some run.
  const failed = new Map();
  for (const r of reports) {
    for (const ref of r.categories.accessibility.auditRefs) {
      const a = r.audits[ref.id];
      if (ref.weight > 0 && a.score !== null && a.score < 1) {
        const items = a.details?.items?.length ?? 0;
        failed.set(ref.id, `${ref.id} (${a.title}; ${items} element${items === 1 ? '' : 's'})`);
      }
    }
  }
  failures.push(`- ${label}: ${failed.size ? [...failed.values()].join('; ') : 'none'}`);
}

const r0 = JSON.parse(readFileSync(process.argv[2].slice(process.argv[2].indexOf('=') + 1).split(',')[0], 'utf8'));
const t = r0.configSettings.throttling;
console.log(
  `Lighthouse ${r0.lighthouseVersion}, ${r0.configSettings.formFactor}, ${r0.configSettings.throttlingMethod} throttling ` +
    `(RTT ${t.rttMs} ms, ${t.throughputKbps} kbps, CPU ×${t.cpuSlowdownMultiplier}), ${r0.environment.hostUserAgent.match(/Chrome\/[\d.]+/)?.[0] ?? ''}; ` +
    'median of the runs (each run in brackets):',
);
console.log();
console.log('| page | performance | accessibility | FCP | LCP | TBT | CLS | Speed Index | bytes |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
console.log();
console.log('Failed accessibility audits (any run):');
for (const f of failures) console.log(f);

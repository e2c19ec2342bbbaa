/**
 * bench/logViewer: the pure cost of the log viewer's buffer and search, no DOM.
 * For a 500,000-line log (lines like a busy web service's, 60–300 characters,
 * some JSON, some with ANSI colours): appending it in the services' batches
 * into the view's 100,000-line ring (and, for comparison, a ring that holds
 * all of it); searching the lines held for a common, a rare and an absent
 * term; appending with a search active (each line tested as it arrives); and
 * laying the rows out for wrapping (done once per drawn frame while wrapping).
 *
 * Run: npx tsx bench/logViewer.ts [-- --lines 500000 --batch 1000 --runs 5]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { LOG_CAPACITY, LogBuffer } from '../renderer/src/features/clusters/logs/logBuffer';
import { logRows } from '../renderer/src/features/clusters/logs/logRows';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '500000' },
    batch: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '5' },
  },
});
const total = Number(values.lines);
const batchSize = Number(values.batch);
const runs = Number(values.runs);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms`;
const rate = (n: number, millis: number) => `${Math.round(n / (millis / 1000)).toLocaleString()} lines/s`;

/** A deterministic, log-like line: access logs mostly, JSON now and then, a coloured warning, a rare error. */
function makeLine(i: number): string {
  const stamp = `2025-01-01T10:${String(Math.floor(i / 60_000) % 60).padStart(2, '0')}:${String(Math.floor(i / 1000) % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z`;
  if (i % 50_000 === 7) return `${stamp} ERROR payment gateway timeout after 30s order=${i} trace=${(i * 2654435761) % 2 ** 32}`;
  if (i % 10 === 3) return `${stamp} ${JSON.stringify({ level: 'info', msg: 'request done', path: `/api/v1/items/${i % 977}`, status: 200, ms: i % 113, user: `u-${i % 4099}` })}`;
  if (i % 25 === 5) return `${stamp} \x1b[33mWARN\x1b[0m slow query on items (${i % 900} ms)\tpool=main`;
  return `${stamp} 10.0.${i % 256}.${(i * 7) % 256} - - "GET /api/v1/items/${i % 977}?page=${i % 13} HTTP/1.1" ${i % 97 === 0 ? 500 : 200} ${(i * 31) % 9000} "-" "kube-probe/1.34"`;
}

function main(): void {
  const t0 = performance.now();
  const batches: string[][] = [];
  for (let i = 0; i < total; i += batchSize) batches.push(Array.from({ length: Math.min(batchSize, total - i) }, (_, k) => makeLine(i + k)));
  const bytes = batches.reduce((n, b) => n + b.reduce((m, l) => m + l.length + 1, 0), 0);
  console.log(`${total.toLocaleString()} lines (${(bytes / 1024 / 1024).toFixed(0)} MB) in batches of ${batchSize.toLocaleString()}, generated in ${ms(performance.now() - t0)}; median of ${runs} runs\n`);

  const appendInto = (capacity: number, query = '') => {
    const times: number[] = [];
    let buffer = new LogBuffer(capacity);
    for (let r = 0; r < runs; r++) {
      buffer = new LogBuffer(capacity);
      buffer.search(query);
      const start = performance.now();
      for (const batch of batches) buffer.apply({ lines: batch, state: { phase: 'streaming' } });
      times.push(performance.now() - start);
    }
    return { buffer, time: median(times) };
  };

  const ring = appendInto(LOG_CAPACITY);
  console.log(`append into the view's ring (${LOG_CAPACITY.toLocaleString()} held, ${ring.buffer.evicted.toLocaleString()} evicted): ${ms(ring.time)} (${rate(total, ring.time)})`);
  const all = appendInto(total);
  console.log(`append into a ring holding all ${total.toLocaleString()}: ${ms(all.time)} (${rate(total, all.time)})`);

  const terms = [
    ['common', 'items/1'],
    ['rare', 'gateway timeout'],
    ['absent', 'no such text anywhere'],
  ] as const;
  for (const { label, buffer } of [
    { label: `${LOG_CAPACITY.toLocaleString()} lines held`, buffer: ring.buffer },
    { label: `${total.toLocaleString()} lines held`, buffer: all.buffer },
  ]) {
    for (const [kind, term] of terms) {
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        buffer.search('');
        const start = performance.now();
        buffer.search(term);
        times.push(performance.now() - start);
      }
      console.log(`search ${label}, ${kind} term "${term}": ${ms(median(times))} (${buffer.matchCount.toLocaleString()} matching lines)`);
    }
    buffer.search('');
  }

  const searching = appendInto(LOG_CAPACITY, 'items/1');
  console.log(`append into the view's ring with a search active: ${ms(searching.time)} (${rate(total, searching.time)}; +${ms(searching.time - ring.time)} for the search)`);

  for (const columns of [Infinity, 120]) {
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      const rows = logRows(ring.buffer, false, columns);
      // Reading the height forces nothing lazy; it is what the view reads first.
      if (rows.total <= 0) throw new Error('no rows');
      times.push(performance.now() - start);
    }
    console.log(`lay out ${ring.buffer.size.toLocaleString()} rows ${Number.isFinite(columns) ? `wrapped at ${columns} columns` : 'unwrapped'}: ${ms(median(times))}`);
  }
}

main();

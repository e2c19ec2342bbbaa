/**
 * A drill's report for an auditor, as Markdown or as one self-contained HTML
 * page (inline CSS, no script, nothing fetched): what was restored from
 * which backup into where, how it ended, RTO and RPO against their targets,
 * the timeline, every check with what it found, and what the drill created
 * and whether it was cleaned up. Every value comes from the cluster or the
 * user, so every value is escaped: an object named `<img onerror=…>` is text.
 */
import type { DrillDetail, DrillOutcome } from '../../../../shared/contract/drills';

const OUTCOME: Record<DrillOutcome, string> = {
  running: 'Running',
  passed: 'Passed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted (Pilothouse stopped while it ran)',
};

/** "850 ms", "42.5 s", "3 min 5 s", "2 h 10 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1).replace(/\.?0+$/, '')} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.round(s / 60);
  if (m < 48 * 60) return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
  return `${Math.floor(m / 1440)} d ${Math.floor((m % 1440) / 60)} h`;
}

/** One row of the RTO/RPO table. */
interface Measure {
  name: string;
  what: string;
  measured: string;
  target: string;
  met: string;
}

/** RTO and RPO, measured against their targets. */
function measures(d: DrillDetail): Measure[] {
  const judge = (value: number | undefined, target: number | undefined) => (target === undefined ? 'no target' : value === undefined ? 'no' : value <= target ? 'yes' : 'no');
  return [
    {
      name: 'RTO',
      what: 'restore start → all workloads ready',
      measured: d.rtoMs === undefined ? 'not reached (workloads never all ready)' : formatDuration(d.rtoMs),
      target: d.rtoTargetMs === undefined ? '—' : formatDuration(d.rtoTargetMs),
      met: judge(d.rtoMs, d.rtoTargetMs),
    },
    {
      name: 'RPO',
      what: 'drill start − backup taken',
      measured: formatDuration(d.rpoMs),
      target: d.rpoTargetMs === undefined ? '—' : formatDuration(d.rpoTargetMs),
      met: judge(d.rpoMs, d.rpoTargetMs),
    },
  ];
}

/** Where the restored objects came from, in words. */
function sourceOf(d: DrillDetail): string {
  return d.source.kind === 'archive' ? `Pilothouse backup ${d.source.backupId}` : `Velero backup ${d.source.backupName}`;
}

/** What became of the created objects. */
function cleanupState(d: DrillDetail): string {
  const n = d.created.length;
  if (!n) return 'The drill created nothing.';
  if (d.outcome === 'running') return 'The drill is running: not cleaned up yet.';
  if (!d.leftovers) return `Cleaned up: all ${n} created objects were removed.`;
  if (d.leftovers >= n) return d.kept ? `Kept: the ${n} created objects are still in place.` : `Not cleaned up: the ${n} created objects are still there.`;
  return `Cleaned up in part: ${d.leftovers} of the ${n} created objects are still there.`;
}

/** The facts at the head of the report, as label/value pairs. */
function facts(d: DrillDetail): [string, string][] {
  return [
    ['Outcome', OUTCOME[d.outcome] + (d.error ? `: ${d.error}` : '')],
    ['Source', `${d.sourceConnectionName}, namespace ${d.sourceNamespace}`],
    ['Backup', `${sourceOf(d)}, taken ${d.backupTakenAt}`],
    ['Target', `${d.targetConnectionName}, namespace ${d.targetNamespace}`],
    ['Started', d.startedAt],
    ['Finished', d.finishedAt ?? 'not yet'],
    ['Checks', `${d.checksPassed} passed, ${d.checksFailed} failed`],
    ['Drill id', d.id],
  ];
}

const title = (d: DrillDetail) => `DR drill of ${d.sourceNamespace} on ${d.sourceConnectionName}`;

/** Escapes text for Markdown: what would format, link, embed HTML or break a table row is taken literally. */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r?\n|\r/g, ' ').replace(/[\\`*_{}[\]<>()#+!|~&]/g, (c) => `\\${c}`);
}

/** The report as Markdown. */
export function drillMarkdown(d: DrillDetail): string {
  const e = escapeMarkdown;
  const row = (cells: string[]) => `| ${cells.map(e).join(' | ')} |`;
  const lines: string[] = [`# ${e(title(d))}`, ''];
  for (const [label, value] of facts(d)) lines.push(`- **${label}:** ${e(value)}`);
  lines.push('', '## Recovery objectives', '', '| Measure | Measured | Target | Met |', '|---|---|---|---|');
  for (const m of measures(d)) lines.push(row([`${m.name} (${m.what})`, m.measured, m.target, m.met]));
  lines.push('', '## Checks', '');
  if (d.checks.length) {
    lines.push('| Check | Result | Detail |', '|---|---|---|');
    for (const c of d.checks) lines.push(row([c.name, c.passed ? 'passed' : 'FAILED', c.detail]));
  } else {
    lines.push('No check ran.');
  }
  lines.push('', '## Timeline', '');
  if (d.timeline.length) {
    lines.push('| Time | Phase | Event |', '|---|---|---|');
    for (const t of d.timeline) lines.push(row([t.at, t.phase, t.message]));
  } else {
    lines.push('No event was recorded.');
  }
  lines.push('', '## Created objects', '', e(cleanupState(d)), '');
  for (const c of d.created) lines.push(`- ${e(c)}`);
  lines.push('');
  return lines.join('\n');
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
body { font: 14px/1.45 -apple-system, "Segoe UI", Roboto, sans-serif; color: #1c1c1c; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .5rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: .25rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3rem .6rem; border-bottom: 1px solid #e4e4e4; overflow-wrap: anywhere; }
th { background: #f4f4f4; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
.outcome { display: inline-block; padding: .15rem .6rem; border-radius: .3rem; font-weight: 600; }
.passed { background: #dff3e3; color: #14532d; }
.failed, .interrupted { background: #fde2e1; color: #7f1d1d; }
.cancelled, .running { background: #eee; color: #333; }
.no { color: #b91c1c; font-weight: 600; }
ul { padding-left: 1.2rem; }
@media print { body { margin: 0; } }
`;

/** The report as one self-contained HTML page: inline CSS, no script, every value escaped. */
export function drillHtml(d: DrillDetail): string {
  const h = escapeHtml;
  const table = (head: string[], rows: string[][], classes?: (string | undefined)[][]) =>
    `<table><thead><tr>${head.map((c) => `<th>${h(c)}</th>`).join('')}</tr></thead><tbody>${rows
      .map((r, i) => `<tr>${r.map((c, j) => `<td${classes?.[i]?.[j] ? ` class="${classes[i][j]}"` : ''}>${h(c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const ms = measures(d);
  const parts = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // No script, no fetch: the page shows what it holds and nothing else, even opened from a mail.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${h(title(d))}</title><style>${STYLE}</style></head><body>`,
    `<h1>${h(title(d))}</h1>`,
    `<p><span class="outcome ${h(d.outcome)}">${h(OUTCOME[d.outcome])}</span></p>`,
    `<dl>${facts(d)
      .map(([label, value]) => `<dt>${h(label)}</dt><dd>${h(value)}</dd>`)
      .join('')}</dl>`,
    '<h2>Recovery objectives</h2>',
    table(
      ['Measure', 'Measured', 'Target', 'Met'],
      ms.map((m) => [`${m.name} (${m.what})`, m.measured, m.target, m.met]),
      ms.map((m) => [undefined, undefined, undefined, m.met === 'no' ? 'no' : undefined]),
    ),
    '<h2>Checks</h2>',
    d.checks.length
      ? table(
          ['Check', 'Result', 'Detail'],
          d.checks.map((c) => [c.name, c.passed ? 'passed' : 'FAILED', c.detail]),
          d.checks.map((c) => [undefined, c.passed ? undefined : 'no', undefined]),
        )
      : '<p>No check ran.</p>',
    '<h2>Timeline</h2>',
    d.timeline.length ? table(['Time', 'Phase', 'Event'], d.timeline.map((t) => [t.at, t.phase, t.message])) : '<p>No event was recorded.</p>',
    '<h2>Created objects</h2>',
    `<p>${h(cleanupState(d))}</p>`,
    d.created.length ? `<ul>${d.created.map((c) => `<li>${h(c)}</li>`).join('')}</ul>` : '',
    '</body></html>',
  ];
  return parts.join('\n');
}

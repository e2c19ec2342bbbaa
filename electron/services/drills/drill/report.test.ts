import { describe, expect, it } from 'vitest';
import type { DrillDetail } from '../../../../shared/contract/drills';
import { drillHtml, drillMarkdown, formatDuration } from './report';

const HOSTILE = '<img src=x onerror=alert(1)>';

const detail = (over: Partial<DrillDetail> = {}): DrillDetail => ({
  id: 'd1',
  taskId: 't1',
  source: { kind: 'archive', backupId: 'b1' },
  sourceConnectionName: 'prod-eu',
  sourceNamespace: 'team-a',
  targetConnectionName: 'staging',
  targetConnectionId: 'c2',
  targetNamespace: 'drill-team-a-20261204',
  startedAt: '2026-12-04T12:00:00.000Z',
  finishedAt: '2026-12-04T12:03:10.000Z',
  outcome: 'failed',
  error: 'RTO 2 min 5 s is over its target of 2 min',
  backupTakenAt: '2026-12-04T10:00:00.000Z',
  rtoMs: 125_000,
  rpoMs: 7_200_000,
  rtoTargetMs: 120_000,
  rpoTargetMs: 14_400_000,
  checksPassed: 1,
  checksFailed: 1,
  kept: false,
  leftovers: 0,
  timeline: [
    { at: '2026-12-04T12:00:00.100Z', phase: 'Restore', message: `Created 3 objects, one of them ConfigMap ${HOSTILE}` },
    { at: '2026-12-04T12:02:05.000Z', phase: 'Wait ready', message: 'All 2 workloads ready | piped' },
  ],
  checks: [
    { name: 'Kinds and counts', passed: true, detail: 'ConfigMap 2/2, Deployment 1/1.' },
    { name: `${HOSTILE} exists`, passed: false, detail: `No ConfigMap ${HOSTILE} in drill-team-a.\nSecond line` },
  ],
  created: ['Namespace drill-team-a-20261204', `ConfigMap drill-team-a-20261204/${HOSTILE}`, 'Deployment drill-team-a-20261204/web'],
  ...over,
});

describe('drillHtml', () => {
  it('says what an auditor asks: outcome, source backup, target, RTO/RPO against targets, timeline, checks, what was created and cleaned up', () => {
    const html = drillHtml(detail());
    for (const text of [
      'DR drill of team-a on prod-eu',
      'Failed: RTO 2 min 5 s is over its target of 2 min',
      'prod-eu, namespace team-a',
      'Pilothouse backup b1, taken 2026-12-04T10:00:00.000Z',
      'staging, namespace drill-team-a-20261204',
      '<td>2 min 5 s</td><td>2 min</td><td class="no">no</td>',
      '<td>2 h</td><td>4 h</td><td>yes</td>',
      '<td>2026-12-04T12:02:05.000Z</td><td>Wait ready</td><td>All 2 workloads ready | piped</td>',
      '<td>Kinds and counts</td><td>passed</td><td>ConfigMap 2/2, Deployment 1/1.</td>',
      'Cleaned up: all 3 created objects were removed.',
      '<li>Deployment drill-team-a-20261204/web</li>',
    ]) {
      expect(html).toContain(text);
    }
  });

  it('keeps hostile names inert: no tag, no script, nothing fetched', () => {
    const html = drillHtml(detail({ sourceNamespace: HOSTILE, targetConnectionName: `"><script>alert(1)</script>` }));
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<[^>]*\son\w+\s*=/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    // Self-contained: nothing is loaded from anywhere.
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b|<[^>]*\s(src|href)=|url\(/i);
  });

  it('says when RTO was never reached and what a kept drill left', () => {
    const html = drillHtml(detail({ rtoMs: undefined, kept: true, leftovers: 3, outcome: 'cancelled', error: undefined }));
    expect(html).toContain('not reached (workloads never all ready)');
    expect(html).toContain('<span class="outcome cancelled">Cancelled</span>');
    expect(html).toContain('Kept: the 3 created objects are still in place.');
    expect(drillHtml(detail({ leftovers: 1, kept: true }))).toContain('Cleaned up in part: 1 of the 3 created objects are still there.');
  });
});

describe('drillMarkdown', () => {
  it('has the same content, with values escaped so a name neither embeds HTML nor breaks a table', () => {
    const md = drillMarkdown(detail());
    expect(md).toMatch(/^# DR drill of team-a on prod-eu\n/);
    expect(md).toContain('- **Outcome:** Failed: RTO 2 min 5 s is over its target of 2 min');
    expect(md).toContain('| RTO \\(restore start → all workloads ready\\) | 2 min 5 s | 2 min | no |');
    expect(md).toContain('| 2026-12-04T12:02:05.000Z | Wait ready | All 2 workloads ready \\| piped |');
    expect(md).not.toMatch(/(^|[^\\])<img/);
    expect(md).toContain('\\<img src=x onerror=alert\\(1\\)\\>');
    // A detail's line break stays inside its table row.
    expect(md).toContain('in drill-team-a. Second line |');
    expect(md).toContain('- Deployment drill-team-a-20261204/web');
    expect(md).toContain('Cleaned up: all 3 created objects were removed.');
  });
});

describe('formatDuration', () => {
  it('reads as a person would write it', () => {
    expect([850, 4_250, 42_500, 125_000, 3_600_000, 7_500_000, 3 * 86_400_000].map(formatDuration)).toEqual(['850 ms', '4.25 s', '42.5 s', '2 min 5 s', '1 h', '2 h 5 min', '3 d 0 h']);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionSummary } from '../../../shared/contract';
import { AlertRuleSave, type AlertRuleSave as SaveInput } from '../../../shared/contract/alerts';
import type { DrillOutcome } from '../../../shared/contract/drills';
import { drillOverdueFindings } from './alertRules';
import { alertsKit, CONNECTIONS } from './testKit';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

/** The kit's connections plus a second cluster, "dr". */
const WITH_DR: ConnectionSummary[] = [...CONNECTIONS, { id: 'k-dr', kind: 'kubernetes', name: 'dr' } as ConnectionSummary];

const kits: ReturnType<typeof alertsKit>[] = [];
function kit(connections: ConnectionSummary[] = WITH_DR) {
  const k = alertsKit({ connections: { list: () => connections } });
  kits.push(k);
  return k;
}
afterEach(() => {
  for (const k of kits.splice(0)) k.service.close();
});

type Kit = ReturnType<typeof kit>;

const target = (k: Kit, namespace: string, connectionId = 'k-prod', everyDays = 7) =>
  k.drills.saveTarget({ connectionId, namespace, rtoSeconds: 60, rpoSeconds: 86_400, everyDays, checks: [] });

let drills = 0;
/** A drill of the namespace started `daysAgo` before the kit's clock, ended with `outcome` (unless running). */
function drill(k: Kit, namespace: string, daysAgo: number, outcome: DrillOutcome, more: { rtoMs?: number; error?: string; connectionId?: string } = {}) {
  const id = `dr-${++drills}`;
  const startedAt = k.clock.now - daysAgo * DAY;
  const connectionId = more.connectionId ?? 'k-prod';
  k.drills.startDrill({
    id,
    source: { kind: 'archive', backupId: 'bk-1' },
    sourceConnectionId: connectionId,
    sourceConnectionName: connectionId,
    sourceNamespace: namespace,
    targetConnectionId: connectionId,
    targetConnectionName: connectionId,
    targetNamespace: `drill-${namespace}-${drills}`,
    startedAt: iso(startedAt),
    backupTakenAt: iso(startedAt - HOUR),
    rpoMs: HOUR,
    rtoTargetMs: 60_000,
    kept: false,
  });
  if (outcome !== 'running') k.drills.updateDrill(id, { outcome, finishedAt: iso(startedAt + 10 * 60_000), ...(more.rtoMs !== undefined ? { rtoMs: more.rtoMs } : {}), ...(more.error ? { error: more.error } : {}) });
}

const findings = (k: Kit, clusterConnectionId?: string) => drillOverdueFindings(clusterConnectionId ? { clusterConnectionId } : {}, k.sources, k.clock.now);

describe('drill-overdue findings, read from the drills store', () => {
  it('fire per namespace with a target and no passing drill within its interval, and for nothing else', async () => {
    const k = kit();
    target(k, 'team-a');
    target(k, 'team-b');
    drill(k, 'team-b', 2, 'passed', { rtoMs: 40_000 });
    target(k, 'team-c');
    drill(k, 'team-c', 8, 'passed', { rtoMs: 90_000 });
    // Drilled long ago but no target: nothing is expected of it.
    drill(k, 'team-d', 100, 'passed');

    expect(await findings(k)).toEqual([
      {
        fingerprint: 'drill:k-prod/team-a',
        subject: 'team-a on prod',
        severity: 'warning',
        title: 'team-a on prod has never passed a DR drill',
        detail: 'No drill has passed since the target (a passing drill every 7 days) was set. It has never been drilled.',
        value: null,
        threshold: 7,
        unit: 'days',
      },
      {
        fingerprint: 'drill:k-prod/team-c',
        subject: 'team-c on prod',
        severity: 'warning',
        title: 'DR drill of team-c on prod overdue since 2026-12-03 12:00 UTC',
        detail:
          'The last passing drill started 2026-11-26 12:00 UTC (8d ago); the target is a passing drill every 7 days, so one was due 2026-12-03 12:00 UTC. ' +
          'The last drill, started 2026-11-26 12:00 UTC, passed; its RTO was 90s against the 60s target (missed).',
        value: 8,
        threshold: 7,
        unit: 'days',
      },
    ]);
  });

  it('are critical past twice the interval, or when drills ran and none ever passed; a newer failure does not hide an older pass', async () => {
    const k = kit();
    target(k, 'stale');
    drill(k, 'stale', 15, 'passed', { rtoMs: 30_000 });
    target(k, 'broken');
    drill(k, 'broken', 3, 'failed', { error: 'Deployment web never reached 2 ready replicas' });
    target(k, 'trying');
    drill(k, 'trying', 0.5, 'running');
    target(k, 'slipping');
    drill(k, 'slipping', 10, 'passed', { rtoMs: 50_000 });
    drill(k, 'slipping', 1, 'failed', { error: 'the apiserver went away' });

    const found = await findings(k);
    expect(found.map((f) => [f.subject, f.severity, f.value])).toEqual([
      ['broken on prod', 'critical', null],
      ['stale on prod', 'critical', 15],
      ['trying on prod', 'warning', null],
      ['slipping on prod', 'warning', 10],
    ]);
    expect(found[0].detail).toBe(
      'No drill has passed since the target (a passing drill every 7 days) was set. The last drill, started 2026-12-01 12:00 UTC, failed (Deployment web never reached 2 ready replicas).',
    );
    expect(found[2].detail).toMatch(/\. A drill is running, started 2026-12-04 00:00 UTC\.$/);
    // The newest drill failed: the pass before it still dates the last passing drill and the due time.
    expect(found[3]).toMatchObject({
      title: 'DR drill of slipping on prod overdue since 2026-12-01 12:00 UTC',
      detail: expect.stringMatching(/^The last passing drill started 2026-11-24 12:00 UTC \(10d ago\).*The last drill, started 2026-12-03 12:00 UTC, failed \(the apiserver went away\)\.$/),
    });
  });

  it('read the one connection a rule names, else every stored connection, never one that was deleted', async () => {
    const k = kit();
    target(k, 'team-a', 'k-prod');
    target(k, 'team-a', 'k-dr');
    // Records left by a connection since deleted: there is no cluster to drill.
    target(k, 'team-a', 'k-gone');
    expect((await findings(k)).map((f) => f.fingerprint)).toEqual(['drill:k-dr/team-a', 'drill:k-prod/team-a']);
    expect((await findings(k, 'k-dr')).map((f) => f.subject)).toEqual(['team-a on dr']);
  });
});

const save = (k: Kit, input: SaveInput) => k.service.save(AlertRuleSave.parse(input), 'me@laptop');

describe('a drill-overdue rule, evaluated', () => {
  it('opens an alert per overdue namespace, notified once, resolved by a passing drill, and opened again when the next one is late', async () => {
    const k = kit();
    target(k, 'team-a');
    const rule = await save(k, { name: 'DR drills', rule: { kind: 'drill-overdue', params: {} } });
    expect(rule.rule).toEqual({ kind: 'drill-overdue', params: {} });
    expect(await k.service.evaluateNow()).toMatchObject({ rules: 1, failed: 0, opened: 1, firing: 1 });
    expect(k.notes).toEqual([{ title: 'team-a on prod has never passed a DR drill', body: expect.stringMatching(/^DR drills: No drill has passed/) }]);
    expect(k.service.list('firing').alerts).toEqual([expect.objectContaining({ kind: 'drill-overdue', ruleName: 'DR drills', subject: 'team-a on prod', severity: 'warning' })]);

    k.clock.now += 5 * 60_000;
    expect(await k.service.evaluateNow()).toMatchObject({ opened: 0, resolved: 0, firing: 1 });
    expect(k.notes).toHaveLength(1);

    drill(k, 'team-a', 0, 'passed', { rtoMs: 20_000 });
    k.clock.now += 5 * 60_000;
    expect(await k.service.evaluateNow()).toMatchObject({ opened: 0, resolved: 1, firing: 0 });

    k.clock.now += 8 * DAY;
    expect(await k.service.evaluateNow()).toMatchObject({ opened: 1, firing: 1 });
    expect(k.service.list('firing').alerts).toEqual([expect.objectContaining({ title: 'DR drill of team-a on prod overdue since 2026-12-11 12:05 UTC', value: 8, threshold: 7, unit: 'days' })]);
    expect(k.notes).toHaveLength(2);
  });

  it('must name a cluster when it names a connection, and resolves its alerts when that connection is deleted', async () => {
    const connections = [...WITH_DR];
    const k = kit(connections);
    target(k, 'team-a', 'k-dr');
    await expect(save(k, { name: 'x', rule: { kind: 'drill-overdue', params: { clusterConnectionId: 'aws-1' } } })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: 'clusterConnectionId: "billing" is an AWS account, not a Kubernetes cluster',
    });
    expect(() => AlertRuleSave.parse({ name: 'x', rule: { kind: 'drill-overdue', params: { namespace: 'team-a' } } })).toThrow(/Unrecognized key/);
    await save(k, { name: 'DR drills on dr', rule: { kind: 'drill-overdue', params: { clusterConnectionId: 'k-dr' } } });
    expect(await k.service.evaluateNow()).toMatchObject({ opened: 1, firing: 1 });

    connections.splice(connections.findIndex((c) => c.id === 'k-dr'), 1);
    k.clock.now += 5 * 60_000;
    expect(await k.service.evaluateNow()).toMatchObject({ failed: 1, resolved: 1, firing: 0 });
    expect(k.service.list('resolved').alerts[0].detail).toMatch(/Resolved: connection "k-dr" \(clusterConnectionId\) was deleted$/);
  });
});

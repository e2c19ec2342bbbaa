import { afterEach, describe, expect, it, vi } from 'vitest';
import { AlertRuleSave, AlertSettings, type AlertRuleSave as SaveInput } from '../../../shared/contract/alerts';
import { AppError } from '../../../shared/result';
import { createLogger } from '../logging/logger';
import { PAST_TTL_MS, RECENT_TTL_MS } from '../spend/costQuery';
import { createSpendService } from '../spend/spendService';
import { recordedCostExplorer } from '../spend/testKit';
import type { GpuNodeCondition } from './alertRules';
import { alertsKit, CONNECTIONS, idleGpu, idleReportOf } from './testKit';

const kits: ReturnType<typeof alertsKit>[] = [];
function kit(options: Parameters<typeof alertsKit>[0] = {}) {
  const k = alertsKit(options);
  kits.push(k);
  return k;
}
afterEach(() => {
  for (const k of kits.splice(0)) k.service.close();
});

const idleRule = (over: Partial<{ utilPct: number; windowHours: number; maxUsdPerHour: number }> = {}): SaveInput => ({
  name: 'Idle H200s',
  rule: { kind: 'idle-gpu-cost', params: { clusterConnectionId: 'k-prod', prometheusConnectionId: 'p-prod', utilPct: 10, windowHours: 24, maxUsdPerHour: 15, ...over } },
});
const save = (k: ReturnType<typeof alertsKit>, input: SaveInput, actor = 'me@laptop') => k.service.save(AlertRuleSave.parse(input), actor);

/** Four idle GPUs of the notebook at $10/h each, and one of another pod at $5/h. */
const notebookIdle = () =>
  idleReportOf([
    ...[0, 1, 2, 3].map((i) => idleGpu({ gpu: String(i), uuid: `GPU-${i}` })),
    idleGpu({ namespace: 'team-b', pod: 'scratch', gpu: '4', uuid: 'GPU-4', hourlyUsd: 5, node: 'gpu-h200-1' }),
  ]);

describe('evaluating an idle GPU cost rule', () => {
  it('opens one alert per pod over the hourly amount, notifies, and announces it', async () => {
    const k = kit();
    const seen: unknown[] = [];
    k.sources.idleGpus = async (params) => {
      seen.push(params);
      return notebookIdle();
    };
    const rule = await save(k, idleRule());
    const evaluation = await k.service.evaluateNow();
    expect(seen).toEqual([{ clusterConnectionId: 'k-prod', prometheusConnectionId: 'p-prod', thresholdPct: 10, windowHours: 24 }]);
    expect(evaluation).toMatchObject({ rules: 1, failed: 0, opened: 1, resolved: 0, firing: 1 });
    const { alerts, firingUnacknowledged } = k.service.list();
    expect(firingUnacknowledged).toBe(1);
    expect(alerts).toEqual([
      expect.objectContaining({
        ruleId: rule.id,
        ruleName: 'Idle H200s',
        kind: 'idle-gpu-cost',
        subject: 'team-a/research-notebook-0',
        state: 'firing',
        severity: 'warning',
        title: 'team-a/research-notebook-0 holds 4 idle GPUs costing $40.00/h',
        value: 40,
        threshold: 15,
        unit: 'USD/h',
        firstSeen: '2026-12-04T12:00:00.000Z',
        resolvedAt: null,
        acknowledgedBy: null,
      }),
    ]);
    expect(alerts[0].detail).toContain('4 GPUs on gpu-h200-2 averaged 0.4% (below 10%) over the last 24 h');
    expect(alerts[0].detail).toContain('StatefulSet research-notebook');
    expect(k.notes).toEqual([{ title: alerts[0].title, body: `Idle H200s: ${alerts[0].detail}` }]);
    expect(k.announced.at(-1)).toEqual({ opened: [alerts[0]], firingUnacknowledged: 1 });
    expect(k.service.rules().rules[0]).toMatchObject({ lastEvaluatedAt: '2026-12-04T12:00:00.000Z', lastError: null });
  });

  it('keeps a firing alert open without a duplicate or a second notification, with its figures refreshed', async () => {
    const k = kit();
    k.sources.idleGpus = async () => notebookIdle();
    await save(k, idleRule());
    await k.service.evaluateNow();
    k.clock.now += 300_000;
    k.sources.idleGpus = async () => idleReportOf([0, 1, 2].map((i) => idleGpu({ gpu: String(i), uuid: `GPU-${i}` })));
    const second = await k.service.evaluateNow();
    expect(second).toMatchObject({ opened: 0, resolved: 0, firing: 1 });
    const { alerts } = k.service.list();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ value: 30, firstSeen: '2026-12-04T12:00:00.000Z', lastSeen: '2026-12-04T12:05:00.000Z', title: expect.stringContaining('3 idle GPUs') });
    expect(k.notes).toHaveLength(1);
    expect(k.announced.at(-1)?.opened).toEqual([]);
  });

  it('resolves when the pod is no longer idle or costs no more than allowed, and fires again as a new alert after two intervals', async () => {
    const k = kit();
    k.sources.idleGpus = async () => notebookIdle();
    await save(k, idleRule());
    await k.service.evaluateNow();
    const first = k.service.list().alerts[0];

    k.clock.now += 300_000;
    // One GPU idle: $10/h, not over $15/h.
    k.sources.idleGpus = async () => idleReportOf([idleGpu()]);
    expect(await k.service.evaluateNow()).toMatchObject({ opened: 0, resolved: 1, firing: 0 });
    expect(k.service.list().alerts).toEqual([expect.objectContaining({ id: first.id, state: 'resolved', resolvedAt: '2026-12-04T12:05:00.000Z' })]);
    expect(k.service.list().firingUnacknowledged).toBe(0);

    // Two five-minute intervals and a millisecond later: too long ago to be the same alert flapping.
    k.clock.now += 600_001;
    k.sources.idleGpus = async () => notebookIdle();
    expect(await k.service.evaluateNow()).toMatchObject({ opened: 1, firing: 1 });
    const { alerts } = k.service.list();
    expect(alerts.map((a) => [a.state, a.subject])).toEqual([
      ['firing', 'team-a/research-notebook-0'],
      ['resolved', 'team-a/research-notebook-0'],
    ]);
    expect(alerts[0].id).not.toBe(first.id);
    expect(alerts[0].firstSeen).toBe('2026-12-04T12:15:00.001Z');
    expect(k.notes).toHaveLength(2);
    expect(k.service.list('resolved').alerts.map((a) => a.id)).toEqual([first.id]);
    expect(k.service.list('firing').alerts.map((a) => a.id)).toEqual([alerts[0].id]);
  });

  it('keeps resolved alerts as history for 90 days', async () => {
    const k = kit();
    k.sources.idleGpus = async () => notebookIdle();
    await save(k, idleRule());
    await k.service.evaluateNow();
    k.sources.idleGpus = async () => idleReportOf([]);
    await k.service.evaluateNow();
    k.clock.now += 89 * 86_400_000;
    await k.service.evaluateNow();
    expect(k.service.list('resolved').alerts).toHaveLength(1);
    k.clock.now += 2 * 86_400_000;
    await k.service.evaluateNow();
    expect(k.service.list().alerts).toEqual([]);
  });

  it('fires on any priced idle GPU at 0 $/h, and never on GPUs without a price (unknown is not free)', async () => {
    const k = kit();
    k.sources.idleGpus = async () =>
      idleReportOf([idleGpu({ namespace: 'x', pod: 'unpriced', hourlyUsd: null, costOverWindowUsd: null, priceBasis: null }), idleGpu({ namespace: 'y', pod: 'cheap', hourlyUsd: 0.01 })]);
    await save(k, idleRule({ maxUsdPerHour: 0 }));
    await k.service.evaluateNow();
    expect(k.service.list().alerts.map((a) => a.subject)).toEqual(['y/cheap']);
  });
});

describe('a rule whose data source fails', () => {
  it('records why on the rule and leaves its alerts as they were; other rules go on', async () => {
    const k = kit();
    k.sources.idleGpus = async () => notebookIdle();
    const failing = await save(k, idleRule());
    const nodes = await save(k, { name: 'GPU nodes', rule: { kind: 'gpu-node-not-ready', params: { clusterConnectionId: 'k-prod' } } });
    k.sources.gpuNodes = async () => [{ name: 'gpu-h200-3', gpus: 8, ready: 'False', reason: 'KubeletNotReady', message: 'PLEG is not healthy', since: '2026-12-04T11:50:00Z' }];
    await k.service.evaluateNow();
    const before = k.service.list().alerts;
    expect(before).toHaveLength(2);

    k.clock.now += 300_000;
    k.sources.idleGpus = async () => {
      throw new AppError('UNREACHABLE', 'Prometheus at http://prom:9090 refused the connection');
    };
    k.sources.gpuNodes = async () => [];
    const evaluation = await k.service.evaluateNow();
    expect(evaluation).toMatchObject({ rules: 2, failed: 1, opened: 0, resolved: 1, firing: 1 });
    const rules = k.service.rules().rules;
    expect(rules.find((r) => r.id === failing.id)).toMatchObject({ lastError: 'could not evaluate: Prometheus at http://prom:9090 refused the connection', lastEvaluatedAt: '2026-12-04T12:05:00.000Z' });
    expect(rules.find((r) => r.id === nodes.id)).toMatchObject({ lastError: null });
    // The idle alert neither resolved nor was refreshed on missing data.
    const idle = k.service.list().alerts.find((a) => a.kind === 'idle-gpu-cost');
    expect(idle).toEqual(before.find((a) => a.kind === 'idle-gpu-cost'));

    k.sources.idleGpus = async () => notebookIdle();
    await k.service.evaluateNow();
    expect(k.service.rules().rules.find((r) => r.id === failing.id)?.lastError).toBeNull();
    expect(k.service.list('firing').alerts.map((a) => a.id)).toContain(idle?.id);
  });

  it('says an unexpected error without its text (it may hold anything) and logs it', async () => {
    const k = kit();
    k.sources.idleGpus = async () => {
      throw new Error('socket hang up at https://user:hunter2@prom');
    };
    await save(k, idleRule());
    await k.service.evaluateNow();
    const [rule] = k.service.rules().rules;
    expect(rule.lastError).toBe('could not evaluate: an unexpected error (details in the log)');
    expect(rule.lastError).not.toContain('hunter2');
  });

  it('gives up on a source that does not answer in time, and aborts it', async () => {
    const k = kit({ ruleTimeoutMs: 50 });
    let aborted = false;
    k.sources.idleGpus = (_p, signal) =>
      new Promise((_, reject) => {
        signal.addEventListener('abort', () => {
          aborted = true;
          reject(new Error('aborted'));
        });
      });
    await save(k, idleRule());
    expect(await k.service.evaluateNow()).toMatchObject({ failed: 1 });
    expect(aborted).toBe(true);
    expect(k.service.rules().rules[0].lastError).toBe('could not evaluate: its data source did not answer within 0.05 s');
  });

  it('evaluates no stored rule whose settings no longer pass the checks, and says so', async () => {
    const k = kit();
    k.sources.idleGpus = vi.fn(async () => notebookIdle());
    const rule = await save(k, idleRule());
    k.db.prepare('UPDATE alert_rules SET params = ? WHERE id = ?').run(JSON.stringify({ clusterConnectionId: 'k-prod', utilPct: -5 }), rule.id);
    expect(await k.service.evaluateNow()).toMatchObject({ rules: 1, failed: 1 });
    expect(k.sources.idleGpus).not.toHaveBeenCalled();
    const { rules, broken } = k.service.rules();
    expect(rules).toEqual([]);
    expect(broken).toEqual([{ id: rule.id, name: 'Idle H200s', enabled: true, problem: 'its stored settings are not valid (params.prometheusConnectionId: Choose a connection); edit and save it again' }]);
    expect(k.db.prepare('SELECT last_error FROM alert_rules WHERE id = ?').get(rule.id)).toEqual({ last_error: `could not evaluate: ${broken[0].problem}` });
  });
});

describe('a rule whose connection was deleted', () => {
  it('resolves its firing alerts saying so, and says on the rule which connection is gone', async () => {
    const connections = [...CONNECTIONS];
    const k = kit({ connections: { list: () => connections } });
    k.sources.gpuNodes = async () => [{ name: 'gpu-1', gpus: 8, ready: 'False', reason: null, message: null, since: null }];
    const rule = await save(k, { name: 'GPU nodes', rule: { kind: 'gpu-node-not-ready', params: { clusterConnectionId: 'k-prod' } } });
    await k.service.evaluateNow();
    expect(k.service.list('firing').firingUnacknowledged).toBe(1);

    // The user deletes the cluster connection: its source now fails NOT_FOUND, as ConnectionService does.
    connections.splice(connections.findIndex((c) => c.id === 'k-prod'), 1);
    let asked = 0;
    k.sources.gpuNodes = async () => {
      asked++;
      throw new AppError('NOT_FOUND', 'That connection no longer exists');
    };
    k.clock.now += 300_000;
    expect(await k.service.evaluateNow()).toMatchObject({ rules: 1, failed: 1, resolved: 1, firing: 0 });
    expect(k.service.list('firing')).toMatchObject({ alerts: [], firingUnacknowledged: 0 });
    expect(k.announced.at(-1)).toEqual({ opened: [], firingUnacknowledged: 0 });
    const [alert] = k.service.list('resolved').alerts;
    expect(alert).toMatchObject({ resolvedAt: '2026-12-04T12:05:00.000Z', detail: 'Ready is False; 8 GPUs on it. Resolved: connection "k-prod" (clusterConnectionId) was deleted' });
    expect(k.service.rules().rules).toEqual([
      expect.objectContaining({
        id: rule.id,
        lastEvaluatedAt: '2026-12-04T12:05:00.000Z',
        lastError: 'could not evaluate: connection "k-prod" (clusterConnectionId) was deleted, so its alerts were resolved; edit the rule to choose another connection, or remove it',
      }),
    ]);
    // A source for a connection that is gone is not asked at all.
    expect(asked).toBe(0);

    // Days later it still needs attention, and nothing fires again.
    for (let i = 0; i < 3; i++) {
      k.clock.now += 86_400_000;
      expect(await k.service.evaluateNow()).toMatchObject({ failed: 1, resolved: 0, firing: 0 });
    }
    expect(k.service.rules().rules[0].lastError).toMatch(/^could not evaluate: connection "k-prod"/);
    expect(k.service.list().alerts).toHaveLength(1);
  });

  it('names every connection of the rule that is gone, and leaves rules on the other connections alone', async () => {
    const connections = [...CONNECTIONS];
    const k = kit({ connections: { list: () => connections } });
    k.sources.idleGpus = async () => notebookIdle();
    k.sources.dailyCosts = async () => ({
      periods: [],
      unit: 'USD',
      fetchedAt: '2026-12-04T12:00:00Z',
      stale: false,
      fromCache: true,
      throttledRetries: 0,
      billableRequests: { thisQuery: 0, today: 0, total: 0 },
    });
    const idle = await save(k, idleRule());
    const spend = await save(k, { name: 'Budget', rule: { kind: 'daily-spend', params: { awsConnectionId: 'aws-1', budgetUsd: 100 } } });
    await k.service.evaluateNow();
    expect(k.service.list('firing').alerts).toHaveLength(1);

    connections.splice(0, connections.length, ...connections.filter((c) => c.kind === 'aws'));
    k.clock.now += 300_000;
    expect(await k.service.evaluateNow()).toMatchObject({ rules: 2, failed: 1, resolved: 1 });
    const rules = k.service.rules().rules;
    expect(rules.find((r) => r.id === idle.id)?.lastError).toBe(
      'could not evaluate: connection "k-prod" (clusterConnectionId) and connection "p-prod" (prometheusConnectionId) were deleted, so its alerts were resolved; edit the rule to choose another connection, or remove it',
    );
    expect(rules.find((r) => r.id === spend.id)?.lastError).toBeNull();

    // The connections come back (restored from a backup): the rule is evaluated again and its error clears.
    connections.splice(0, connections.length, ...CONNECTIONS);
    k.clock.now += 3_600_000;
    expect(await k.service.evaluateNow()).toMatchObject({ failed: 0, opened: 1 });
    expect(k.service.rules().rules.find((r) => r.id === idle.id)?.lastError).toBeNull();
  });
});

describe('a flapping condition', () => {
  const gpuNode = (ready: string): GpuNodeCondition[] => [{ name: 'gpu-1', gpus: 8, ready, reason: null, message: null, since: null }];

  it('is one alert and one notification: a node toggling NotReady/Ready each minute, 6 flaps in 12 minutes', async () => {
    const k = kit({ intervalMs: 60_000 });
    let ready = 'False';
    k.sources.gpuNodes = async () => gpuNode(ready);
    await save(k, { name: 'GPU nodes', rule: { kind: 'gpu-node-not-ready', params: { clusterConnectionId: 'k-prod' } } });
    const opened: number[] = [];
    for (let i = 0; i < 12; i++) {
      ready = i % 2 ? 'True' : 'False';
      k.clock.now += 60_000;
      opened.push((await k.service.evaluateNow()).opened);
    }
    expect(opened.reduce((a, b) => a + b)).toBe(1);
    expect(k.notes).toHaveLength(1);
    expect(k.announced.flatMap((c) => c.opened)).toHaveLength(1);
    const { alerts } = k.service.list();
    expect(alerts).toEqual([expect.objectContaining({ state: 'resolved', firstSeen: '2026-12-04T12:01:00.000Z', lastSeen: '2026-12-04T12:11:00.000Z', resolvedAt: '2026-12-04T12:12:00.000Z' })]);

    // Down again within two intervals of resolving: the same alert fires again, counted, without a notification.
    ready = 'False';
    k.clock.now += 120_000;
    expect(await k.service.evaluateNow()).toMatchObject({ opened: 0, firing: 1 });
    expect(k.service.list()).toMatchObject({ alerts: [{ id: alerts[0].id, state: 'firing', resolvedAt: null, lastSeen: '2026-12-04T12:14:00.000Z' }], firingUnacknowledged: 1 });
    expect(k.notes).toHaveLength(1);
  });

  it('opens a new alert, with a notification, once it stayed resolved longer than two intervals', async () => {
    const k = kit({ intervalMs: 60_000 });
    let ready = 'False';
    k.sources.gpuNodes = async () => gpuNode(ready);
    await save(k, { name: 'GPU nodes', rule: { kind: 'gpu-node-not-ready', params: { clusterConnectionId: 'k-prod' } } });
    await k.service.evaluateNow();
    ready = 'True';
    k.clock.now += 60_000;
    await k.service.evaluateNow();
    ready = 'False';
    k.clock.now += 120_001;
    expect(await k.service.evaluateNow()).toMatchObject({ opened: 1, firing: 1 });
    expect(k.service.list().alerts.map((a) => a.state)).toEqual(['firing', 'resolved']);
    expect(k.notes).toHaveLength(2);
  });

  it('opens a new alert, notified, when an acknowledged one comes back: a recurrence after someone looked is news', async () => {
    const k = kit({ intervalMs: 60_000 });
    let ready = 'False';
    k.sources.gpuNodes = async () => gpuNode(ready);
    await save(k, { name: 'GPU nodes', rule: { kind: 'gpu-node-not-ready', params: { clusterConnectionId: 'k-prod' } } });
    await k.service.evaluateNow();
    const [alert] = k.service.list().alerts;
    await k.service.acknowledge(alert.id, 'oncall');
    for (const state of ['True', 'False']) {
      ready = state;
      k.clock.now += 60_000;
      await k.service.evaluateNow();
    }
    const firing = k.service.list('firing').alerts;
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({ state: 'firing' });
    expect(firing[0].id).not.toBe(alert.id);
    expect(firing[0].acknowledgedBy).toBeNull();
    expect(k.service.list().firingUnacknowledged).toBe(1);
    expect(k.notes).toHaveLength(2);
  });

  it('reopens a flapping alert only within a quarter of an hour, however long the interval', async () => {
    const k = kit({ intervalMs: 60 * 60_000 });
    let ready = 'False';
    k.sources.gpuNodes = async () => gpuNode(ready);
    await save(k, { name: 'GPU nodes', rule: { kind: 'gpu-node-not-ready', params: { clusterConnectionId: 'k-prod' } } });
    await k.service.evaluateNow();
    for (const state of ['True', 'False']) {
      ready = state;
      k.clock.now += 60 * 60_000;
      await k.service.evaluateNow();
    }
    expect(k.service.list().alerts).toHaveLength(2);
    expect(k.notes).toHaveLength(2);
  });

  it('does not bring back the alerts that editing or disabling the rule ended', async () => {
    const k = kit({ intervalMs: 60_000 });
    k.sources.gpuNodes = async () => gpuNode('False');
    const saved = await save(k, { name: 'GPU nodes', rule: { kind: 'gpu-node-not-ready', params: { clusterConnectionId: 'k-prod' } } });
    await k.service.evaluateNow();
    const [first] = k.service.list().alerts;
    k.clock.now += 10_000;
    await k.service.save({ id: saved.id, name: saved.name, enabled: false, rule: saved.rule }, 'me');
    k.clock.now += 10_000;
    await k.service.save({ id: saved.id, name: saved.name, enabled: true, rule: saved.rule }, 'me');
    k.clock.now += 10_000;
    expect(await k.service.evaluateNow()).toMatchObject({ opened: 1, firing: 1 });
    expect(k.service.list('firing').alerts.map((a) => a.id)).not.toContain(first.id);
  });
});

describe('a disabled rule', () => {
  it('is not evaluated, and disabling a firing rule resolves its alerts', async () => {
    const k = kit();
    const calls = vi.fn(async () => notebookIdle());
    k.sources.idleGpus = calls;
    const rule = await save(k, { ...idleRule(), enabled: false });
    expect(await k.service.evaluateNow()).toMatchObject({ rules: 0, opened: 0 });
    expect(calls).not.toHaveBeenCalled();
    expect(k.service.list().alerts).toEqual([]);

    await save(k, { ...idleRule(), id: rule.id, enabled: true });
    await k.service.evaluateNow();
    expect(k.service.list('firing').alerts).toHaveLength(1);
    k.clock.now += 60_000;
    await save(k, { ...idleRule(), id: rule.id, enabled: false });
    expect(k.service.list('firing').alerts).toEqual([]);
    expect(k.service.list().alerts[0]).toMatchObject({ state: 'resolved', resolvedAt: '2026-12-04T12:01:00.000Z' });
    expect(k.announced.at(-1)).toEqual({ opened: [], firingUnacknowledged: 0 });
    await k.service.evaluateNow();
    expect(calls).toHaveBeenCalledTimes(1);
  });

  it('changing what a rule watches ends the alerts of its old settings; renaming does not', async () => {
    const k = kit();
    k.sources.idleGpus = async () => notebookIdle();
    const rule = await save(k, idleRule());
    await k.service.evaluateNow();
    await save(k, { ...idleRule(), id: rule.id, name: 'Idle GPUs in prod' });
    expect(k.service.list('firing').alerts).toEqual([expect.objectContaining({ ruleName: 'Idle GPUs in prod' })]);
    const changed = await save(k, { ...idleRule({ maxUsdPerHour: 100 }), id: rule.id });
    expect(changed).toMatchObject({ lastEvaluatedAt: null, lastError: null });
    expect(k.service.list('firing').alerts).toEqual([]);
  });
});

describe('acknowledging an alert', () => {
  it('records who and when on the alert and in the audit log', async () => {
    const k = kit();
    k.sources.idleGpus = async () => notebookIdle();
    await save(k, idleRule());
    await k.service.evaluateNow();
    const [alert] = k.service.list().alerts;
    k.clock.now += 120_000;
    const acknowledged = await k.service.acknowledge(alert.id, 'oncall@laptop');
    expect(acknowledged).toMatchObject({ id: alert.id, state: 'firing', acknowledgedBy: 'oncall@laptop', acknowledgedAt: '2026-12-04T12:02:00.000Z' });
    expect(k.service.list().firingUnacknowledged).toBe(0);
    expect(k.announced.at(-1)).toEqual({ opened: [], firingUnacknowledged: 0 });
    const [entry] = k.audit.list({ limit: 1 }).entries;
    expect(entry).toMatchObject({
      actor: 'oncall@laptop',
      action: 'alerts.acknowledge',
      target: `alert #${alert.id}: team-a/research-notebook-0 holds 4 idle GPUs costing $40.00/h`,
      status: 'succeeded',
      before: 'firing since 2026-12-04T12:00:00.000Z',
      after: 'acknowledged by oncall@laptop at 2026-12-04T12:02:00.000Z',
      detail: 'rule "Idle H200s", team-a/research-notebook-0',
    });
    // Still acknowledged when it stays open.
    await k.service.evaluateNow();
    expect(k.service.list().alerts[0]).toMatchObject({ acknowledgedBy: 'oncall@laptop' });
  });

  it('refuses a second acknowledgement (saying by whom) and an alert that is not there, auditing the refusal', async () => {
    const k = kit();
    k.sources.idleGpus = async () => notebookIdle();
    await save(k, idleRule());
    await k.service.evaluateNow();
    const [alert] = k.service.list().alerts;
    await k.service.acknowledge(alert.id, 'first@laptop');
    await expect(k.service.acknowledge(alert.id, 'second@laptop')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('already acknowledged by first@laptop') });
    expect(k.audit.list({ limit: 1 }).entries[0]).toMatchObject({ actor: 'second@laptop', action: 'alerts.acknowledge', status: 'failed' });
    await expect(k.service.acknowledge(9999, 'me')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('GPU nodes not Ready', () => {
  const node = (name: string, ready: string | null, over: Partial<GpuNodeCondition> = {}): GpuNodeCondition => ({ name, gpus: 8, ready, reason: null, message: null, since: null, ...over });

  it('fire for False, Unknown and a missing condition, critical, and resolve when Ready', async () => {
    const k = kit();
    k.sources.gpuNodes = async () => [
      node('gpu-a', 'True'),
      node('gpu-b', 'False', { reason: 'KubeletNotReady', message: 'container runtime is down', since: '2026-12-04T11:00:00Z' }),
      node('gpu-c', 'Unknown', { reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }),
      node('gpu-d', null, { gpus: 1 }),
    ];
    await save(k, { name: 'GPU nodes', rule: { kind: 'gpu-node-not-ready', params: { clusterConnectionId: 'k-prod' } } });
    await k.service.evaluateNow();
    const alerts = k.service.list().alerts.sort((a, b) => a.subject.localeCompare(b.subject));
    expect(alerts.map((a) => [a.subject, a.severity, a.title])).toEqual([
      ['gpu-b', 'critical', 'GPU node gpu-b is not Ready'],
      ['gpu-c', 'critical', 'GPU node gpu-c is not Ready'],
      ['gpu-d', 'critical', 'GPU node gpu-d is not Ready'],
    ]);
    expect(alerts[0].detail).toBe('Ready is False (KubeletNotReady) since 2026-12-04T11:00:00Z: container runtime is down; 8 GPUs on it');
    expect(alerts[2].detail).toBe('It reports no Ready condition; 1 GPU on it');
    // Three at once: one notification each.
    expect(k.notes.map((n) => n.title)).toEqual(alerts.map((a) => a.title));

    k.sources.gpuNodes = async () => [node('gpu-a', 'True'), node('gpu-b', 'True'), node('gpu-c', 'Unknown'), node('gpu-d', 'True')];
    expect(await k.service.evaluateNow()).toMatchObject({ resolved: 2, firing: 1 });
  });

  it('makes one summary notification when more than three fire at once', async () => {
    const k = kit();
    k.sources.gpuNodes = async () => ['n1', 'n2', 'n3', 'n4', 'n5'].map((n) => node(n, 'False'));
    await save(k, { name: 'GPU nodes', rule: { kind: 'gpu-node-not-ready', params: { clusterConnectionId: 'k-prod' } } });
    await k.service.evaluateNow();
    expect(k.notes).toEqual([{ title: '5 alerts fired', body: expect.stringContaining('… and 2 more: see Alerts') }]);
  });
});

describe('daily spend', () => {
  const day = (start: string, end: string, amount: string, estimated = true) => ({ TimePeriod: { Start: start, End: end }, Total: { UnblendedCost: { Amount: amount, Unit: 'USD' } }, Groups: [], Estimated: estimated });
  const answer = (yesterday: string, today: string) => ({ status: 200, body: { ResultsByTime: [day('2026-12-03', '2026-12-04', yesterday), day('2026-12-04', '2026-12-05', today)], DimensionValueAttributes: [] } });

  /** The kit reading cost through the real spend service and its cache, Cost Explorer answered from recordings. */
  function spendKit(answers: ReturnType<typeof answer>[]) {
    const recorded = recordedCostExplorer(answers);
    const k = kit();
    const spend = createSpendService({
      db: k.db,
      connections: { awsAccessOf: () => ({ credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'never-shown' }), region: 'us-east-1' }) },
      log: createLogger(),
      now: () => k.clock.now,
      requestHandler: recorded.handler,
    });
    k.sources.dailyCosts = ({ connectionId, start, end }) => spend.costs({ connectionId, start, end, granularity: 'DAILY', metric: 'UnblendedCost' });
    return { k, sent: recorded.sent };
  }

  it('fires per UTC day over budget, critical, reading yesterday and today in one query', async () => {
    const { k, sent } = spendKit([answer('1234.5', '80')]);
    await save(k, { name: 'Budget', rule: { kind: 'daily-spend', params: { awsConnectionId: 'aws-1', budgetUsd: 1000 } } });
    await k.service.evaluateNow();
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toMatchObject({ TimePeriod: { Start: '2026-12-03', End: '2026-12-05' }, Granularity: 'DAILY', Metrics: ['UnblendedCost'] });
    expect(k.service.list().alerts).toEqual([
      expect.objectContaining({ subject: '2026-12-03 (UTC)', severity: 'critical', title: 'AWS spend on 2026-12-03 is $1,234.50, over the $1,000.00 budget', value: 1234.5, threshold: 1000, unit: 'USD' }),
    ]);
  });

  it('bills no Cost Explorer request more often than the spend cache allows, however often it evaluates', async () => {
    const { k, sent } = spendKit([answer('10', '5'), answer('10', '2000')]);
    await save(k, { name: 'Budget', rule: { kind: 'daily-spend', params: { awsConnectionId: 'aws-1', budgetUsd: 1000 } } });
    // Every five minutes for just under the cache's life.
    for (let t = 0; t < RECENT_TTL_MS; t += 300_000) {
      await k.service.evaluateNow();
      k.clock.now += 300_000;
    }
    expect(sent).toHaveLength(1);
    expect(k.service.list().alerts).toEqual([]);
    expect(RECENT_TTL_MS).toBeLessThan(PAST_TTL_MS);
    // The cached answer expired: one request, and today's spend is now over.
    k.clock.now = Date.parse('2026-12-04T12:00:00Z') + RECENT_TTL_MS + 1;
    await k.service.evaluateNow();
    expect(sent).toHaveLength(2);
    expect(k.service.list().alerts.map((a) => a.subject)).toEqual(['2026-12-04 (UTC)']);
    expect(k.db.prepare('SELECT count(*) AS n FROM spend_requests').get()).toEqual({ n: 2 });
  });
});

describe('one evaluation at a time', () => {
  it('runs a call arriving during an evaluation once after it, shared by every such call', async () => {
    const k = kit();
    let release: () => void = () => {};
    let calls = 0;
    k.sources.idleGpus = () => {
      calls++;
      return calls === 1 ? new Promise((resolve) => (release = () => resolve(notebookIdle()))) : Promise.resolve(notebookIdle());
    };
    await save(k, idleRule());
    const first = k.service.evaluateNow();
    await vi.waitFor(() => expect(calls).toBe(1));
    const second = k.service.evaluateNow();
    const third = k.service.evaluateNow();
    expect(calls).toBe(1);
    release();
    const [a, b, c] = await Promise.all([first, second, third]);
    expect(calls).toBe(2);
    expect(a.opened).toBe(1);
    expect(b).toBe(c);
    expect(b.opened).toBe(0);
    expect(k.service.list().alerts).toHaveLength(1);
  });

  it('writes nothing once closed, and refuses to evaluate after', async () => {
    const k = kit();
    let release: (() => void) | undefined;
    k.sources.idleGpus = () => new Promise((resolve) => (release = () => resolve(notebookIdle())));
    await save(k, idleRule());
    const pending = k.service.evaluateNow();
    await vi.waitFor(() => expect(release).toBeDefined());
    k.service.close();
    release?.();
    await expect(pending).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('closing') });
    expect(k.db.prepare('SELECT count(*) AS n FROM alerts').get()).toEqual({ n: 0 });
    await expect(k.service.evaluateNow()).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('the timer', () => {
  afterEach(() => vi.useRealTimers());

  it('evaluates every interval, at the interval the user chose (kept across launches), and stops on close', async () => {
    vi.useFakeTimers();
    const k = kit({ firstDelayMs: 1_000, intervalMs: 60_000 });
    const calls = vi.fn(async () => notebookIdle());
    k.sources.idleGpus = calls;
    await save(k, idleRule());
    expect(k.service.settings()).toEqual({ intervalMinutes: 1 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveBeenCalledTimes(2);

    expect(k.service.saveSettings({ intervalMinutes: 10 })).toEqual({ intervalMinutes: 10 });
    await vi.advanceTimersByTimeAsync(9 * 60_000);
    expect(calls).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveBeenCalledTimes(3);
    expect(k.service.list().alerts).toHaveLength(1);

    // The next launch keeps the chosen interval.
    k.service.close();
    const next = kit({ db: k.db, firstDelayMs: 1_000, intervalMs: 60_000 });
    expect(next.service.settings()).toEqual({ intervalMinutes: 10 });
    next.sources.idleGpus = calls;
    await vi.advanceTimersByTimeAsync(1_000 + 5 * 60_000);
    expect(calls).toHaveBeenCalledTimes(4);
    next.service.close();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(calls).toHaveBeenCalledTimes(4);
  });

  it('refuses an interval that is not 1–1,440 whole minutes', () => {
    for (const bad of [0, 1441, 2.5, -1, Number.NaN]) expect(AlertSettings.safeParse({ intervalMinutes: bad }).success, String(bad)).toBe(false);
    expect(AlertSettings.safeParse({ intervalMinutes: 5, extra: true }).success).toBe(false);
  });
});

describe('saving rules', () => {
  it('audits adding, editing and removing a rule; removing takes its alerts', async () => {
    const k = kit();
    k.sources.idleGpus = async () => notebookIdle();
    const rule = await save(k, idleRule(), 'me@laptop');
    await save(k, { ...idleRule({ maxUsdPerHour: 20 }), id: rule.id }, 'me@laptop');
    await k.service.evaluateNow();
    await k.service.remove(rule.id, 'me@laptop');
    expect(k.service.rules().rules).toEqual([]);
    expect(k.service.list().alerts).toEqual([]);
    const actions = k.audit.list({ limit: 10 }).entries.map((e) => [e.action, e.target, e.status]);
    expect(actions).toEqual([
      ['alerts.removeRule', 'alert rule "Idle H200s"', 'succeeded'],
      ['alerts.editRule', 'alert rule "Idle H200s"', 'succeeded'],
      ['alerts.addRule', 'alert rule "Idle H200s"', 'succeeded'],
    ]);
    await expect(k.service.remove(rule.id, 'me')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(save(k, { ...idleRule(), id: rule.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses connections that are not there or of the wrong kind, naming the field', async () => {
    const k = kit();
    await expect(save(k, { name: 'x', rule: { kind: 'gpu-node-not-ready', params: { clusterConnectionId: 'gone' } } })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: 'clusterConnectionId: no connection has the id "gone"; choose one of the stored connections',
    });
    await expect(save(k, { name: 'x', rule: { kind: 'gpu-node-not-ready', params: { clusterConnectionId: 'aws-1' } } })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: 'clusterConnectionId: "billing" is an AWS account, not a Kubernetes cluster',
    });
    await expect(save(k, idleRule()).then(() => save(k, { ...idleRule(), rule: { ...idleRule().rule, params: { ...(idleRule().rule.params as object), prometheusConnectionId: 'k-prod' } } as SaveInput['rule'] }))).rejects.toMatchObject({
      message: 'prometheusConnectionId: "prod" is a Kubernetes cluster, not a Prometheus endpoint',
    });
    await expect(save(k, { name: 'x', rule: { kind: 'daily-spend', params: { awsConnectionId: 'p-prod', budgetUsd: 1 } } })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(k.audit.list({ limit: 10 }).entries.map((e) => e.action)).toEqual(['alerts.addRule']);
  });

  it('keeps at most 100 rules', async () => {
    const k = kit();
    for (let i = 0; i < 100; i++) await save(k, { name: `r${i}`, rule: { kind: 'gpu-node-not-ready', params: { clusterConnectionId: 'k-prod' } } });
    await expect(save(k, { name: 'one more', rule: { kind: 'gpu-node-not-ready', params: { clusterConnectionId: 'k-prod' } } })).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('At most 100') });
  });
});

describe('hostile rule params', () => {
  const base = { clusterConnectionId: 'k-prod', prometheusConnectionId: 'p-prod', utilPct: 10, windowHours: 24, maxUsdPerHour: 15 };
  const refused = (input: unknown) => {
    const parsed = AlertRuleSave.safeParse(input);
    expect(parsed.success, JSON.stringify(input)).toBe(false);
    return parsed.error!.issues.map((i) => i.message).join('; ');
  };
  const idle = (params: Record<string, unknown>) => ({ name: 'x', rule: { kind: 'idle-gpu-cost', params: { ...base, ...params } } });

  it('are refused by the contract with a message a person can act on', () => {
    expect(refused(idle({ utilPct: 101 }))).toBe('The utilisation is 0–100 %');
    expect(refused(idle({ utilPct: -1 }))).toBe('The utilisation is 0–100 %');
    expect(refused(idle({ utilPct: Number.NaN }))).toContain('must be a number');
    expect(refused(idle({ utilPct: '10' }))).toBe('The utilisation must be a number');
    expect(refused(idle({ windowHours: 0.5 }))).toBe('The window is whole hours');
    expect(refused(idle({ windowHours: 10_000 }))).toBe('The window is 1–168 hours');
    expect(refused(idle({ maxUsdPerHour: -3 }))).toBe('The hourly amount cannot be negative');
    expect(refused(idle({ maxUsdPerHour: Number.POSITIVE_INFINITY }))).toContain('must be a number');
    expect(refused(idle({ maxUsdPerHour: 1e12 }))).toBe('The hourly amount is at most 1,000,000');
    expect(refused(idle({ clusterConnectionId: '' }))).toBe('Choose a connection');
    expect(refused(idle({ clusterConnectionId: 'x'.repeat(65) }))).toBe('A connection id is at most 64 characters');
    expect(refused(idle({ query: 'sum(DCGM_FI_DEV_GPU_UTIL)' }))).toMatch(/Unrecognized key.*query/);
    expect(refused({ name: 'x', rule: { kind: 'daily-spend', params: { awsConnectionId: 'aws-1', budgetUsd: -1 } } })).toBe('The budget cannot be negative');
    expect(refused({ name: 'x', rule: { kind: 'daily-spend', params: { awsConnectionId: 'aws-1' } } })).toBe('The budget must be a number');
    // Params of another kind.
    expect(refused({ name: 'x', rule: { kind: 'daily-spend', params: base } })).toMatch(/Unrecognized key/);
    expect(refused({ name: 'x', rule: { kind: 'cpu-hot', params: {} } })).toMatch(/kind|Invalid/i);
    expect(refused({ name: 'x', rule: { kind: 'gpu-node-not-ready', params: { clusterConnectionId: 'k-prod' } }, extra: 1 })).toMatch(/Unrecognized key/);
  });

  it('refuses names that are empty, too long, or hide control or invisible characters', () => {
    const named = (name: unknown) => ({ name, rule: { kind: 'gpu-node-not-ready', params: { clusterConnectionId: 'k-prod' } } });
    expect(refused(named('   '))).toBe('Name the rule');
    expect(refused(named('x'.repeat(101)))).toBe('A name is at most 100 characters');
    expect(refused(named('prod\nrm -rf /'))).toBe('A name cannot hold control or invisible characters');
    expect(refused(named('budget\u202eevil'))).toBe('A name cannot hold control or invisible characters');
    expect(refused(named('a\u0000b'))).toBe('A name cannot hold control or invisible characters');
    expect(refused(named(42))).toMatch(/string/i);
    expect(AlertRuleSave.parse(named('  Idle H200s  ')).name).toBe('Idle H200s');
  });

  it('are never stored with a __proto__ key', async () => {
    const k = kit();
    const input = JSON.parse('{"name":"x","rule":{"kind":"gpu-node-not-ready","params":{"clusterConnectionId":"k-prod","__proto__":{"polluted":true}}}}');
    expect(AlertRuleSave.safeParse(input).success).toBe(false);
    expect(k.service.rules().rules).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

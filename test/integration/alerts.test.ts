/**
 * Alerts against the bed, through the contract: an idle-GPU-cost rule with a
 * low threshold fires on the research notebook's 4 idle H200s (team-a, on
 * gpu-h200-2) once evaluated, stays one alert when evaluated again, and its
 * acknowledgement is audited; the bed's GPU nodes are all Ready, so the
 * not-Ready rule opens nothing; a rule whose Prometheus cannot be reached says
 * so and opens nothing.
 */
import { freePort } from '../testbed/proc';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Services } from '../../electron/services/app/createServices';
import { contractClient } from '../support/contract';
import { servicesWithCluster } from '../support/services';

const bed = inject('testbed');
const primary = bed.clusters.primary;
/** The notebook's 4 GPUs at the p5en.48xlarge seed price ($63.296 an hour over 8 GPUs). */
const NOTEBOOK_USD_PER_HOUR = 31.65;

let services: Services;
let clusterId: string;
let promId: string;
const api = contractClient(() => services, { actor: 'oncall@bed', session: 'alerts' });

beforeAll(async () => {
  ({ services, connectionId: clusterId } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary'));
  promId = (await api.call('connections.addPrometheus', { name: 'bed-prometheus', url: bed.prometheus.url, auth: 'none', clusterConnectionId: clusterId })).id;
});
afterAll(() => services.close());

describe('alerts on the bed', () => {
  let ruleId: number;

  it('an idle GPU cost rule with a low threshold fires on the idle notebook once evaluated', async () => {
    const rule = await api.call('alerts.rules.save', {
      name: 'Idle GPUs over $1/h',
      rule: { kind: 'idle-gpu-cost', params: { clusterConnectionId: clusterId, prometheusConnectionId: promId, utilPct: 10, windowHours: 24, maxUsdPerHour: 1 } },
    });
    ruleId = rule.id;
    expect(rule).toMatchObject({ enabled: true, createdBy: 'oncall@bed', lastEvaluatedAt: null });
    expect((await api.call('alerts.list', {})).alerts).toEqual([]);

    const evaluation = await api.call('alerts.evaluateNow', {});
    // What it opened may have been opened by the timer's first evaluation already: the list says.
    expect(evaluation).toMatchObject({ rules: 1, failed: 0 });

    const { alerts, firingUnacknowledged } = await api.call('alerts.list', { state: 'firing' });
    const notebook = alerts.filter((a) => a.subject === 'team-a/research-notebook-0');
    expect(notebook).toHaveLength(1);
    expect(notebook[0]).toMatchObject({ ruleId, kind: 'idle-gpu-cost', severity: 'warning', threshold: 1, unit: 'USD/h', acknowledgedBy: null });
    expect(notebook[0].value).toBeCloseTo(NOTEBOOK_USD_PER_HOUR, 1);
    expect(notebook[0].title).toBe(`team-a/research-notebook-0 holds 4 idle GPUs costing $${NOTEBOOK_USD_PER_HOUR}/h`);
    expect(notebook[0].detail).toContain('on gpu-h200-2');
    expect(notebook[0].detail).toContain('team team-a, StatefulSet research-notebook');
    // The trainer keeps its GPUs busy.
    expect(alerts.some((a) => a.subject === 'ml-training/llm-pretrain-0')).toBe(false);
    expect(firingUnacknowledged).toBe(alerts.length);
    expect((await api.call('alerts.rules.list', {})).rules[0]).toMatchObject({ id: ruleId, lastError: null, lastEvaluatedAt: expect.any(String) });
  });

  it('stays one alert when evaluated again', async () => {
    const before = (await api.call('alerts.list', { state: 'firing' })).alerts.find((a) => a.subject === 'team-a/research-notebook-0');
    const evaluation = await api.call('alerts.evaluateNow', {});
    expect(evaluation).toMatchObject({ opened: 0, resolved: 0 });
    const after = (await api.call('alerts.list', {})).alerts.filter((a) => a.subject === 'team-a/research-notebook-0');
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: before?.id, state: 'firing', firstSeen: before?.firstSeen });
  });

  it('is acknowledged, and the audit log says who acknowledged which alert', async () => {
    const alert = (await api.call('alerts.list', { state: 'firing' })).alerts.find((a) => a.subject === 'team-a/research-notebook-0')!;
    const acknowledged = await api.call('alerts.acknowledge', { id: alert.id });
    expect(acknowledged).toMatchObject({ id: alert.id, acknowledgedBy: 'oncall@bed', acknowledgedAt: expect.any(String) });
    const { entries } = await api.call('audit.list', { limit: 20 });
    expect(entries.find((e) => e.action === 'alerts.acknowledge')).toMatchObject({
      actor: 'oncall@bed',
      target: `alert #${alert.id}: ${alert.title}`,
      status: 'succeeded',
      after: `acknowledged by oncall@bed at ${acknowledged.acknowledgedAt}`,
    });
    const again = await api.result('alerts.acknowledge', { id: alert.id });
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('opens nothing for GPU nodes that are all Ready', async () => {
    await api.call('alerts.rules.save', { name: 'GPU nodes', rule: { kind: 'gpu-node-not-ready', params: { clusterConnectionId: clusterId } } });
    const evaluation = await api.call('alerts.evaluateNow', {});
    expect(evaluation).toMatchObject({ rules: 2, failed: 0, opened: 0 });
    expect((await api.call('alerts.list', {})).alerts.some((a) => a.kind === 'gpu-node-not-ready')).toBe(false);
    await api.call('alerts.rules.remove', { id: (await api.call('alerts.rules.list', {})).rules.find((r) => r.name === 'GPU nodes')!.id });
  });

  it('says a rule could not be evaluated when its Prometheus cannot be reached, and leaves the other rule’s alert alone', async () => {
    const unreachable = await api.call('connections.addPrometheus', { name: 'nowhere', url: `http://127.0.0.1:${await freePort()}`, auth: 'none', clusterConnectionId: clusterId });
    const rule = await api.call('alerts.rules.save', {
      name: 'Idle via nowhere',
      rule: { kind: 'idle-gpu-cost', params: { clusterConnectionId: clusterId, prometheusConnectionId: unreachable.id, utilPct: 10, windowHours: 24, maxUsdPerHour: 1 } },
    });
    const evaluation = await api.call('alerts.evaluateNow', {});
    expect(evaluation).toMatchObject({ rules: 2, failed: 1, opened: 0, resolved: 0 });
    const saved = (await api.call('alerts.rules.list', {})).rules.find((r) => r.id === rule.id);
    expect(saved?.lastError).toMatch(/^could not evaluate: .*refused the connection/);
    const firing = (await api.call('alerts.list', { state: 'firing' })).alerts;
    expect(firing.filter((a) => a.ruleId === rule.id)).toEqual([]);
    expect(firing.some((a) => a.ruleId === ruleId && a.subject === 'team-a/research-notebook-0')).toBe(true);
  });
});

/**
 * Blue/green and canary for plain Deployments against the real test bed,
 * through the contract, checked with kubectl: a blue/green Service switched
 * to green and back (its undo), its EndpointSlices then listing only the
 * live slot's pods; a switch refused while the target slot's pods are not
 * Ready (`pilothouse.test/unready`); a canary's weight set and undone,
 * aborted and promoted; and changes made by someone else — before the
 * action (what the user saw is stale) or during it (a canary changed while
 * its promotion waits for stable's rollout, or its template pushed between
 * the look and the promotion) — reported as CONFLICT with
 * nothing overwritten.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AuditEntry, ParamsIn, TaskSummary, TrafficPair } from '../../shared/contract';
import type { Services } from '../../electron/services/app/createServices';
import { servicesWithCluster } from '../support/services';
import { contractClient, until } from '../support/contract';
import { madeTempDir } from '../support/tempDirs';
import { KWOK_TOLERATION } from '../testbed';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);
const NS = `ph-it-traffic-${Date.now().toString(36)}`;
const OLD = 'registry.k8s.io/pause:3.9';
const NEW = 'registry.k8s.io/pause:3.10';

let services: Services;
let connectionId = '';
const { call: succeed, finishedTask } = contractClient(() => services, { actor: 'it', session: 'it' });
const at = (service: string) => ({ connectionId, namespace: NS, service });
const auditOf = (task: TaskSummary): AuditEntry => services.audit.list({ limit: 200 }).entries.find((e) => e.id === task.auditId)!;

const kubectl = async (...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;
const jsonpath = (kind: string, name: string, path: string) => kubectl('get', kind, name, '-n', NS, '-o', `jsonpath={${path}}`);
const replicas = async (name: string) => Number(await jsonpath('deployment', name, '.spec.replicas'));

async function apply(...manifests: object[]): Promise<void> {
  const file = join(madeTempDir('ph-it-traffic-'), 'manifest.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }));
  await kubectl('apply', '-f', file);
}

function deployment(name: string, labels: Record<string, string>, count: number, image = OLD, more: { minReadySeconds?: number; podLabels?: Record<string, string> } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas: count,
      ...(more.minReadySeconds ? { minReadySeconds: more.minReadySeconds } : {}),
      selector: { matchLabels: labels },
      template: { metadata: { labels: { ...labels, ...more.podLabels } }, spec: { tolerations: [KWOK_TOLERATION], containers: [{ name: 'app', image }] } },
    },
  };
}

const service = (name: string, selector: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: NS },
  spec: { selector, ports: [{ port: 80, targetPort: 8080 }] },
});

const rolledOut = (name: string) => kubectl('rollout', 'status', `deployment/${name}`, '-n', NS, '--timeout=90s');

/** The pods each of the Service's EndpointSlices' endpoints point to, sorted. */
async function endpointPods(svc: string): Promise<string[]> {
  const slices = JSON.parse(await kubectl('get', 'endpointslices', '-n', NS, '-l', `kubernetes.io/service-name=${svc}`, '-o', 'json')) as {
    items: { endpoints?: { targetRef?: { name?: string } }[] | null }[];
  };
  return slices.items.flatMap((s) => (s.endpoints ?? []).map((e) => e.targetRef?.name ?? '?')).sort();
}
const podsOf = async (selector: string) => (await kubectl('get', 'pods', '-n', NS, '-l', selector, '-o', 'jsonpath={.items[*].metadata.name}')).split(' ').filter(Boolean).sort();

/** Starts a traffic task and waits for it to end. */
async function started<M extends 'rollouts.switchSlot' | 'rollouts.setCanaryWeight' | 'rollouts.promoteCanary' | 'rollouts.abortCanary'>(method: M, params: ParamsIn<M>): Promise<TaskSummary> {
  const { taskId } = await succeed(method, params);
  return finishedTask(taskId);
}

beforeAll(async () => {
  ({ services, connectionId } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary-admin'));
  await kubectl('create', 'namespace', NS);
  await apply(
    deployment('web-blue', { app: 'web', slot: 'blue' }, 2),
    deployment('web-green', { app: 'web', slot: 'green' }, 2, NEW),
    service('web', { app: 'web', slot: 'blue' }),
    // A green slot whose pods run but never become Ready.
    deployment('cold-blue', { app: 'cold', slot: 'blue' }, 1),
    deployment('cold-green', { app: 'cold', slot: 'green' }, 1, NEW, { podLabels: { 'pilothouse.test/unready': 'true' } }),
    service('cold', { app: 'cold', slot: 'blue' }),
    deployment('api', { app: 'api', track: 'stable' }, 3),
    deployment('api-canary', { app: 'api', track: 'canary' }, 1, NEW),
    service('api', { app: 'api' }),
    // Stable takes a few seconds per pod to count as available: time to change the canary while its promotion waits.
    deployment('cart', { app: 'cart', track: 'stable' }, 2, OLD, { minReadySeconds: 6 }),
    deployment('cart-canary', { app: 'cart', track: 'canary' }, 1, NEW),
    service('cart', { app: 'cart' }),
  );
  for (const name of ['web-blue', 'web-green', 'cold-blue', 'api', 'api-canary', 'cart', 'cart-canary']) await rolledOut(name);
  await until('web endpoints on blue', async () => (await endpointPods('web')).join() === (await podsOf('app=web,slot=blue')).join(), 60_000, 250);
}, 240_000);

afterAll(async () => {
  await services?.close();
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('finding pairs', () => {
  it('lists the namespace’s blue/green and canary pairs with their live slot, images, pods and weight', async () => {
    const { pairs, problems } = await succeed('rollouts.trafficPairs', { connectionId, namespace: NS });
    expect(problems).toEqual([]);
    const byService = new Map<string, TrafficPair>(pairs.map((p) => [p.service, p]));
    expect(byService.get('web')).toMatchObject({
      kind: 'blueGreen',
      slotKey: 'slot',
      live: 'blue',
      slots: [
        { deployment: 'web-blue', value: 'blue', images: [`app=${OLD}`], replicas: 2, ready: 2, available: 2 },
        { deployment: 'web-green', value: 'green', images: [`app=${NEW}`], replicas: 2, ready: 2, available: 2 },
      ],
    });
    expect(byService.get('cold')).toMatchObject({ slots: [{ deployment: 'cold-blue' }, { deployment: 'cold-green', ready: 0, available: 0 }] });
    expect(byService.get('api')).toMatchObject({ kind: 'canary', trackKey: 'track', weight: 25, stable: { deployment: 'api', replicas: 3 }, canary: { deployment: 'api-canary', replicas: 1 } });
    // Across every namespace too.
    const all = await succeed('rollouts.trafficPairs', { connectionId });
    expect(all.pairs.filter((p) => p.namespace === NS).map((p) => p.service)).toEqual(['api', 'cart', 'cold', 'web']);
  });
});

describe('blue/green', () => {
  it('switches to green once its pods are available, ending when the EndpointSlices hold only green pods; the undo switches back', async () => {
    const task = await started('rollouts.switchSlot', { ...at('web'), toSlot: 'green', ifLiveSlot: 'blue' });
    expect(task).toMatchObject({ kind: 'rollouts.switchSlot', status: 'succeeded', result: { skipped: false } });
    expect(task.phases.map((p) => [p.name, p.state])).toEqual([
      ['Check the target', 'done'],
      ['Switch', 'done'],
      ['Verify endpoints', 'done'],
    ]);
    expect(await jsonpath('service', 'web', '.spec.selector.slot')).toBe('green');
    // Done means no blue pod is behind the Service any more; the green ones all are, or are about to be.
    expect((await endpointPods('web')).every((pod) => pod.startsWith('web-green-'))).toBe(true);
    await until('web endpoints on every green pod', async () => (await endpointPods('web')).join() === (await podsOf('app=web,slot=green')).join(), 10_000, 250);

    const entry = auditOf(task);
    expect(entry).toMatchObject({ action: 'rollouts.switchSlot', status: 'succeeded', before: 'slot blue (web-blue)', after: 'slot green (web-green)', undo: { label: 'Switch back to slot blue' } });
    expect(await succeed('audit.undo', { id: entry.id })).toMatchObject({ action: 'rollouts.switchSlot', undoOf: entry.id });
    await until('web back on blue', async () => (await jsonpath('service', 'web', '.spec.selector.slot')) === 'blue', 30_000, 250);
    await until('web endpoints back on blue pods', async () => (await endpointPods('web')).join() === (await podsOf('app=web,slot=blue')).join(), 30_000, 250);
  });

  it('refuses to switch to a slot whose pods are not Ready, changing nothing', async () => {
    const task = await started('rollouts.switchSlot', { ...at('cold'), toSlot: 'green' });
    expect(task).toMatchObject({ status: 'failed', error: { code: 'VALIDATION', message: expect.stringContaining('Deployment cold-green is still rolling out (') } });
    expect(await jsonpath('service', 'cold', '.spec.selector.slot')).toBe('blue');
  });

  it('a Service someone else switched since the user looked is CONFLICT, left as they made it', async () => {
    await kubectl('patch', 'service', 'web', '-n', NS, '--type=merge', '-p', '{"spec":{"selector":{"slot":"green"}}}');
    const task = await started('rollouts.switchSlot', { ...at('web'), toSlot: 'blue', ifLiveSlot: 'blue' });
    expect(task).toMatchObject({ status: 'failed', error: { code: 'CONFLICT' } });
    expect(await jsonpath('service', 'web', '.spec.selector.slot')).toBe('green');
    await kubectl('patch', 'service', 'web', '-n', NS, '--type=merge', '-p', '{"spec":{"selector":{"slot":"blue"}}}');
  });
});

describe('canary', () => {
  it('sets the weight by replicas through the scale subresource, waits for the pods, and the undo restores the split', async () => {
    const task = await started('rollouts.setCanaryWeight', { ...at('api'), weight: 50, total: 4, ifReplicas: { stable: 3, canary: 1 } });
    expect(task).toMatchObject({ kind: 'rollouts.setCanaryWeight', status: 'succeeded' });
    expect([await replicas('api'), await replicas('api-canary')]).toEqual([2, 2]);
    const { pairs } = await succeed('rollouts.trafficPairs', { connectionId, namespace: NS });
    expect(pairs.find((p) => p.service === 'api')).toMatchObject({ weight: 50 });

    const entry = auditOf(task);
    expect(entry).toMatchObject({ before: 'stable api 3 replicas, canary api-canary 1 replica (25% canary)', after: 'stable api 2 replicas, canary api-canary 2 replicas (50% canary)' });
    await succeed('audit.undo', { id: entry.id });
    await until('api back to 3 + 1', async () => (await replicas('api')) === 3 && (await replicas('api-canary')) === 1, 30_000, 250);
  });

  it('replicas changed since the user looked (an autoscaler, someone else) are CONFLICT, nothing scaled', async () => {
    await until('api settled at 3 + 1', async () => (await jsonpath('deployment', 'api', '.status.availableReplicas')) === '3', 60_000, 250);
    const task = await started('rollouts.setCanaryWeight', { ...at('api'), weight: 50, total: 4, ifReplicas: { stable: 2, canary: 2 } });
    expect(task).toMatchObject({ status: 'failed', error: { code: 'CONFLICT' } });
    expect([await replicas('api'), await replicas('api-canary')]).toEqual([3, 1]);
  });

  it('abort puts every replica back on stable; its undo brings the canary back', async () => {
    const task = await started('rollouts.abortCanary', { ...at('api'), ifReplicas: { stable: 3, canary: 1 } });
    expect(task).toMatchObject({ kind: 'rollouts.abortCanary', status: 'succeeded' });
    expect([await replicas('api'), await replicas('api-canary')]).toEqual([4, 0]);
    await succeed('audit.undo', { id: auditOf(task).id });
    await until('api back to 3 + 1', async () => (await replicas('api')) === 3 && (await replicas('api-canary')) === 1, 30_000, 250);
  });

  it('a canary whose template was changed since the user looked is not promoted: CONFLICT, stable left as it was', async () => {
    const { pairs } = await succeed('rollouts.trafficPairs', { connectionId, namespace: NS });
    const shown = pairs.find((p) => p.service === 'api');
    if (shown?.kind !== 'canary') throw new Error('api is not a canary pair');
    await kubectl('patch', 'deployment', 'api-canary', '-n', NS, '--type=merge', '-p', JSON.stringify({ spec: { template: { metadata: { annotations: { 'pilothouse.test/pushed': '1' } } } } }));
    const task = await started('rollouts.promoteCanary', { ...at('api'), ifReplicas: { stable: 3, canary: 1 }, ifGenerations: { stable: shown.stable.generation, canary: shown.canary.generation } });
    expect(task).toMatchObject({ status: 'failed', error: { code: 'CONFLICT', message: expect.stringContaining('canary Deployment api-canary') } });
    expect(await jsonpath('deployment', 'api', '.spec.template.spec.containers[0].image')).toBe(OLD);
  });

  it('promote: stable takes the canary’s template (keeping its own track label) and every replica, completes its rollout, then the canary goes to 0', async () => {
    await rolledOut('api');
    await rolledOut('api-canary');
    const task = await started('rollouts.promoteCanary', { ...at('api'), ifReplicas: { stable: 3, canary: 1 } });
    expect(task).toMatchObject({ kind: 'rollouts.promoteCanary', status: 'succeeded' });
    expect(task.phases.map((p) => p.state)).toEqual(['done', 'done', 'done']);
    expect(await jsonpath('deployment', 'api', '.spec.template.spec.containers[0].image')).toBe(NEW);
    expect(await jsonpath('deployment', 'api', '.spec.template.metadata.labels.track')).toBe('stable');
    expect([await replicas('api'), await replicas('api-canary')]).toEqual([4, 0]);
    expect(await kubectl('rollout', 'status', 'deployment/api', '-n', NS, '--timeout=1s')).toContain('successfully rolled out');
    expect(auditOf(task)).toMatchObject({ status: 'succeeded', undo: { label: 'Roll api back to revision 1 (the split stays stable 4, canary 0)' } });
  }, 120_000);

  it('a canary changed while its promotion waits for stable’s rollout is CONFLICT: the canary is left running', async () => {
    const { taskId } = await succeed('rollouts.promoteCanary', { ...at('cart'), ifReplicas: { stable: 2, canary: 1 } });
    await until('the promotion waiting for the rollout', async () => (await succeed('tasks.get', { id: taskId })).phase === 'Wait for the rollout', 30_000, 100);
    await kubectl('set', 'image', 'deployment/cart-canary', 'app=registry.k8s.io/pause:3.10.1', '-n', NS);
    const task = await finishedTask(taskId);
    expect(task).toMatchObject({ status: 'failed', error: { code: 'CONFLICT', message: expect.stringContaining('The canary cart-canary was changed during the promotion') } });
    expect(await replicas('cart-canary')).toBe(1);
    expect(await jsonpath('deployment', 'cart', '.spec.template.spec.containers[0].image')).toBe(NEW);
  }, 120_000);
});

it('says why a Service is not a pair, or not there', async () => {
  expect(await started('rollouts.promoteCanary', at('web'))).toMatchObject({ status: 'failed', error: { code: 'VALIDATION', message: expect.stringContaining('is not set up for a canary') } });
  expect(await started('rollouts.switchSlot', { ...at('nowhere'), toSlot: 'green' })).toMatchObject({ status: 'failed', error: { code: 'NOT_FOUND' } });
});

/**
 * Draining a node against the real test bed, through the contract, as
 * `kubectl drain` does: pods no controller recreates stop it before anything
 * is evicted; a PodDisruptionBudget holds evictions back until the timeout;
 * once it allows them the pods are evicted and replaced on another node;
 * DaemonSet pods stay; the node ends cordoned; the audit entry's undo
 * uncordons it.
 *
 * The Deployment's pods may only run on nodes carrying this run's label:
 * first only the drained node has it, then another node gets it too, so the
 * replacements have exactly one place to go.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AuditEntry, TaskSummary } from '../../shared/contract';
import type { Services } from '../../electron/services/app/createServices';
import { createTestServices, importKubeconfigAndWait } from '../support/services';
import { KWOK_TOLERATION } from '../testbed';
import { contractClient, until } from '../support/contract';
import { madeTempDir } from '../support/tempDirs';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);
const RUN = Date.now().toString(36);
const NS = `ph-it-drain-${RUN}`;
const NODES = { group: '', version: 'v1', resource: 'nodes' };
/** The seeded node nothing is pinned to: draining it disturbs no seeded workload. */
const NODE = 'gpu-h200-3';
/** Where the replacements may go once it carries the label too. */
const OTHER = 'cpu-2';
const LABEL = `pilothouse.test/drain-${RUN}`;
const TARGET = `primary-admin/nodes/${NODE}`;

let services: Services;
let connectionId = '';

async function kubectl(...args: string[]): Promise<string> {
  return (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;
}

async function apply(manifest: object): Promise<void> {
  const file = join(madeTempDir('ph-it-drain-'), 'manifest.json');
  writeFileSync(file, JSON.stringify(manifest));
  await kubectl('apply', '-f', file);
}

const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await kubectl(...args, '-o', 'json')) as T;

interface PodJson {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: { phase: string };
}
const podsOf = async (app: string) => (await json<{ items: PodJson[] }>('get', 'pods', '-n', NS, '-l', `app=${app}`)).items.filter((p) => !p.metadata.deletionTimestamp);
const cordoned = async () => Boolean((await json<{ spec: { unschedulable?: boolean } }>('get', 'node', NODE)).spec.unschedulable);

const { call: succeed, finishedTask } = contractClient(() => services, { actor: 'it', session: 'it' });

/** Drains NODE and waits for the task to end. */
async function drain(options: { timeoutSeconds: number; force?: boolean; deleteEmptyDirData?: boolean }): Promise<TaskSummary> {
  const { taskId } = await succeed('kube.drain', { connectionId, resource: NODES, name: NODE, ...options });
  return finishedTask(taskId);
}

/** The drain's own audit entry. */
const auditOf = (task: TaskSummary): AuditEntry => services.audit.list({ limit: 200 }).entries.find((e) => e.id === task.auditId)!;

const web = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: NS },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        tolerations: [KWOK_TOLERATION],
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: LABEL, operator: 'Exists' }] }] } } },
        containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10' }],
      },
    },
  },
});

const budget = (spec: { minAvailable: number } | { maxUnavailable: number }) => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web', namespace: NS },
  spec: { ...spec, selector: { matchLabels: { app: 'web' } } },
});

let webUids: string[] = [];

beforeAll(async () => {
  ({ services } = createTestServices());
  const path = primary.kubeconfigs.admin;
  const preview = await services.connections.previewKubeconfig({ kind: 'path', path });
  const { imported } = await importKubeconfigAndWait(services, { kind: 'path', path }, [{ contextName: preview.contexts[0].contextName, name: 'primary-admin', onConflict: 'replace' }], 'it');
  connectionId = imported[0].id;

  await kubectl('create', 'namespace', NS);
  await until('the default ServiceAccount', () => kubectl('get', 'serviceaccount', 'default', '-n', NS).then(() => true, () => false));
  await kubectl('label', 'node', NODE, `${LABEL}=yes`, '--overwrite');
  await apply(web(2));
  await apply(budget({ minAvailable: 2 }));
  await apply({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: NS },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { tolerations: [KWOK_TOLERATION], nodeSelector: { [LABEL]: 'yes' }, containers: [{ name: 'agent', image: 'registry.k8s.io/pause:3.10' }] },
      },
    },
  });
  const placed = await until('both web pods running on the node, and the agent', async () => {
    const pods = await podsOf('web');
    const agents = await podsOf('agent');
    const running = pods.filter((p) => p.status.phase === 'Running' && p.spec.nodeName === NODE);
    return running.length === 2 && agents.some((a) => a.status.phase === 'Running' && a.spec.nodeName === NODE) && running;
  });
  webUids = placed.map((p) => p.metadata.uid).sort();
  // Running pods stay where they are; only the replacements may now go there too.
  await kubectl('label', 'node', OTHER, `${LABEL}=yes`, '--overwrite');
  // The budget's status must count both pods healthy before it can be said to forbid anything.
  await until('the budget to count both pods', async () => (await json<{ status?: { currentHealthy?: number } }>('get', 'pdb', 'web', '-n', NS)).status?.currentHealthy === 2);
});

// Each drain starts from a schedulable node, whatever the one before left (a failed assertion included).
afterEach(async () => {
  await kubectl('uncordon', NODE).catch(() => undefined);
});

afterAll(async () => {
  await services?.close();
  // Whatever failed above: the node takes pods again, the labels go, the namespace goes.
  await kubectl('uncordon', NODE).catch(() => undefined);
  await kubectl('label', 'node', NODE, `${LABEL}-`).catch(() => undefined);
  await kubectl('label', 'node', OTHER, `${LABEL}-`).catch(() => undefined);
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('drain', () => {
  it('stops before evicting anything when a pod has no controller, naming it and the option; the audit entry still uncordons', async () => {
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'lonely', namespace: NS, labels: { app: 'lonely' } },
      spec: { nodeName: NODE, tolerations: [KWOK_TOLERATION], containers: [{ name: 'lonely', image: 'registry.k8s.io/pause:3.10' }] },
    });
    await until('the lonely pod running', async () => (await podsOf('lonely')).some((p) => p.status.phase === 'Running'));

    const task = await drain({ timeoutSeconds: 30 });
    expect(task).toMatchObject({ kind: 'node.drain', status: 'failed', error: { code: 'VALIDATION' } });
    expect(task.error?.message).toContain(`${NS}/lonely`);
    expect(task.error?.message).toContain('choose "Force" to drain anyway');
    expect(task.report?.summary).toContain(`- ${NS}/lonely: refused: it has no controller`);
    expect((await podsOf('web')).map((p) => p.metadata.uid).sort()).toEqual(webUids);
    expect(await podsOf('lonely')).toHaveLength(1);
    expect(await cordoned()).toBe(true);

    const entry = auditOf(task);
    expect(entry).toMatchObject({ action: 'node.drain', target: TARGET, status: 'failed', before: 'schedulable', after: 'cordoned', undo: { label: 'Uncordon the node' } });
    await succeed('audit.undo', { id: entry.id });
    expect(await cordoned()).toBe(false);

    await kubectl('delete', 'pod', 'lonely', '-n', NS, '--wait=true', '--timeout=30s');
  });

  it('a PodDisruptionBudget that allows no disruption holds every eviction back until the timeout: none is evicted', async () => {
    // Leftovers of other tests' namespaces on the node (a bare pod, an emptyDir) must not stop this drain.
    const task = await drain({ timeoutSeconds: 8, force: true, deleteEmptyDirData: true });
    expect(task).toMatchObject({ status: 'failed', error: { code: 'TIMEOUT' } });
    expect(task.error?.message).toMatch(/not evicted within 8 s/);
    for (const pod of await podsOf('web')) expect(task.report?.summary).toContain(`- ${NS}/${pod.metadata.name}: blocked by PodDisruptionBudget web until the timeout (8 s)`);
    expect(task.report?.lines.some((l) => l.includes('waiting for PodDisruptionBudget web'))).toBe(true);
    expect(task.report?.summary).toMatch(new RegExp(`- ${NS}/agent-[a-z0-9]+: skipped \\(DaemonSet\\)`));
    expect((await podsOf('web')).map((p) => p.metadata.uid).sort()).toEqual(webUids);
    expect(await cordoned()).toBe(true);
    // Leftovers of other tests may have been evicted; none of this test's pods was.
    const entry = auditOf(task);
    expect(entry).toMatchObject({ status: 'failed', undo: { label: 'Uncordon the node' } });
    expect(entry.detail).toMatch(/^Evicted (no pod|\d+ pods?: )/);
    expect(entry.detail).not.toContain(`${NS}/`);
  });

  it('once the budget allows one at a time, evicts both, the replacements run on the other node, the DaemonSet pod stays; undo uncordons', async () => {
    await apply(budget({ maxUnavailable: 1 }));
    const agentsBefore = (await podsOf('agent')).filter((a) => a.spec.nodeName === NODE).map((a) => a.metadata.uid);

    const task = await drain({ timeoutSeconds: 45, force: true, deleteEmptyDirData: true });
    expect(task).toMatchObject({ status: 'succeeded', result: { cordoned: true } });
    expect(task.phases.map((p) => [p.name, p.state])).toEqual([
      ['Cordon', 'done'],
      ['Evict', 'done'],
      ['Wait for pods to leave', 'done'],
    ]);
    expect(task.report?.summary).toContain('is drained and stays cordoned');

    const replacements = await until('two replacements running on the other node', async () => {
      const pods = (await podsOf('web')).filter((p) => p.status.phase === 'Running');
      return pods.length === 2 && pods.every((p) => p.spec.nodeName === OTHER) && pods;
    });
    expect(replacements.some((p) => webUids.includes(p.metadata.uid))).toBe(false);
    expect((await podsOf('agent')).filter((a) => a.spec.nodeName === NODE).map((a) => a.metadata.uid)).toEqual(agentsBefore);
    expect(await cordoned()).toBe(true);

    const entry = auditOf(task);
    expect(entry).toMatchObject({ action: 'node.drain', target: TARGET, status: 'succeeded', before: 'schedulable', after: 'cordoned', undo: { label: 'Uncordon the node' } });
    expect(entry.detail).toMatch(new RegExp(`^Evicted \\d+ pods?: .*${NS}/web-`));
    const undone = await succeed('audit.undo', { id: entry.id });
    expect(undone).toMatchObject({ action: 'node.uncordon', status: 'succeeded', undoOf: entry.id });
    expect(await cordoned()).toBe(false);
  }, 120_000);
});

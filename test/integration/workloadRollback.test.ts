/**
 * StatefulSet and DaemonSet rollback, and the rollback preview, against the
 * real test bed through the contract, checked against kubectl on twins:
 * `kubectl rollout undo` of a twin StatefulSet and DaemonSet leaves the same
 * template (and the same revision numbers) as Pilothouse's rollback, and
 * `kubectl rollout status` agrees the rollout it waited for is complete; an
 * OnDelete StatefulSet is rolled back and said to have no rollout to wait
 * for; the preview gives both templates, says no-op, paused and not kept
 * plainly, and reports a ValidatingAdmissionPolicy's refusal of its
 * server-side dry run (the rollback task is refused the same way).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isTaskFinished, type AuditEntry, type ResourceRef, type TaskSummary } from '../../shared/contract';
import type { Services } from '../../electron/services/app/createServices';
import { servicesWithCluster } from '../support/services';
import { contractClient, until } from '../support/contract';
import { madeTempDir } from '../support/tempDirs';
import { workloadManifest, type WorkloadManifestOptions } from '../support/workloads';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);
const RUN = Date.now().toString(36);
const NS = `ph-it-wlrollback-${RUN}`;
/** Cluster-scoped: named after the run, removed after it. */
const POLICY = `ph-it-freeze-${RUN}`;
const FROZEN_LABEL = `pilothouse.test/frozen-${RUN}`;
const OLD = 'registry.k8s.io/pause:3.9';
const NEW = 'registry.k8s.io/pause:3.10';
const resources = {
  StatefulSet: { group: 'apps', version: 'v1', resource: 'statefulsets' },
  DaemonSet: { group: 'apps', version: 'v1', resource: 'daemonsets' },
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments' },
} satisfies Record<string, ResourceRef>;
type Kind = keyof typeof resources;

let services: Services;
let connectionId = '';
const { call: succeed } = contractClient(() => services, { actor: 'it', session: 'it' });

const kubectl = async (...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;

async function apply(manifest: object): Promise<void> {
  const file = join(madeTempDir('ph-it-wlrollback-'), 'manifest.json');
  writeFileSync(file, JSON.stringify(manifest));
  await kubectl('apply', '-f', file);
}

/** Two pods, in a container named `main`; DaemonSets only on the general-purpose kwok nodes, to keep their pods few. */
const workload = (kind: Kind, name: string, image: string, extra: Pick<WorkloadManifestOptions, 'spec' | 'labels'> = {}) =>
  workloadManifest(kind, NS, name, image, { replicas: 2, container: 'main', ...(kind === 'DaemonSet' ? { podSpec: { nodeSelector: { 'eks.amazonaws.com/nodegroup': 'general' } } } : {}), ...extra });

/** `kubectl rollout history`'s revision numbers. */
async function kubectlRevisions(target: string): Promise<number[]> {
  const out = await kubectl('rollout', 'history', target, '-n', NS);
  return out
    .split('\n')
    .map((line) => /^(\d+)\s/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
}

/** Creates `name` at the old image, then rolls it out to the new one: revisions 1 and 2. */
async function twoRevisions(kind: Kind, name: string, extra: Parameters<typeof workload>[3] = {}): Promise<void> {
  await apply(workload(kind, name, OLD, extra));
  await until(`${name} revision 1`, async () => (await kubectlRevisions(`${kind.toLowerCase()}/${name}`)).length === 1, 60_000, 250);
  await kubectl('set', 'image', `${kind.toLowerCase()}/${name}`, `main=${NEW}`, '-n', NS);
  await until(`${name} revision 2`, async () => (await kubectlRevisions(`${kind.toLowerCase()}/${name}`)).length === 2, 60_000, 250);
}

const ref = (kind: Kind, name: string) => ({ connectionId, resource: resources[kind], namespace: NS, name });

/** Starts a rollback and waits (long enough for a DaemonSet's node-by-node update) for its task to end. */
async function rollBack(kind: Kind, name: string, toRevision?: number): Promise<TaskSummary> {
  const { taskId } = await succeed('rollouts.rollback', { ...ref(kind, name), ...(toRevision !== undefined ? { toRevision } : {}) });
  return until(
    `rollback task ${taskId} to end`,
    async () => {
      const task = await succeed('tasks.get', { id: taskId });
      return isTaskFinished(task.status) && task;
    },
    120_000,
    250,
  );
}
const auditOf = (task: TaskSummary): AuditEntry => services.audit.list({ limit: 200 }).entries.find((e) => e.id === task.auditId)!;

/** The pod template as the server has it, without what differs between twins (the app label). */
async function templateOf(kind: Kind, name: string): Promise<unknown> {
  const obj = JSON.parse(await kubectl('get', kind.toLowerCase(), name, '-n', NS, '-o', 'json')) as { spec: { template: { metadata: { labels: Record<string, string> } } } };
  const { template } = obj.spec;
  return { ...template, metadata: { ...template.metadata, labels: { ...template.metadata.labels, app: '<twin>' } } };
}
const imageOf = async (kind: Kind, name: string) => kubectl('get', kind.toLowerCase(), name, '-n', NS, '-o', 'jsonpath={.spec.template.spec.containers[0].image}');

beforeAll(async () => {
  ({ services, connectionId } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary-admin'));
  await kubectl('create', 'namespace', NS);
  await Promise.all([
    twoRevisions('StatefulSet', 'db'),
    twoRevisions('StatefulSet', 'db-twin'),
    twoRevisions('DaemonSet', 'agent'),
    twoRevisions('DaemonSet', 'agent-twin'),
    twoRevisions('StatefulSet', 'ondelete', { spec: { updateStrategy: { type: 'OnDelete' } } }),
    twoRevisions('StatefulSet', 'frozen', { labels: { [FROZEN_LABEL]: 'true' } }),
    twoRevisions('Deployment', 'paused'),
  ]);
  // Wait for the updates to finish, so that each rollback starts from a settled workload, as kubectl's twin does.
  for (const target of ['statefulset/db', 'statefulset/db-twin', 'daemonset/agent', 'daemonset/agent-twin', 'statefulset/frozen', 'deployment/paused']) {
    await kubectl('rollout', 'status', target, '-n', NS, '--timeout=90s');
  }
}, 300_000);

afterAll(async () => {
  await services?.close();
  await kubectl('delete', 'validatingadmissionpolicybinding', POLICY, '--ignore-not-found').catch(() => undefined);
  await kubectl('delete', 'validatingadmissionpolicy', POLICY, '--ignore-not-found').catch(() => undefined);
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe.each([
  ['StatefulSet', 'db', /complete/],
  ['DaemonSet', 'agent', /successfully rolled out/],
] as const)('%s rollback', (kind, name, kubectlSaysDone) => {
  it('leaves the template and revision numbers kubectl rollout undo leaves on a twin, waits until kubectl agrees the rollout is complete, and the audit undo goes back', async () => {
    const task = await rollBack(kind, name);
    expect(task).toMatchObject({ kind: 'rollouts.rollback', status: 'succeeded', result: { skipped: false, toRevision: 1 } });
    expect(task.phases.map((p) => [p.name, p.state])).toEqual([
      ['Roll back', 'done'],
      ['Wait for the rollout', 'done'],
    ]);
    expect(await kubectl('rollout', 'status', `${kind.toLowerCase()}/${name}`, '-n', NS, '--timeout=1s')).toMatch(kubectlSaysDone);
    await kubectl('rollout', 'undo', `${kind.toLowerCase()}/${name}-twin`, '-n', NS);

    expect(await imageOf(kind, name)).toBe(OLD);
    expect(await templateOf(kind, name)).toEqual(await templateOf(kind, `${name}-twin`));
    // The controller renumbers the restored revision 1 as 3, for kubectl's rollback as for ours.
    await until(`${name} and its twin renumbered`, async () => {
      const [ours, theirs] = [await kubectlRevisions(`${kind.toLowerCase()}/${name}`), await kubectlRevisions(`${kind.toLowerCase()}/${name}-twin`)];
      return ours.join() === '2,3' && theirs.join() === '2,3';
    }, 30_000, 250);
    const history = await succeed('rollouts.history', ref(kind, name));
    expect(history.revisions.find((r) => r.current)?.revision).toBe(3);

    const entry = auditOf(task);
    expect(entry).toMatchObject({
      action: 'rollouts.rollback',
      status: 'succeeded',
      before: `revision 2 (main=${NEW})`,
      after: `the template of revision 1 (main=${OLD})`,
      undo: { label: 'Roll back to revision 2' },
    });
    await succeed('audit.undo', { id: entry.id });
    await until(`${name} back on ${NEW}`, async () => (await imageOf(kind, name)) === NEW, 60_000, 250);
  }, 240_000);

  it('skips a rollback to the template it already runs, changing nothing', async () => {
    await until(`${name} settled on revision 4`, async () => (await kubectlRevisions(`${kind.toLowerCase()}/${name}`)).join() === '3,4', 60_000, 250);
    const generation = await kubectl('get', kind.toLowerCase(), name, '-n', NS, '-o', 'jsonpath={.metadata.generation}');
    const task = await rollBack(kind, name, 4);
    expect(task).toMatchObject({ status: 'succeeded', result: { skipped: true, toRevision: 4 } });
    expect(await kubectl('get', kind.toLowerCase(), name, '-n', NS, '-o', 'jsonpath={.metadata.generation}')).toBe(generation);
  }, 120_000);
});

describe('an OnDelete StatefulSet', () => {
  it('takes the template back and says plainly there is no rollout to wait for', async () => {
    const task = await rollBack('StatefulSet', 'ondelete');
    expect(task).toMatchObject({ status: 'succeeded', result: { skipped: false, toRevision: 1 } });
    expect(task.report?.summary).toContain('its update strategy is OnDelete');
    expect(await imageOf('StatefulSet', 'ondelete')).toBe(OLD);
  }, 120_000);
});

describe('rollback preview', () => {
  it('gives both pod templates as YAML, without the hash label, and a passed dry run that changed nothing', async () => {
    const generation = await kubectl('get', 'deployment', 'paused', '-n', NS, '-o', 'jsonpath={.metadata.generation}');
    const preview = await succeed('rollouts.rollbackPreview', { ...ref('Deployment', 'paused'), toRevision: 0 });
    expect(preview).toMatchObject({ toRevision: 1, currentRevision: 2, noop: false, dryRun: { ok: true } });
    expect(preview.currentTemplate).toContain(`image: ${NEW}`);
    expect(preview.targetTemplate).toContain(`image: ${OLD}`);
    expect(preview.targetTemplate).not.toContain('pod-template-hash');
    expect(await kubectl('get', 'deployment', 'paused', '-n', NS, '-o', 'jsonpath={.metadata.generation}')).toBe(generation);

    const template = await succeed('rollouts.revisionTemplate', { ...ref('StatefulSet', 'frozen'), revision: 1 });
    expect(template.yaml).toContain(`image: ${OLD}`);
    expect(template.yaml).not.toContain('$patch');
  });

  it('says when a GitOps tool manages the workload: Flux, by the field manager its kustomize-controller applies as; Argo CD, by its tracking annotation', async () => {
    expect((await succeed('rollouts.rollbackPreview', { ...ref('Deployment', 'paused'), toRevision: 0 })).managedBy).toBeUndefined();
    // Server-side apply under Flux's field manager, as Flux's kustomize-controller writes.
    const applied = join(madeTempDir('ph-it-wlrollback-'), 'flux.json');
    writeFileSync(applied, JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'paused', namespace: NS, labels: { team: 'ranking' } } }));
    await kubectl('apply', '--server-side', '--field-manager=kustomize-controller', '-f', applied);
    expect((await succeed('rollouts.rollbackPreview', { ...ref('Deployment', 'paused'), toRevision: 0 })).managedBy).toEqual({
      tool: 'Flux',
      evidence: 'field manager kustomize-controller',
      reverts: true,
    });
    await kubectl('annotate', 'deployment/paused', '-n', NS, 'argocd.argoproj.io/tracking-id=ranker-prod:apps/Deployment:ml/paused');
    expect((await succeed('rollouts.rollbackPreview', { ...ref('Deployment', 'paused'), toRevision: 0 })).managedBy).toMatchObject({ tool: 'Argo CD', name: 'ranker-prod' });
    await kubectl('annotate', 'deployment/paused', '-n', NS, 'argocd.argoproj.io/tracking-id-');
  });

  it('says a no-op, a revision not kept and a paused Deployment plainly, before anything is tried', async () => {
    expect(await succeed('rollouts.rollbackPreview', { ...ref('Deployment', 'paused'), toRevision: 2 })).toMatchObject({ noop: true, dryRun: { ok: true } });
    expect(await succeed('rollouts.rollbackPreview', { ...ref('StatefulSet', 'frozen'), toRevision: 99 })).toMatchObject({
      noop: false,
      dryRun: { ok: false, message: expect.stringContaining('Revision 99 of statefulset "frozen" is not kept') },
    });
    await kubectl('rollout', 'pause', 'deployment/paused', '-n', NS);
    expect(await succeed('rollouts.rollbackPreview', { ...ref('Deployment', 'paused'), toRevision: 0 })).toMatchObject({
      toRevision: 1,
      dryRun: { ok: false, message: expect.stringContaining('is paused: resume it first') },
    });
  });

  it('reports the cluster admission refusing the dry run, and the rollback is refused the same way, nothing changed', async () => {
    await apply({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: POLICY },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['statefulsets'] }] },
        validations: [{ expression: `!object.spec.template.spec.containers.exists(c, c.image == '${OLD}')`, message: 'pause 3.9 is frozen here' }],
      },
    });
    await apply({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: POLICY },
      spec: { policyName: POLICY, validationActions: ['Deny'], matchResources: { objectSelector: { matchLabels: { [FROZEN_LABEL]: 'true' } } } },
    });
    // The apiserver enforces a new policy once it has loaded it.
    const refused = await until(
      'the policy to refuse the dry run',
      async () => {
        const preview = await succeed('rollouts.rollbackPreview', { ...ref('StatefulSet', 'frozen'), toRevision: 1 });
        return !preview.dryRun.ok && preview;
      },
      30_000,
      500,
    );
    expect(refused).toMatchObject({ toRevision: 1, noop: false, dryRun: { ok: false, message: expect.stringContaining('pause 3.9 is frozen here') } });
    expect(refused.targetTemplate).toContain(`image: ${OLD}`);

    const task = await rollBack('StatefulSet', 'frozen', 1);
    expect(task).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('pause 3.9 is frozen here') } });
    expect(await imageOf('StatefulSet', 'frozen')).toBe(NEW);
  }, 60_000);
});

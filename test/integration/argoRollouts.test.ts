/**
 * Argo Rollouts against the real controller (v1.10.1) running on the test
 * bed's primary cluster, through the contract, each state checked against
 * the Rollout's own status (kubectl) and the kubectl plugin's `get rollout`:
 * a canary (setWeight 25, pause, setWeight 75, pause; 4 replicas) updated
 * to a new image is listed Paused at step 1 with weight 25; promote takes it
 * to the next pause (step 3, weight 75); promote --full to Healthy on the new
 * image. A second update is aborted (Degraded, weight 0, every pod back on
 * stable), retried (progressing again), and undone to revision 1. A promote
 * held to a step the Rollout has left is CONFLICT with nothing changed.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ArgoRollout, AuditEntry, ParamsIn, TaskSummary } from '../../shared/contract';
import type { Services } from '../../electron/services/app/createServices';
import { isTaskFinished } from '../../shared/contract';
import { contractClient, until } from '../support/contract';
import { servicesWithCluster } from '../support/services';
import { madeTempDir } from '../support/tempDirs';
import { KWOK_TOLERATION } from '../testbed';
import { BINARIES } from '../testbed/paths';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);
const NS = `ph-it-argo-${Date.now().toString(36)}`;
const NAME = 'ranker';
const OLD = 'registry.k8s.io/pause:3.9';
const NEW = 'registry.k8s.io/pause:3.10';
const THIRD = 'registry.k8s.io/pause:3.8';
/** How long the controller may take to move the Rollout through a step (kwok pods are Ready at once). */
const STEP_MS = 120_000;

let services: Services;
let connectionId = '';
const { call: succeed } = contractClient(() => services, { actor: 'it', session: 'it' });
/** The Rollout, as the actions address it. */
const at = () => ({ connectionId, namespace: NS, name: NAME });
const auditOf = (task: TaskSummary): AuditEntry => services.audit.list({ limit: 200 }).entries.find((e) => e.id === task.auditId)!;

const kubectl = async (...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;

/** The Rollout's status fields as kubectl reads them. */
async function statusOf(): Promise<{ phase?: string; currentStepIndex?: number; abort?: boolean; stableRS?: string; currentPodHash?: string; image: string }> {
  const ro = JSON.parse(await kubectl('get', 'rollouts.argoproj.io', NAME, '-n', NS, '-o', 'json')) as {
    spec: { template: { spec: { containers: { image: string }[] } } };
    status?: { phase?: string; currentStepIndex?: number; abort?: boolean; stableRS?: string; currentPodHash?: string };
  };
  return { ...ro.status, image: ro.spec.template.spec.containers[0].image };
}

/**
 * The kubectl plugin's `get rollout` head (Status, Message, Step, SetWeight, ActualWeight…), by field; Status without its icon.
 * The plugin has no JSON output, so its text is parsed.
 */
async function pluginGet(): Promise<Record<string, string>> {
  const { stdout } = await run(BINARIES.kubectlArgoRollouts, ['get', 'rollout', NAME, '-n', NS, '--kubeconfig', primary.kubeconfigs.admin, '--no-color']);
  const fields: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') break;
    const m = /^\s*([A-Za-z]+):\s*(.*)$/.exec(line);
    if (m) fields[m[1]] = m[2].trim();
  }
  if (fields.Status) fields.Status = fields.Status.split(/\s+/).pop()!;
  return fields;
}

/** Pilothouse's Rollout. */
async function listed(): Promise<ArgoRollout> {
  const { available, rollouts } = await succeed('rollouts.argoRollouts', { connectionId, namespace: NS });
  expect(available, 'the primary cluster serves rollouts.argoproj.io (the bed installs the Argo Rollouts CRDs)').toBe(true);
  const found = rollouts.find((r) => r.name === NAME);
  if (!found) throw new Error(`Rollout ${NAME} is not listed; listed: ${rollouts.map((r) => r.name).join(', ') || 'none'}`);
  return found;
}

/** Waits until Pilothouse lists the Rollout so and returns it. */
const listedWhen = (what: string, ok: (r: ArgoRollout) => boolean) => until(`Rollout ${what}`, async () => ((r) => ok(r) && r)(await listed()), STEP_MS, 250);

/** Pilothouse agrees with the plugin's `get rollout` on the status, message, step and weights. */
async function agreesWithPlugin(r: ArgoRollout): Promise<void> {
  const plugin = await pluginGet();
  expect({ Status: r.phase, ...(r.message ? { Message: r.message } : {}) }).toEqual({ Status: plugin.Status, ...(plugin.Message ? { Message: plugin.Message } : {}) });
  if (plugin.Step) expect(`${r.currentStepIndex}/${r.steps.length}`).toBe(plugin.Step);
  expect(String(r.setWeight)).toBe(plugin.SetWeight);
  expect(String(r.actualWeight)).toBe(plugin.ActualWeight);
}

async function started<M extends 'rollouts.argoPromote' | 'rollouts.argoAbort' | 'rollouts.argoRetry' | 'rollouts.argoUndo'>(method: M, params: ParamsIn<M>): Promise<TaskSummary> {
  const { taskId } = await succeed(method, params);
  return until(`task ${taskId} to end`, async () => ((task) => isTaskFinished(task.status) && task)(await succeed('tasks.get', { id: taskId })), STEP_MS * 2, 250);
}

async function setImage(image: string): Promise<void> {
  await kubectl('patch', 'rollouts.argoproj.io', NAME, '-n', NS, '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: image }]));
}

/** Pods of the ReplicaSet running `image` that are available, as kubectl reads the ReplicaSets. */
async function availableOf(image: string): Promise<number> {
  const list = JSON.parse(await kubectl('get', 'replicasets', '-n', NS, '-l', `app=${NAME}`, '-o', 'json')) as {
    items: { spec: { template: { spec: { containers: { image: string }[] } } }; status: { availableReplicas?: number; replicas?: number } }[];
  };
  return list.items.filter((rs) => rs.spec.template.spec.containers[0].image === image).reduce((n, rs) => n + (rs.status.availableReplicas ?? 0), 0);
}

beforeAll(async () => {
  ({ services, connectionId } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary-admin'));
  await kubectl('create', 'namespace', NS);
  const file = join(madeTempDir('ph-it-argo-'), 'rollout.json');
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: NAME, namespace: NS },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: NAME } },
        strategy: { canary: { steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 75 }, { pause: {} }] } },
        template: { metadata: { labels: { app: NAME } }, spec: { tolerations: [KWOK_TOLERATION], containers: [{ name: 'app', image: OLD }] } },
      },
    }),
  );
  // Fails here, plainly, when the bed has no Argo Rollouts CRDs: kubectl names the missing kind.
  await kubectl('apply', '-f', file);
  await until('the first revision Healthy', async () => (await statusOf()).phase === 'Healthy', STEP_MS, 250);
}, 240_000);

afterAll(async () => {
  await services?.close();
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('Argo Rollouts through their steps', () => {
  it('lists the first revision Healthy, past its steps, as the plugin shows it', async () => {
    const r = await listed();
    expect(r).toMatchObject({ strategy: 'canary', phase: 'Healthy', aborted: false, setWeight: 100, actualWeight: 100, images: { stable: [`app=${OLD}`], canary: [] } });
    expect(r.steps).toEqual([
      { kind: 'setWeight', value: '25' },
      { kind: 'pause', value: 'indefinite' },
      { kind: 'setWeight', value: '75' },
      { kind: 'pause', value: 'indefinite' },
    ]);
    expect(r.revisions.map((v) => [v.revision, v.role])).toEqual([[1, 'stable']]);
    await agreesWithPlugin(r);
  });

  it('a new image pauses at step 1 with weight 25; promote goes on to the next pause (step 3, weight 75)', async () => {
    await setImage(NEW);
    const paused = await listedWhen('paused at step 1 with weight 25 on one available canary pod', (r) => r.phase === 'Paused' && r.currentStepIndex === 1 && r.actualWeight === 25);
    expect(paused).toMatchObject({ setWeight: 25, message: 'CanaryPauseStep', images: { stable: [`app=${OLD}`], canary: [`app=${NEW}`] } });
    expect(await statusOf()).toMatchObject({ phase: 'Paused', currentStepIndex: 1 });
    await agreesWithPlugin(paused);

    // Held to a step it has left: nothing changes.
    const stale = await started('rollouts.argoPromote', { ...at(), full: false, ifCurrentStepIndex: 0 });
    expect(stale).toMatchObject({ status: 'failed', error: { code: 'CONFLICT' } });
    expect(await statusOf()).toMatchObject({ phase: 'Paused', currentStepIndex: 1 });

    const task = await started('rollouts.argoPromote', { ...at(), full: false, ifCurrentStepIndex: 1, ifGeneration: paused.generation });
    expect(task).toMatchObject({ kind: 'rollouts.argoPromote', status: 'succeeded', result: { skipped: false } });
    expect(await statusOf()).toMatchObject({ phase: 'Paused', currentStepIndex: 3 });
    const next = await listedWhen('at step 3 with weight 75', (r) => r.currentStepIndex === 3 && r.actualWeight === 75);
    expect(next).toMatchObject({ phase: 'Paused', setWeight: 75 });
    await agreesWithPlugin(next);
    expect(auditOf(task)).toMatchObject({ action: 'rollouts.argoPromote', status: 'succeeded', before: expect.stringContaining('at step 1/4, weight 25') as string, after: 'promoted (unpaused)' });
  });

  it('promote --full makes it Healthy on the new image, the canary now stable', async () => {
    const task = await started('rollouts.argoPromote', { ...at(), full: true });
    expect(task).toMatchObject({ status: 'succeeded' });
    const s = await statusOf();
    expect(s).toMatchObject({ phase: 'Healthy', image: NEW });
    expect(s.stableRS).toBe(s.currentPodHash);
    const r = await listedWhen('Healthy with every pod on the new image', (x) => x.phase === 'Healthy' && x.replicas.available === 4 && x.replicas.updated === 4);
    expect(r).toMatchObject({ setWeight: 100, actualWeight: 100, images: { stable: [`app=${NEW}`], canary: [] } });
    await agreesWithPlugin(r);
  });

  it('a second update aborted: Degraded, weight 0, every pod back on stable; the audit offers a retry; retry progresses again', async () => {
    await setImage(THIRD);
    const paused = await listedWhen('the third image paused at step 1', (r) => r.phase === 'Paused' && r.currentStepIndex === 1);

    const aborted = await started('rollouts.argoAbort', { ...at(), ifGeneration: paused.generation });
    expect(aborted).toMatchObject({ kind: 'rollouts.argoAbort', status: 'succeeded' });
    expect(await statusOf()).toMatchObject({ phase: 'Degraded', abort: true });
    await until('every pod back on the stable image', async () => (await availableOf(NEW)) === 4 && (await availableOf(THIRD)) === 0, STEP_MS, 250);
    const r = await listedWhen('aborted at weight 0', (x) => x.aborted && x.actualWeight === 0);
    expect(r).toMatchObject({ phase: 'Degraded', setWeight: 0, images: { stable: [`app=${NEW}`], canary: [] } });
    expect(r.message).toMatch(/^RolloutAborted: /);
    await agreesWithPlugin(r);
    expect(auditOf(aborted)).toMatchObject({ after: 'aborted (status.abort)', undo: { label: `Retry ${NAME}` } });

    const retried = await started('rollouts.argoRetry', { ...at(), ifGeneration: r.generation });
    expect(retried).toMatchObject({ kind: 'rollouts.argoRetry', status: 'succeeded' });
    expect((await statusOf()).abort).not.toBe(true);
    const again = await listedWhen('progressing again to its first pause', (x) => !x.aborted && x.phase === 'Paused' && x.currentStepIndex === 1);
    expect(again).toMatchObject({ setWeight: 25, images: { canary: [`app=${THIRD}`] } });
    await agreesWithPlugin(again);
  });

  it('undo to revision 1 gives the Rollout revision 1’s pod template, which it rolls out through its steps', async () => {
    const before = await listed();
    expect(before.revisions.map((v) => v.revision)).toContain(1);
    const task = await started('rollouts.argoUndo', { ...at(), toRevision: 1, ifGeneration: before.generation });
    expect(task).toMatchObject({ kind: 'rollouts.argoUndo', status: 'succeeded', result: { skipped: false } });
    expect((await statusOf()).image).toBe(OLD);
    const r = await listedWhen('rolling out revision 1’s template', (x) => x.phase === 'Paused' && x.currentStepIndex === 1 && x.images.canary.join() === `app=${OLD}`);
    expect(r.templateImages).toEqual([`app=${OLD}`]);
    await agreesWithPlugin(r);
    expect(auditOf(task)).toMatchObject({ action: 'rollouts.argoUndo', after: expect.stringContaining(`the template of revision 1 (app=${OLD})`) as string });
  });
});

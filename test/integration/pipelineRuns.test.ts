/**
 * The runs area against the test bed, through the contract: Jobs and
 * CronJobs run by the cluster's own controllers, Workflows by the Argo
 * Workflows controller (v4.0.5) running on the primary cluster, their pods
 * completed by kwok. Re-run a Job, suspend and resume a CronJob, trigger one
 * now, submit a Workflow from a spec and from a WorkflowTemplate and watch
 * each run to its end with its steps' pods; what is refused (an object
 * deleted and created again since the list, a suspended Job, a changed
 * CronJob, a cluster without Argo) changes nothing, and every attempt is in
 * the audit log.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AuditEntry, JobRun, RunsList, WorkflowRun } from '../../shared/contract';
import type { Services } from '../../electron/services/app/createServices';
import { contractClient, until } from '../support/contract';
import { importKubeconfigAndWait, servicesWithCluster } from '../support/services';
import { madeTempDir } from '../support/tempDirs';
import { KWOK_TOLERATION } from '../testbed';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);
const NS = `ph-it-runs-${Date.now().toString(36)}`;
/** How long a run may take to end: a Job's pod completes at once; a Workflow's controller looks again every second. */
const RUN_MS = 60_000;
/** A test waits for at most two runs. */
const TEST_MS = 2 * RUN_MS + 20_000;

let services: Services;
let connectionId = '';
let secondaryId = '';
const { call: succeed, failure: fail } = contractClient(() => services, { actor: 'it', session: 'it' });

const kubectl = async (...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;
const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await kubectl(...args, '-o', 'json')) as T;

async function apply(...manifests: object[]): Promise<void> {
  const file = join(madeTempDir('ph-it-runs-'), 'manifest.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }));
  await kubectl('apply', '-f', file);
}

const list = (): Promise<RunsList> => succeed('pipelineRuns.list', { connectionId, namespace: NS });

/** Lists until `pick` finds what it waits for; the failure names the controller's log, where a run that did not move says why. */
function listUntil<T>(what: string, pick: (l: RunsList) => T | undefined | false): Promise<T> {
  return until(`${what} (Argo Workflows controller log: ${bed.argoWorkflows.logFile})`, async () => pick(await list()), RUN_MS, 500);
}

const jobOf = (l: RunsList, name: string): JobRun | undefined => l.jobs.find((j) => j.name === name);
const workflowOf = (l: RunsList, name: string): WorkflowRun | undefined => l.argo.workflows.find((w) => w.name === name);
/** The newest audit entry for `action` on `target`. */
const audited = (action: string, target: string): AuditEntry | undefined => services.audit.list({ limit: 200 }).entries.find((e) => e.action === action && e.target === target);
const target = (resource: string, name: string) => `primary-admin/${NS}/${resource}/${name}`;

const podSpec = { restartPolicy: 'Never', tolerations: [KWOK_TOLERATION], containers: [{ name: 'main', image: 'busybox', command: ['true'] }] };
const job = (name: string, spec: object = {}) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: NS }, spec: { backoffLimit: 0, template: { spec: podSpec }, ...spec } });

/**
 * A Workflow as a user writes one for a real cluster: no toleration of the
 * kwok nodes, no `command` (the bed's controller is told busybox's
 * entrypoint, and gives every Workflow the toleration).
 */
const helloSpec = (labels: Record<string, string> = {}) => `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: hello-
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - name: greet
        template: say
    - - name: again
        template: say
  - name: say
    metadata:
      labels: ${JSON.stringify(labels)}
    container:
      image: busybox
      args: [echo, hello]
`;

/** The pods of a Workflow, by name and phase. */
async function workflowPods(name: string): Promise<Map<string, string>> {
  const pods = await json<{ items: { metadata: { name: string }; status: { phase: string } }[] }>('get', 'pods', '-n', NS, '-l', `workflows.argoproj.io/workflow=${name}`);
  return new Map(pods.items.map((p) => [p.metadata.name, p.status.phase]));
}

beforeAll(async () => {
  ({ services, connectionId } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary-admin'));
  const secondary = bed.clusters.secondary.kubeconfigs.admin;
  const [context] = (await services.connections.previewKubeconfig({ kind: 'path', path: secondary })).contexts;
  secondaryId = (await importKubeconfigAndWait(services, { kind: 'path', path: secondary }, [{ contextName: context.contextName, name: 'secondary-admin' }], 'it')).imported[0].id;
  await kubectl('create', 'namespace', NS);
  // Pods are refused until the namespace's default ServiceAccount exists.
  await until('the default ServiceAccount', () => kubectl('get', 'serviceaccount', 'default', '-n', NS).then(() => true, () => false));
  await apply(
    job('train'),
    job('held', { suspend: true }),
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      // Once a year, far from now: the test triggers it.
      metadata: { name: 'nightly', namespace: NS },
      spec: { schedule: '0 0 1 1 *', jobTemplate: { metadata: { labels: { app: 'nightly' } }, spec: { backoffLimit: 0, template: { spec: podSpec } } } },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'WorkflowTemplate',
      metadata: { name: 'etl', namespace: NS },
      spec: {
        entrypoint: 'main',
        templates: [
          { name: 'main', dag: { tasks: [{ name: 'extract', template: 'run' }, { name: 'load', template: 'run', dependencies: ['extract'] }] } },
          { name: 'run', container: { image: 'busybox', command: ['echo', 'ok'] } },
        ],
      },
    },
  );
});

afterAll(async () => {
  services?.close();
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('the list', { timeout: TEST_MS }, () => {
  it('shows a finished Job with its duration, the CronJob with its schedule, and Argo as installed', async () => {
    const train = await listUntil('Job train complete', (l) => jobOf(l, 'train')?.state === 'Complete' && jobOf(l, 'train'));
    expect(train).toMatchObject({ namespace: NS, manual: false, succeeded: 1, failed: 0, active: 0, podSelector: `batch.kubernetes.io/controller-uid=${train.uid}` });
    expect(train.durationMs).toBeGreaterThanOrEqual(0);
    const l = await list();
    expect(jobOf(l, 'held')).toMatchObject({ state: 'Suspended', active: 0 });
    expect(l.cronJobs).toEqual([expect.objectContaining({ name: 'nightly', schedule: '0 0 1 1 *', suspended: false, history: [] })]);
    expect(l.argo).toMatchObject({ installed: true, workflows: [], cronWorkflows: [] });
    expect(l.argo.problem).toBeUndefined();
  });

  it('on a cluster without Argo (the secondary) says so, and a submit there is refused', async () => {
    const l = await succeed('pipelineRuns.list', { connectionId: secondaryId });
    expect(l.argo).toEqual({ installed: false, workflows: [], cronWorkflows: [] });
    expect(await fail('pipelineRuns.submitWorkflow', { connectionId: secondaryId, namespace: 'default', text: helloSpec() })).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('does not serve Argo Workflows') });
    expect(audited('workflow.submit', 'secondary-admin/default/workflows/hello-*')).toMatchObject({ status: 'failed' });
  });
});

describe('re-run a Job', { timeout: TEST_MS }, () => {
  it('makes a new Job from its template, which runs to Complete beside the first, with its pods; audited', async () => {
    const train = await listUntil('Job train complete', (l) => jobOf(l, 'train')?.state === 'Complete' && jobOf(l, 'train'));
    const made = await succeed('pipelineRuns.rerunJob', { connectionId, namespace: NS, name: 'train', ifUid: train.uid });
    expect(made).toEqual({ namespace: NS, name: expect.stringMatching(/^train-rerun-[a-z0-9]{5}$/) });
    const rerun = await listUntil('the re-run complete', (l) => jobOf(l, made.name)?.state === 'Complete' && jobOf(l, made.name));
    expect(rerun).toMatchObject({ rerunOf: 'train', succeeded: 1 });
    expect(rerun.uid).not.toBe(train.uid);
    // Its own pods, not the first Job's: the copy's selector is the server's, made for it.
    const pods = await succeed('pipelineRuns.jobPods', { connectionId, namespace: NS, name: made.name, uid: rerun.uid });
    expect(pods).toEqual([expect.objectContaining({ name: expect.stringMatching(new RegExp(`^${made.name}-`)), phase: 'Succeeded' })]);
    expect(jobOf(await list(), 'train')).toMatchObject({ uid: train.uid, state: 'Complete' });
    expect(audited('job.rerun', target('jobs', 'train'))).toMatchObject({ status: 'succeeded', actor: 'it', connectionId, before: `Complete, uid ${train.uid}`, after: `created Job "${made.name}"` });
  });

  it('refuses a suspended Job, saying to resume it, and creates nothing', async () => {
    const held = jobOf(await list(), 'held')!;
    const refused = await fail('pipelineRuns.rerunJob', { connectionId, namespace: NS, name: 'held', ifUid: held.uid });
    expect(refused).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('resume it') });
    expect((await list()).jobs.filter((j) => j.name.startsWith('held'))).toHaveLength(1);
    expect(audited('job.rerun', target('jobs', 'held'))).toMatchObject({ status: 'failed', error: expect.stringContaining('suspended') });
  });

  it('refuses a Job deleted and created again since the list was read (a stale uid), and creates nothing', async () => {
    await apply(job('once'));
    const first = await listUntil('Job once complete', (l) => jobOf(l, 'once')?.state === 'Complete' && jobOf(l, 'once'));
    await kubectl('delete', 'job', 'once', '-n', NS, '--wait=true');
    await apply(job('once'));
    const again = await listUntil('Job once made anew', (l) => jobOf(l, 'once')?.uid !== first.uid && jobOf(l, 'once'));
    const refused = await fail('pipelineRuns.rerunJob', { connectionId, namespace: NS, name: 'once', ifUid: first.uid });
    expect(refused).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('deleted and created again') });
    expect((await list()).jobs.filter((j) => j.name.startsWith('once-rerun'))).toEqual([]);
    expect(audited('job.rerun', target('jobs', 'once'))).toMatchObject({ status: 'failed', error: expect.stringContaining('deleted and created again') });
    expect(again.uid).not.toBe(first.uid);
  });
});

describe('a CronJob', { timeout: TEST_MS }, () => {
  const cronJob = async () => (await list()).cronJobs.find((c) => c.name === 'nightly')!;
  const suspendedOnServer = async () => Boolean((await json<{ spec: { suspend?: boolean } }>('get', 'cronjob', 'nightly', '-n', NS)).spec.suspend);

  it('is suspended, audited with an undo that resumes it', async () => {
    const shown = await cronJob();
    expect(await succeed('pipelineRuns.setCronJobSuspended', { connectionId, namespace: NS, name: 'nightly', ifUid: shown.uid, suspend: true, ifSuspended: false })).toEqual({ suspended: true });
    expect(await suspendedOnServer()).toBe(true);
    expect(await cronJob()).toMatchObject({ suspended: true });
    const entry = audited('cronjob.suspend', target('cronjobs', 'nightly'))!;
    expect(entry).toMatchObject({ status: 'succeeded', before: 'scheduling', after: 'suspended', undo: { label: 'Resume the CronJob' } });

    const undone = await succeed('audit.undo', { id: entry.id });
    expect(undone).toMatchObject({ action: 'cronjob.resume', status: 'succeeded', before: 'suspended', after: 'scheduling', undoOf: entry.id });
    expect(await suspendedOnServer()).toBe(false);
  });

  it('is not suspended again over someone else’s change since the list, nor with a stale uid', async () => {
    const shown = await cronJob();
    expect(shown.suspended).toBe(false);
    await kubectl('patch', 'cronjob', 'nightly', '-n', NS, '--type=merge', '-p', '{"spec":{"suspend":true}}');
    const changed = await fail('pipelineRuns.setCronJobSuspended', { connectionId, namespace: NS, name: 'nightly', ifUid: shown.uid, suspend: true, ifSuspended: false });
    expect(changed).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('someone changed it') });
    const stale = await fail('pipelineRuns.setCronJobSuspended', { connectionId, namespace: NS, name: 'nightly', ifUid: 'f0f0f0f0-0000-4000-8000-000000000000', suspend: false, ifSuspended: true });
    expect(stale).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('deleted and created again') });
    expect(await suspendedOnServer()).toBe(true);
    await kubectl('patch', 'cronjob', 'nightly', '-n', NS, '--type=merge', '-p', '{"spec":{"suspend":false}}');
  });

  it('is triggered now: a Job annotated manual, owned by it, runs to Complete and is in its history; audited', async () => {
    const shown = await cronJob();
    const made = await succeed('pipelineRuns.triggerCronJob', { connectionId, namespace: NS, name: 'nightly', ifUid: shown.uid });
    expect(made.name).toMatch(/^nightly-manual-[a-z0-9]{5}$/);
    const manual = await listUntil('the triggered Job complete', (l) => jobOf(l, made.name)?.state === 'Complete' && jobOf(l, made.name));
    expect(manual).toMatchObject({ manual: true, cronJob: 'nightly', succeeded: 1 });
    expect((await cronJob()).history).toContain(made.name);
    const onServer = await json<{ metadata: { annotations: Record<string, string>; labels: Record<string, string>; ownerReferences: { kind: string; uid: string }[] } }>('get', 'job', made.name, '-n', NS);
    expect(onServer.metadata.annotations['cronjob.kubernetes.io/instantiate']).toBe('manual');
    expect(onServer.metadata.labels.app).toBe('nightly');
    expect(onServer.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'CronJob', uid: shown.uid })]);
    expect(audited('cronjob.trigger', target('cronjobs', 'nightly'))).toMatchObject({ status: 'succeeded', after: `created Job "${made.name}"` });
  });
});

describe('Argo Workflows, run by the controller on the bed', { timeout: TEST_MS }, () => {
  it('a Workflow submitted from a spec runs its steps to Succeeded, each step naming the pod that ran it; audited', async () => {
    const made = await succeed('pipelineRuns.submitWorkflow', { connectionId, namespace: NS, text: helloSpec() });
    expect(made).toEqual({ namespace: NS, name: expect.stringMatching(/^hello-[a-z0-9]{5}$/) });
    const wf = await listUntil('the Workflow succeeded', (l) => workflowOf(l, made.name)?.phase === 'Succeeded' && workflowOf(l, made.name));
    expect(wf).toMatchObject({ progress: '2/2' });
    expect(wf.durationMs).toBeGreaterThanOrEqual(0);
    const pods = (await succeed('pipelineRuns.workflowSteps', { connectionId, namespace: NS, name: made.name, uid: wf.uid })).steps.filter((s) => s.type === 'Pod');
    expect(pods.map((s) => [s.displayName, s.phase])).toEqual([
      ['greet', 'Succeeded'],
      ['again', 'Succeeded'],
    ]);
    // The names the view derives are the controller's: each is a pod of the Workflow, and it ran to the end.
    const onServer = await workflowPods(made.name);
    expect(new Map(pods.map((s) => [s.podName, onServer.get(s.podName!)]))).toEqual(new Map(pods.map((s) => [s.podName, 'Succeeded'])));
    expect(onServer.size).toBe(2);
    expect(audited('workflow.submit', target('workflows', 'hello-*'))).toMatchObject({ status: 'succeeded', before: `new Workflow in ${NS} from a spec`, after: `created Workflow "${made.name}" in ${NS}` });
  });

  it('a Workflow whose step fails (its pod exits 1) ends Failed at that step', async () => {
    const made = await succeed('pipelineRuns.submitWorkflow', { connectionId, namespace: NS, text: helloSpec({ 'pilothouse.test/fail': 'true' }) });
    const wf = await listUntil('the Workflow failed', (l) => workflowOf(l, made.name)?.phase === 'Failed' && workflowOf(l, made.name));
    const pods = (await succeed('pipelineRuns.workflowSteps', { connectionId, namespace: NS, name: made.name, uid: wf.uid })).steps.filter((s) => s.type === 'Pod');
    expect(pods).toEqual([expect.objectContaining({ displayName: 'greet', phase: 'Failed', message: expect.stringContaining('exit code 1') })]);
    expect((await workflowPods(made.name)).get(pods[0].podName!)).toBe('Failed');
  });

  it('a Workflow from a WorkflowTemplate runs its DAG to Succeeded and names the template', async () => {
    const made = await succeed('pipelineRuns.submitWorkflow', { connectionId, namespace: NS, workflowTemplate: { name: 'etl' } });
    expect(made.name).toMatch(/^etl-[a-z0-9]{5}$/);
    const wf = await listUntil('the Workflow succeeded', (l) => workflowOf(l, made.name)?.phase === 'Succeeded' && workflowOf(l, made.name));
    expect(wf.workflowTemplate).toBe('etl');
    const tasks = (await succeed('pipelineRuns.workflowSteps', { connectionId, namespace: NS, name: made.name, uid: wf.uid })).steps.filter((s) => s.type === 'Pod');
    // In the order they ran: load waits for extract.
    expect(tasks.map((s) => [s.displayName, s.phase])).toEqual([
      ['extract', 'Succeeded'],
      ['load', 'Succeeded'],
    ]);
    const onServer = await workflowPods(made.name);
    expect(tasks.map((s) => onServer.get(s.podName!))).toEqual(['Succeeded', 'Succeeded']);
    expect(audited('workflow.submit', target('workflows', 'etl-*'))).toMatchObject({ status: 'succeeded', before: `new Workflow in ${NS} from WorkflowTemplate "etl"`, after: `created Workflow "${made.name}" in ${NS}` });
  });

  it('a spec that is not one Workflow is refused before anything is created, saying why; audited as failed', async () => {
    const before = (await list()).argo.workflows.length;
    expect(await fail('pipelineRuns.submitWorkflow', { connectionId, namespace: NS, text: 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-\nspec: {}\n' })).toMatchObject({
      code: 'YAML_INVALID',
      message: expect.stringMatching(/^The workflow spec, line \d+/),
    });
    expect(await fail('pipelineRuns.submitWorkflow', { connectionId, namespace: NS, text: helloSpec().replace('kind: Workflow', 'kind: WorkflowTemplate') })).toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('submit from the template by name'),
    });
    expect(audited('workflow.submit', target('workflows', 'workflow'))).toMatchObject({ status: 'failed' });
    expect((await list()).argo.workflows.length).toBe(before);
  });
});

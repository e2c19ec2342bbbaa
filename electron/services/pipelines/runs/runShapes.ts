/**
 * Jobs, CronJobs and Argo Workflows as the runs view shows them (state,
 * times, history), and the objects the actions create: a Job re-run from
 * another's template, a Job from a CronJob's template, a Workflow from a
 * WorkflowTemplate. Pure: no server here.
 */
import { gunzipSync } from 'node:zlib';
import type { CronJobRun, CronWorkflowRun, JobRun, JobState, WorkflowRun, WorkflowStep, WorkflowStepList } from '../../../../shared/contract/pipelineRuns';
import { AppError } from '../../../../shared/result';
import type { KubeObject, ObjectMeta, OwnerReference } from '../../kube/model';

/** The annotation `kubectl create job --from=cronjob/…` sets, and the CronJob controller leaves out. */
export const MANUAL_ANNOTATION = 'cronjob.kubernetes.io/instantiate';
/** Pilothouse's mark on a Job it re-ran: the name of the Job it copied. */
export const RERUN_OF_ANNOTATION = 'pilothouse.dev/rerun-of';
/** Labels the Job controller puts on a Job and its pod template; a copy must not carry them, or it would select the old Job's pods. */
export const JOB_CONTROLLER_LABELS = ['controller-uid', 'batch.kubernetes.io/controller-uid', 'job-name', 'batch.kubernetes.io/job-name'] as const;
/** Annotations the server or kubectl write on a Job about that Job alone. */
const JOB_OWN_ANNOTATIONS = ['batch.kubernetes.io/job-tracking', 'kubectl.kubernetes.io/last-applied-configuration', 'batch.kubernetes.io/cronjob-scheduled-timestamp', MANUAL_ANNOTATION, RERUN_OF_ANNOTATION];
/** Argo's label on a Workflow a CronWorkflow made. */
const CRON_WORKFLOW_LABEL = 'workflows.argoproj.io/cron-workflow';
/** Argo's annotation saying how a Workflow's pods are named (v1: the node id; v2, the default: workflow, template and a hash). */
const POD_NAME_VERSION_ANNOTATION = 'workflows.argoproj.io/pod-name-format';
/** Longest Job name whose pods can be labelled with it (a label value is at most 63 characters). */
const MAX_JOB_NAME = 63;

interface Condition {
  type: string;
  status: string;
  message?: string;
  lastTransitionTime?: string;
}

/** The fields of a Job this module reads and copies. */
export interface BatchJob extends KubeObject {
  spec?: {
    completions?: number;
    parallelism?: number;
    suspend?: boolean;
    manualSelector?: boolean;
    selector?: unknown;
    template?: { metadata?: ObjectMeta; spec?: unknown };
    [field: string]: unknown;
  };
  status?: {
    active?: number;
    succeeded?: number;
    failed?: number;
    startTime?: string;
    completionTime?: string;
    conditions?: Condition[];
  };
}

/** The fields of a CronJob this module reads and copies. */
export interface BatchCronJob extends KubeObject {
  spec?: {
    schedule?: string;
    timeZone?: string;
    suspend?: boolean;
    jobTemplate?: { metadata?: ObjectMeta; spec?: BatchJob['spec'] };
  };
  status?: { active?: unknown[]; lastScheduleTime?: string; lastSuccessfulTime?: string };
}

/** An Argo node as the Workflow's status holds it. */
interface ArgoNode {
  id?: string;
  name?: string;
  displayName?: string;
  type?: string;
  phase?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  templateName?: string;
  templateRef?: { template?: string };
}

/** The fields of an Argo Workflow this module reads. */
export interface ArgoWorkflow extends KubeObject {
  spec?: { workflowTemplateRef?: { name?: string } };
  status?: {
    phase?: string;
    message?: string;
    progress?: string;
    startedAt?: string;
    finishedAt?: string;
    nodes?: Record<string, ArgoNode>;
    /** The nodes as base64 of gzipped JSON, when the controller compressed a large status. */
    compressedNodes?: string;
    /** Set when the nodes are in Argo's database rather than the object. */
    offloadNodeStatusVersion?: string;
  };
}

/** The fields of an Argo CronWorkflow this module reads. */
export interface ArgoCronWorkflow extends KubeObject {
  spec?: { schedule?: string; schedules?: string[]; timezone?: string; suspend?: boolean };
  status?: { active?: unknown[]; lastScheduledTime?: string };
}

/** Milliseconds from `start` to `end`, when both are times. */
export function spanMs(start: string | undefined, end: string | undefined): number | undefined {
  if (!start || !end) return undefined;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

const identity = (o: KubeObject) => ({
  namespace: o.metadata?.namespace ?? '',
  name: o.metadata?.name ?? '',
  uid: o.metadata?.uid ?? '',
  ...(o.metadata?.resourceVersion ? { resourceVersion: o.metadata.resourceVersion } : {}),
  ...(o.metadata?.creationTimestamp ? { createdAt: o.metadata.creationTimestamp } : {}),
});

/** The owner that controls an object, when it is of `kind`. */
function controllerOf(o: KubeObject, kind: string): OwnerReference | undefined {
  return o.metadata?.ownerReferences?.find((r) => r.kind === kind && r.controller);
}

/** A Job's state by its conditions, as kubectl ≥ 1.28 prints it; the in-between conditions (FailureTarget, SuccessCriteriaMet) still count as running. */
export function jobState(job: BatchJob): { state: JobState; condition?: Condition } {
  const conditions = job.status?.conditions ?? [];
  const holds = (type: string) => conditions.find((c) => c.type === type && c.status === 'True');
  if (job.metadata?.deletionTimestamp) return { state: 'Terminating' };
  const complete = holds('Complete');
  if (complete) return { state: 'Complete', condition: complete };
  const failed = holds('Failed');
  if (failed) return { state: 'Failed', condition: failed };
  if (job.spec?.suspend) return { state: 'Suspended', condition: holds('Suspended') };
  return { state: 'Running' };
}

/**
 * When a Job finished: its completionTime, or the time of its Complete or
 * Failed condition, whether or not it is being deleted since.
 */
function finishedAtOf(job: BatchJob): string | undefined {
  const done = job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  return job.status?.completionTime ?? done?.lastTransitionTime;
}

/** One Job as the runs view lists it. */
export function jobRun(job: BatchJob): JobRun {
  const { state, condition } = jobState(job);
  const st = job.status ?? {};
  const finishedAt = finishedAtOf(job);
  const durationMs = spanMs(st.startTime, finishedAt);
  // A suspended Job is not running: no time counts up for it (it starts again when resumed).
  const startedAt = state === 'Suspended' && !finishedAt ? undefined : st.startTime;
  const annotations = job.metadata?.annotations ?? {};
  const cronJob = controllerOf(job, 'CronJob')?.name;
  return {
    ...identity(job),
    ...(cronJob ? { cronJob } : {}),
    manual: annotations[MANUAL_ANNOTATION] === 'manual',
    ...(annotations[RERUN_OF_ANNOTATION] ? { rerunOf: annotations[RERUN_OF_ANNOTATION] } : {}),
    state,
    ...(state === 'Failed' && condition?.message ? { message: condition.message } : {}),
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
    ...(durationMs === undefined ? {} : { durationMs }),
    succeeded: st.succeeded ?? 0,
    failed: st.failed ?? 0,
    active: st.active ?? 0,
    ...(job.spec?.completions === undefined ? {} : { completions: job.spec.completions }),
    podSelector: `batch.kubernetes.io/controller-uid=${job.metadata?.uid ?? ''}`,
  };
}

/** Newest first by creation, then by name so the order is stable. */
export function newestFirst<T extends { createdAt?: string; name: string }>(a: T, b: T): number {
  return (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.name.localeCompare(b.name);
}

/** Names of `runs` grouped under their owner's `namespace/name`, newest first. */
function historyBy<T extends { namespace: string; name: string; createdAt?: string }>(runs: readonly T[], ownerOf: (run: T) => string | undefined): Map<string, string[]> {
  const byOwner = new Map<string, T[]>();
  for (const run of runs) {
    const owner = ownerOf(run);
    if (!owner) continue;
    const key = `${run.namespace}/${owner}`;
    byOwner.set(key, [...(byOwner.get(key) ?? []), run]);
  }
  return new Map([...byOwner].map(([key, list]) => [key, list.sort(newestFirst).map((r) => r.name)]));
}

/** CronJobs with their Jobs among `jobs` as history. */
export function cronJobRuns(cronJobs: readonly BatchCronJob[], jobs: readonly JobRun[]): CronJobRun[] {
  const history = historyBy(jobs, (j) => j.cronJob);
  return cronJobs.map((cj) => {
    const id = identity(cj);
    const st = cj.status ?? {};
    return {
      ...id,
      schedule: cj.spec?.schedule ?? '',
      ...(cj.spec?.timeZone ? { timeZone: cj.spec.timeZone } : {}),
      suspended: Boolean(cj.spec?.suspend),
      ...(st.lastScheduleTime ? { lastScheduledAt: st.lastScheduleTime } : {}),
      ...(st.lastSuccessfulTime ? { lastSucceededAt: st.lastSuccessfulTime } : {}),
      active: st.active?.length ?? 0,
      history: history.get(`${id.namespace}/${id.name}`) ?? [],
    };
  });
}

/** FNV-1a, 32 bits, of the UTF-8 bytes of `text`: the hash Argo names pods with. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * The pod a Workflow's node ran in, named as Argo's controller names it
 * (`GeneratePodName` in workflow/util/pod_name.go): the node id for format
 * v1; for v2 (the default) `<workflow>-<template>-<fnv32a(node name)>`, the
 * prefix cut at 242 characters, and the workflow's own name for its root.
 */
export function argoPodName(workflowName: string, node: ArgoNode, format: string | undefined): string | undefined {
  if (node.type !== 'Pod' || !node.name || !node.id) return undefined;
  if (format === 'v1') return node.id;
  if (node.name === workflowName) return workflowName;
  const template = node.templateName || node.templateRef?.template || '';
  const prefix = (template ? `${workflowName}-${template}` : workflowName).slice(0, 253 - 10 - 1);
  return `${prefix}-${fnv32a(node.name)}`;
}

/** Largest unpacked `status.compressedNodes` read: a Workflow of tens of thousands of nodes; past it the view says so. */
export const MAX_NODES_JSON_BYTES = 32 * 1024 * 1024;

/** A Workflow's nodes: as they are, unpacked from `compressedNodes`, or why they cannot be read. */
function nodesOf(wf: ArgoWorkflow): { nodes: Record<string, ArgoNode>; problem?: string } {
  const st = wf.status ?? {};
  if (st.nodes && Object.keys(st.nodes).length) return { nodes: st.nodes };
  if (st.compressedNodes) {
    try {
      const json = gunzipSync(Buffer.from(st.compressedNodes, 'base64'), { maxOutputLength: MAX_NODES_JSON_BYTES }).toString('utf8');
      const nodes = JSON.parse(json) as unknown;
      if (nodes && typeof nodes === 'object' && !Array.isArray(nodes)) return { nodes: nodes as Record<string, ArgoNode> };
      return { nodes: {}, problem: 'Its compressed node status is not a map of nodes: its steps cannot be shown here; use argo get' };
    } catch (err) {
      const tooLarge = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      return {
        nodes: {},
        problem: tooLarge ? `Its steps are over ${MAX_NODES_JSON_BYTES / 1024 / 1024} MB unpacked, too many to show here: use argo get` : 'Its compressed node status could not be read: its steps cannot be shown here; use argo get',
      };
    }
  }
  if (st.offloadNodeStatusVersion) return { nodes: {}, problem: 'Its steps are offloaded to the Argo server’s database, not kept in the Workflow: see them with argo get or the Argo UI' };
  return { nodes: {} };
}

/** A Workflow's nodes, in the order they started, compressed ones unpacked; `problem` when they cannot be read. */
export function workflowSteps(wf: ArgoWorkflow): WorkflowStepList {
  const id = identity(wf);
  const format = wf.metadata?.annotations?.[POD_NAME_VERSION_ANNOTATION];
  const { nodes, problem } = nodesOf(wf);
  const steps: WorkflowStep[] = Object.entries(nodes).map(([key, n]) => {
    const durationMs = spanMs(n.startedAt, n.finishedAt);
    const podName = argoPodName(id.name, { ...n, id: n.id ?? key }, format);
    return {
      id: n.id ?? key,
      name: n.name ?? key,
      displayName: n.displayName ?? n.name ?? key,
      type: n.type ?? '',
      phase: n.phase ?? '',
      ...(n.message ? { message: n.message } : {}),
      ...(n.startedAt ? { startedAt: n.startedAt } : {}),
      ...(n.finishedAt ? { finishedAt: n.finishedAt } : {}),
      ...(durationMs === undefined ? {} : { durationMs }),
      ...(podName ? { podName } : {}),
    };
  });
  steps.sort((a, b) => (a.startedAt ?? '\uffff').localeCompare(b.startedAt ?? '\uffff') || a.name.localeCompare(b.name));
  return { steps, ...(problem ? { problem } : {}) };
}

/** One Workflow, without its steps (see {@link workflowSteps}): the list stays small however many nodes each has. */
export function workflowRun(wf: ArgoWorkflow): WorkflowRun {
  const st = wf.status ?? {};
  const id = identity(wf);
  const durationMs = spanMs(st.startedAt, st.finishedAt);
  const cronWorkflow = wf.metadata?.labels?.[CRON_WORKFLOW_LABEL] ?? controllerOf(wf, 'CronWorkflow')?.name;
  const template = wf.spec?.workflowTemplateRef?.name;
  return {
    ...id,
    phase: st.phase ?? '',
    ...(st.message ? { message: st.message } : {}),
    ...(st.progress ? { progress: st.progress } : {}),
    ...(st.startedAt ? { startedAt: st.startedAt } : {}),
    ...(st.finishedAt ? { finishedAt: st.finishedAt } : {}),
    ...(durationMs === undefined ? {} : { durationMs }),
    ...(cronWorkflow ? { cronWorkflow } : {}),
    ...(template ? { workflowTemplate: template } : {}),
    ...(st.offloadNodeStatusVersion && !st.compressedNodes && !Object.keys(st.nodes ?? {}).length ? { nodesOffloaded: true } : {}),
  };
}

/** CronWorkflows with their Workflows among `workflows` as history. */
export function cronWorkflowRuns(cronWorkflows: readonly ArgoCronWorkflow[], workflows: readonly WorkflowRun[]): CronWorkflowRun[] {
  const history = historyBy(workflows, (w) => w.cronWorkflow);
  return cronWorkflows.map((cw) => {
    const id = identity(cw);
    const spec = cw.spec ?? {};
    return {
      ...id,
      schedules: spec.schedules?.length ? spec.schedules : spec.schedule ? [spec.schedule] : [],
      ...(spec.timezone ? { timeZone: spec.timezone } : {}),
      suspended: Boolean(spec.suspend),
      ...(cw.status?.lastScheduledTime ? { lastScheduledAt: cw.status.lastScheduledTime } : {}),
      active: cw.status?.active?.length ?? 0,
      history: history.get(`${id.namespace}/${id.name}`) ?? [],
    };
  });
}

/** A short random suffix of lower-case letters and digits, as generateName adds. */
export function shortSuffix(random: () => number = Math.random): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from({ length: 5 }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
}

/** `<base>-<tag>-<suffix>`, the base cut so the whole stays a valid Job name that can label its pods. */
export function derivedJobName(base: string, tag: string, suffix: string): string {
  const tail = `-${tag}-${suffix}`;
  return `${base.slice(0, MAX_JOB_NAME - tail.length).replace(/[-.]+$/, '')}${tail}`;
}

const without = (record: Record<string, string> | undefined, keys: readonly string[]): Record<string, string> | undefined => {
  if (!record) return undefined;
  const kept = Object.fromEntries(Object.entries(record).filter(([k]) => !keys.includes(k)));
  return Object.keys(kept).length ? kept : undefined;
};

/** A Job spec to create again: no selector (the server makes one for the new Job), no controller labels in the template, not suspended. */
function freshJobSpec(spec: NonNullable<BatchJob['spec']>): NonNullable<BatchJob['spec']> {
  const { selector: _selector, manualSelector: _manual, suspend: _suspend, template, ...rest } = spec;
  const labels = without(template?.metadata?.labels, JOB_CONTROLLER_LABELS);
  const { labels: _labels, ...templateMeta } = template?.metadata ?? {};
  return { ...rest, template: { ...template, metadata: { ...templateMeta, ...(labels ? { labels } : {}) } } };
}

/**
 * A new Job like `job`, to run its pods again. Its CronJob owner, if any, is
 * kept (not blocking deletion, as kubectl makes it), so the re-run shows in
 * that CronJob's history and goes when it goes; any other owner is dropped:
 * that controller did not make this Job and would count it as its own.
 *
 * @throws AppError CONFLICT while the Job runs or is suspended; VALIDATION for a manual selector, which would take the old Job's pods.
 */
export function rerunJobBody(job: BatchJob, suffix: string): BatchJob {
  const name = job.metadata?.name ?? '';
  const { state } = jobState(job);
  if (state === 'Running') throw new AppError('CONFLICT', `Job "${name}" is still running: wait until it has finished, or delete it, before running it again`);
  if (state === 'Suspended') throw new AppError('CONFLICT', `Job "${name}" is suspended, not finished: resume it instead of running it again`);
  if (state === 'Terminating') throw new AppError('CONFLICT', `Job "${name}" is being deleted: it can no longer be run again`);
  if (job.spec?.manualSelector) {
    throw new AppError('VALIDATION', `Job "${name}" chooses its pods with a manual selector, which a copy would share with it; re-create it from its own spec instead`);
  }
  if (!job.spec?.template) throw new AppError('VALIDATION', `Job "${name}" has no pod template to run again`);
  const meta = job.metadata ?? {};
  const cron = controllerOf(job, 'CronJob');
  const labels = without(meta.labels, JOB_CONTROLLER_LABELS);
  const annotations = { ...without(meta.annotations, JOB_OWN_ANNOTATIONS), [RERUN_OF_ANNOTATION]: name };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: derivedJobName(name, 'rerun', suffix),
      namespace: meta.namespace,
      ...(labels ? { labels } : {}),
      annotations,
      ...(cron ? { ownerReferences: [{ apiVersion: cron.apiVersion, kind: cron.kind, name: cron.name, uid: cron.uid, controller: true }] } : {}),
    },
    spec: freshJobSpec(job.spec),
  };
}

/** A Job from the CronJob's template now, as `kubectl create job --from=cronjob/<name>` makes it: annotated manual, controlled by the CronJob. */
export function manualJobBody(cronJob: BatchCronJob, suffix: string): BatchJob {
  const meta = cronJob.metadata ?? {};
  const name = meta.name ?? '';
  const template = cronJob.spec?.jobTemplate;
  if (!template?.spec?.template) throw new AppError('VALIDATION', `CronJob "${name}" has no job template to run`);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: derivedJobName(name, 'manual', suffix),
      namespace: meta.namespace,
      ...(template.metadata?.labels ? { labels: template.metadata.labels } : {}),
      annotations: { ...template.metadata?.annotations, [MANUAL_ANNOTATION]: 'manual' },
      // Not blocking the owner's deletion, as kubectl: that needs the cronjobs/finalizers permission too.
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name, uid: meta.uid ?? '', controller: true }],
    },
    spec: template.spec,
  };
}

/** A Workflow that runs a WorkflowTemplate (or ClusterWorkflowTemplate), named `<template>-xxxxx` by the server. */
export function workflowFromTemplate(namespace: string, template: { name: string; clusterScope: boolean }): KubeObject {
  const metadata: Record<string, string> = { generateName: `${template.name.slice(0, 52)}-`, namespace };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata,
    spec: { workflowTemplateRef: { name: template.name, ...(template.clusterScope ? { clusterScope: true } : {}) } },
  };
}

/**
 * The runs of one connection: Jobs, CronJobs and, where the cluster serves
 * Argo's CRDs, Workflows and CronWorkflows, each read page by page (a busy
 * cluster keeps tens of thousands of finished Jobs) and bounded to the
 * newest {@link MAX_RUNS_PER_KIND}.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { MAX_RUNS_PER_KIND, type ResourceRef, type RunPod, type RunsList, type WorkflowStepList } from '../../../../shared/contract';
import { AppError } from '../../../../shared/result';
import { objectPath, type KubeAccess } from '../../kube/client/kubeAccess';
import { kubeStatusError } from '../../kube/client/kubeErrors';
import { kubeList, kubeRequest } from '../../kube/client/kubeHttp';
import type { KubeObject, PodObject } from '../../kube/model';
import { cronJobRuns, cronWorkflowRuns, jobRun, newestFirst, workflowRun, workflowSteps, type ArgoCronWorkflow, type ArgoWorkflow, type BatchCronJob, type BatchJob } from './runShapes';

/** Objects per list request. */
export const PAGE_SIZE = 500;
/** Longest silence on a list's socket. */
const LIST_TIMEOUT_MS = 30_000;

export const JOBS: ResourceRef = { group: 'batch', version: 'v1', resource: 'jobs' };
export const CRON_JOBS: ResourceRef = { group: 'batch', version: 'v1', resource: 'cronjobs' };
export const WORKFLOWS: ResourceRef = { group: 'argoproj.io', version: 'v1alpha1', resource: 'workflows' };
export const CRON_WORKFLOWS: ResourceRef = { group: 'argoproj.io', version: 'v1alpha1', resource: 'cronworkflows' };
export const WORKFLOW_TEMPLATES: ResourceRef = { group: 'argoproj.io', version: 'v1alpha1', resource: 'workflowtemplates' };
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods' };

/** The newest `max` of what was offered, and how many older ones were dropped. Holds at most twice `max` at a time. */
export class NewestKept<T extends { createdAt?: string; name: string }> {
  private items: T[] = [];
  private dropped = 0;

  constructor(private readonly max: number) {}

  add(item: T): void {
    this.items.push(item);
    if (this.items.length >= 2 * this.max) this.trim();
  }

  result(): { items: T[]; leftOut: number } {
    this.trim();
    return { items: this.items, leftOut: this.dropped };
  }

  private trim(): void {
    this.items.sort(newestFirst);
    if (this.items.length > this.max) this.dropped += this.items.splice(this.max).length;
  }
}

/** An object kept whole until its history can be attached, with what {@link NewestKept} orders by. */
const held = <T extends KubeObject>(object: T) => ({ name: object.metadata?.name ?? '', createdAt: object.metadata?.creationTimestamp, object });

/** Every object of `resource` (in `namespace`, or all), page by page, each shaped as it arrives; the newest `max` kept. */
export async function listNewest<T extends { createdAt?: string; name: string }>(
  kc: KubeConfig,
  resource: ResourceRef,
  namespace: string | undefined,
  shape: (o: KubeObject) => T,
  max: number,
  signal?: AbortSignal,
): Promise<{ items: T[]; leftOut: number }> {
  const kept = new NewestKept<T>(max);
  let token: string | undefined;
  do {
    const query = `?limit=${PAGE_SIZE}${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
    const res = await kubeList(kc, objectPath(resource, namespace) + query, { gzip: true, timeoutMs: LIST_TIMEOUT_MS, signal, onItem: (item) => kept.add(shape(item as KubeObject)) });
    if (res.status !== 200) throw kubeStatusError(`listing ${resource.resource}${namespace ? ` in ${namespace}` : ''}`, res.status, res.body);
    token = res.body.metadata?.continue || undefined;
  } while (token);
  return kept.result();
}

/**
 * Whether the cluster serves Argo Workflows. `listed`: as the last discovery
 * says (asked again in the background once old, so a list read every few
 * seconds does not walk every API group each time while Argo is absent);
 * otherwise the server is asked when the last discovery does not list them
 * (a CRD installed since), as an action on them should.
 */
export async function argoInstalled(access: Pick<KubeAccess, 'discover' | 'resolve'>, connectionId: string, { listed = false } = {}): Promise<boolean> {
  if (listed) {
    const { resources } = await access.discover(connectionId, { reuse: true });
    return resources.some((r) => r.group === WORKFLOWS.group && r.resource === WORKFLOWS.resource);
  }
  try {
    await access.resolve(connectionId, WORKFLOWS);
    return true;
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return false;
    throw err;
  }
}

/** Jobs and CronJobs, and Workflows and CronWorkflows where served, of one connection. */
export async function listRuns(access: Pick<KubeAccess, 'config' | 'discover' | 'resolve'>, connectionId: string, namespace: string | undefined, max = MAX_RUNS_PER_KIND): Promise<RunsList> {
  const kc = await access.config(connectionId);
  const listedAt = new Date().toISOString();
  const [jobs, cronJobs, argo] = await Promise.all([
    listNewest(kc, JOBS, namespace, (o) => jobRun(o as BatchJob), max),
    listNewest(kc, CRON_JOBS, namespace, (o) => held(o as BatchCronJob), max),
    listArgo(access, kc, connectionId, namespace, max),
  ]);
  return {
    jobs: jobs.items,
    cronJobs: cronJobRuns(cronJobs.items.map((c) => c.object), jobs.items),
    argo: argo.list,
    leftOut: { jobs: jobs.leftOut, cronJobs: cronJobs.leftOut, workflows: argo.leftOut.workflows, cronWorkflows: argo.leftOut.cronWorkflows },
    listedAt,
  };
}

/** Argo's part: not installed, listed, or (no access, say) a problem beside the rest. */
async function listArgo(access: Pick<KubeAccess, 'discover' | 'resolve'>, kc: KubeConfig, connectionId: string, namespace: string | undefined, max: number) {
  const none = { workflows: 0, cronWorkflows: 0 };
  if (!(await argoInstalled(access, connectionId, { listed: true }))) return { list: { installed: false, workflows: [], cronWorkflows: [] }, leftOut: none };
  try {
    const [workflows, cronWorkflows] = await Promise.all([
      listNewest(kc, WORKFLOWS, namespace, (o) => workflowRun(o as ArgoWorkflow), max),
      listNewest(kc, CRON_WORKFLOWS, namespace, (o) => held(o as ArgoCronWorkflow), max),
    ]);
    return {
      list: { installed: true, workflows: workflows.items, cronWorkflows: cronWorkflowRuns(cronWorkflows.items.map((c) => c.object), workflows.items) },
      leftOut: { workflows: workflows.leftOut, cronWorkflows: cronWorkflows.leftOut },
    };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { list: { installed: true, workflows: [], cronWorkflows: [], problem: err.message }, leftOut: none };
  }
}

/** Most pods of one Job read for "Logs": pages of {@link PAGE_SIZE}; past it, the newest of those read. */
export const MAX_JOB_POD_PAGES = 10;

/**
 * A Job's pods (by its controller uid), newest first: every page up to
 * {@link MAX_JOB_POD_PAGES} (the server lists them by name, not age, so the
 * newest may be on any page), the newest {@link PAGE_SIZE} kept.
 */
export async function listJobPods(kc: KubeConfig, namespace: string, uid: string): Promise<RunPod[]> {
  const kept = new NewestKept<RunPod>(PAGE_SIZE);
  const selector = encodeURIComponent(`batch.kubernetes.io/controller-uid=${uid}`);
  let token: string | undefined;
  let pages = 0;
  do {
    const res = await kubeList(kc, `${objectPath(PODS, namespace)}?labelSelector=${selector}&limit=${PAGE_SIZE}${token ? `&continue=${encodeURIComponent(token)}` : ''}`, {
      timeoutMs: LIST_TIMEOUT_MS,
      onItem: (item) => {
        const pod = item as PodObject;
        kept.add({
          name: pod.metadata?.name ?? '',
          phase: pod.status?.phase ?? 'Unknown',
          ...(pod.metadata?.creationTimestamp ? { createdAt: pod.metadata.creationTimestamp } : {}),
        });
      },
    });
    if (res.status !== 200) throw kubeStatusError(`listing the pods of a Job in ${namespace}`, res.status, res.body);
    token = res.body.metadata?.continue || undefined;
  } while (token && ++pages < MAX_JOB_POD_PAGES);
  return kept.result().items;
}

/** The steps of one Workflow, read when the view expands it; NOT_FOUND when gone, CONFLICT when another of its name stands there now. */
export async function readWorkflowSteps(kc: KubeConfig, namespace: string, name: string, uid: string): Promise<WorkflowStepList> {
  const label = `Workflow "${name}" in ${namespace}`;
  const res = await kubeRequest<ArgoWorkflow>(kc, objectPath(WORKFLOWS, namespace, name), { gzip: true, timeoutMs: LIST_TIMEOUT_MS });
  if (res.status === 404) throw new AppError('NOT_FOUND', `${label} is gone: it was deleted since the list was read`);
  if (res.status !== 200) throw kubeStatusError(`reading ${label}`, res.status, res.body);
  if (res.body.metadata?.uid !== uid) throw new AppError('CONFLICT', `${label} was deleted and created again since the list was read: refresh the list`);
  return workflowSteps(res.body);
}

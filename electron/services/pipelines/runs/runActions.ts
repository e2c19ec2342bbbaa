/**
 * The audited actions on runs: re-run a Job, suspend or resume a CronJob,
 * trigger a CronJob now, submit an Argo Workflow. Each reads the object
 * first (the audit entry says what it was), refuses when it is not the one
 * the view showed, and leaves an entry for every attempt on a known
 * connection, failures included.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { CreatedJob, ParamsOf } from '../../../../shared/contract';
import { AppError } from '../../../../shared/result';
import { audited, type AuditedSteps } from '../../audit/audited';
import type { AuditService } from '../../audit/auditService';
import type { ConnectionService } from '../../connections/connectionService';
import { auditTarget, connectionNameOf } from '../../kube/actions/kubeActionTarget';
import { objectPath, type KubeAccess } from '../../kube/client/kubeAccess';
import { kubeStatusError } from '../../kube/client/kubeErrors';
import { changedMeanwhile, type JsonPatchOp } from '../../kube/client/guardedPatch';
import { kubeRequest } from '../../kube/client/kubeHttp';
import type { KubeObject } from '../../kube/model';
import type { Logger } from '../../logging/logger';
import { checkConfirmation } from '../applyTask';
import { parseSpec } from '../specDocuments';
import { argoInstalled, CRON_JOBS, JOBS, WORKFLOWS } from './runLists';
import { jobState, manualJobBody, rerunJobBody, shortSuffix, workflowFromTemplate, type BatchCronJob, type BatchJob } from './runShapes';

export interface RunActionsDeps {
  access: Pick<KubeAccess, 'config' | 'discover' | 'resolve'>;
  audit: Pick<AuditService, 'record'>;
  connections: Pick<ConnectionService, 'list'>;
  log: Logger;
  /** The random part of new Job names; Math.random by default. */
  random?: () => number;
}

export interface RunActions {
  rerunJob(params: ParamsOf<'pipelineRuns.rerunJob'>, actor: string): Promise<CreatedJob>;
  setCronJobSuspended(params: ParamsOf<'pipelineRuns.setCronJobSuspended'>, actor: string): Promise<{ suspended: boolean }>;
  triggerCronJob(params: ParamsOf<'pipelineRuns.triggerCronJob'>, actor: string): Promise<CreatedJob>;
  submitWorkflow(params: ParamsOf<'pipelineRuns.submitWorkflow'>, actor: string): Promise<{ namespace: string; name: string }>;
}

const ARGO_API = 'argoproj.io/v1alpha1';

export function createRunActions(deps: RunActionsDeps): RunActions {
  const { access, audit, connections, log } = deps;
  const random = deps.random ?? Math.random;

  /** {@link audited}, named in the entry under its connection; an unknown connection is refused before anything is recorded. */
  async function auditedChange<S, T>(actor: string, at: { connectionId: string; namespace: string; resource: string; name: string }, action: string, steps: AuditedSteps<S, T>): Promise<T> {
    const connectionName = connectionNameOf(connections, at.connectionId);
    const target = auditTarget(connectionName, at.namespace, at.resource, at.name);
    const result = await audited(audit, { actor, action, target, connectionId: at.connectionId, connectionName }, steps);
    log.info('pipeline run action done', { action, target });
    return result;
  }

  /**
   * Reads the object the view showed; NOT_FOUND when gone, CONFLICT when
   * another of the same name stands there now or (`ifResourceVersion`) it
   * was changed since.
   */
  async function readShown<T extends KubeObject>(kc: KubeConfig, path: string, label: string, shown: { ifUid: string; ifResourceVersion?: string }): Promise<T> {
    const res = await kubeRequest<T>(kc, path);
    if (res.status === 404) throw new AppError('NOT_FOUND', `${label} is gone: it was deleted since the list was read`);
    if (res.status !== 200) throw kubeStatusError(`reading ${label}`, res.status, res.body);
    if (res.body.metadata?.uid !== shown.ifUid) throw new AppError('CONFLICT', `${label} was deleted and created again since: nothing was done`);
    if (shown.ifResourceVersion !== undefined && res.body.metadata?.resourceVersion !== shown.ifResourceVersion) {
      throw new AppError('CONFLICT', `${label} was changed since the list was read: nothing was done. Refresh the list, check it, and try again`);
    }
    return res.body;
  }

  async function create<T extends KubeObject>(kc: KubeConfig, path: string, body: KubeObject, what: string, exists = `${what}: an object of that name exists already; try again`): Promise<T> {
    const res = await kubeRequest<T>(kc, path, { method: 'POST', body });
    if (res.status === 409) throw new AppError('CONFLICT', exists);
    if (res.status !== 201 && res.status !== 200) throw kubeStatusError(what, res.status, res.body);
    return res.body;
  }

  return {
    async rerunJob(params, actor) {
      const { connectionId, namespace, name, ifUid } = params;
      const label = `Job "${name}" in ${namespace}`;
      checkConfirmation(connections, params);
      return auditedChange(actor, { connectionId, namespace, resource: 'jobs', name }, 'job.rerun', {
        async prepare() {
          const kc = await access.config(connectionId);
          const job = await readShown<BatchJob>(kc, objectPath(JOBS, namespace, name), label, params);
          const body = rerunJobBody(job, shortSuffix(random));
          return { before: `${jobState(job).state}, uid ${ifUid}`, state: { kc, body } };
        },
        async act({ kc, body }) {
          const made = await create<BatchJob>(kc, objectPath(JOBS, namespace), body, `creating a re-run of ${label}`);
          return { namespace, name: made.metadata?.name ?? '' };
        },
        after: (made) => `created Job "${made.name}"`,
      });
    },

    async setCronJobSuspended(params, actor) {
      const { connectionId, namespace, name, ifUid, suspend, ifSuspended } = params;
      const label = `CronJob "${name}" in ${namespace}`;
      checkConfirmation(connections, params);
      const words = (s: boolean) => (s ? 'suspended' : 'scheduling');
      const done = await auditedChange<{ kc: KubeConfig; path: string; had: boolean }, { suspended: boolean; uid: string }>(actor, { connectionId, namespace, resource: 'cronjobs', name }, suspend ? 'cronjob.suspend' : 'cronjob.resume', {
        async prepare() {
          const kc = await access.config(connectionId);
          const path = objectPath(CRON_JOBS, namespace, name);
          const cronJob = await readShown<BatchCronJob>(kc, path, label, params);
          const was = Boolean(cronJob.spec?.suspend);
          if (was !== ifSuspended) throw new AppError('CONFLICT', `${label} is ${was ? 'suspended' : 'not suspended'} now: someone changed it since the list was read. Nothing was changed`);
          if (was === suspend) throw new AppError('CONFLICT', `${label} is already ${was ? 'suspended' : 'resumed'}`);
          return { before: words(was), state: { kc, path, had: cronJob.spec?.suspend !== undefined } };
        },
        async act({ kc, path, had }) {
          // The guard is in the patch itself: it lands only on this object, still as it was read.
          const patch: JsonPatchOp[] = [
            { op: 'test', path: '/metadata/uid', value: ifUid },
            ...(had ? [{ op: 'test', path: '/spec/suspend', value: ifSuspended } as const] : []),
            { op: had ? 'replace' : 'add', path: '/spec/suspend', value: suspend },
          ];
          const res = await kubeRequest<BatchCronJob>(kc, path, { method: 'PATCH', patch: 'json', body: patch });
          if (res.status !== 200) {
            if (await changedMeanwhile(kc, path, patch, res)) throw new AppError('CONFLICT', `${label} was changed by someone else just now. Nothing was changed`);
            throw kubeStatusError(`${suspend ? 'suspending' : 'resuming'} ${label}`, res.status, res.body);
          }
          return { suspended: Boolean(res.body.spec?.suspend), uid: res.body.metadata?.uid ?? ifUid };
        },
        after: ({ suspended }) => words(suspended),
        undo: ({ suspended, uid }) => ({
          method: 'pipelineRuns.setCronJobSuspended',
          // The production name typed for the change goes with its undo: the audit log's Undo is itself a confirmed choice.
          params: { connectionId, namespace, name, ifUid: uid, suspend: !suspended, ifSuspended: suspended, ...(params.confirmName === undefined ? {} : { confirmName: params.confirmName }) },
          label: suspended ? 'Resume the CronJob' : 'Suspend the CronJob again',
        }),
      });
      return { suspended: done.suspended };
    },

    async triggerCronJob(params, actor) {
      const { connectionId, namespace, name } = params;
      const label = `CronJob "${name}" in ${namespace}`;
      checkConfirmation(connections, params);
      return auditedChange(actor, { connectionId, namespace, resource: 'cronjobs', name }, 'cronjob.trigger', {
        async prepare() {
          const kc = await access.config(connectionId);
          const cronJob = await readShown<BatchCronJob>(kc, objectPath(CRON_JOBS, namespace, name), label, params);
          const body = manualJobBody(cronJob, shortSuffix(random));
          return { before: `${cronJob.status?.active?.length ?? 0} active`, state: { kc, body } };
        },
        async act({ kc, body }) {
          const made = await create<BatchJob>(kc, objectPath(JOBS, namespace), body, `creating a Job from ${label}`);
          return { namespace, name: made.metadata?.name ?? '' };
        },
        after: (made) => `created Job "${made.name}"`,
      });
    },

    async submitWorkflow(params, actor) {
      const { connectionId, namespace, text, workflowTemplate } = params;
      checkConfirmation(connections, params);
      // Read before the audit so its entry names the Workflow (`hello-*` for a generated name); a spec that cannot be read is still recorded, as "workflow".
      let body: KubeObject | undefined;
      let unreadable: unknown;
      try {
        body = workflowTemplate ? workflowFromTemplate(namespace, workflowTemplate) : workflowFromText(text ?? '', namespace);
      } catch (err) {
        unreadable = err;
      }
      const meta: { name?: string; generateName?: string } = body?.metadata ?? {};
      const shownName = meta.name ?? (meta.generateName ? `${meta.generateName}*` : 'workflow');
      return auditedChange(actor, { connectionId, namespace, resource: 'workflows', name: shownName }, 'workflow.submit', {
        async prepare() {
          if (!body) throw unreadable;
          if (!(await argoInstalled(access, connectionId))) throw new AppError('NOT_FOUND', 'This cluster does not serve Argo Workflows (no workflows.argoproj.io): install Argo Workflows first');
          const kc = await access.config(connectionId);
          const from = workflowTemplate ? `from ${workflowTemplate.clusterScope ? 'ClusterWorkflowTemplate' : 'WorkflowTemplate'} "${workflowTemplate.name}"` : 'from a spec';
          return { before: `new Workflow in ${namespace} ${from}`, state: { kc, body } };
        },
        async act({ kc, body }) {
          const exists = meta.name ? `A Workflow named "${meta.name}" exists in ${namespace} already: delete it first, or give the spec metadata.generateName (e.g. "${meta.name}-") so each submit makes a new one` : undefined;
          const made = await create<KubeObject>(kc, objectPath(WORKFLOWS, namespace), body, `creating a Workflow in ${namespace}`, exists);
          return { namespace, name: made.metadata?.name ?? '' };
        },
        after: (made) => `created Workflow "${made.name}" in ${made.namespace}`,
      });
    },
  };
}

/**
 * The one Workflow document of a spec, for a create in `namespace`: YAML
 * problems, anything but exactly one Workflow, and a Workflow naming
 * another namespace refused with what to change.
 */
export function workflowFromText(text: string, namespace: string): KubeObject {
  const spec = parseSpec(text, 'The workflow spec');
  const first = spec.problems[0];
  if (first) throw new AppError('YAML_INVALID', `The workflow spec, line ${first.line}${first.column ? `, column ${first.column}` : ''}: ${first.message}`, { file: 'workflow spec', line: first.line, ...(first.column ? { column: first.column } : {}) });
  if (spec.documents.length !== 1) throw new AppError('VALIDATION', `The spec holds ${spec.documents.length} documents: submit one Workflow at a time`);
  const [doc] = spec.documents;
  if (doc.kind === 'WorkflowTemplate' || doc.kind === 'ClusterWorkflowTemplate') {
    throw new AppError('VALIDATION', `This is a ${doc.kind}, not a Workflow: apply it from the spec library, then submit from the template by name`);
  }
  if (doc.apiVersion !== ARGO_API || doc.kind !== 'Workflow') throw new AppError('VALIDATION', `The spec is a ${doc.apiVersion} ${doc.kind}: only an ${ARGO_API} Workflow can be submitted`);
  // As `kubectl create -n`: the namespace chosen is where it goes, and a spec naming another is refused rather than followed.
  if (doc.namespace !== undefined && doc.namespace !== namespace) {
    throw new AppError('VALIDATION', `The Workflow names namespace "${doc.namespace}" but it is being submitted to "${namespace}": choose ${doc.namespace} in the dialog, or remove metadata.namespace from the spec. Nothing was submitted`);
  }
  const metadata = { ...(doc.object.metadata as Record<string, unknown>), namespace };
  return { ...doc.object, metadata } as KubeObject;
}

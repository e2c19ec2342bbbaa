/**
 * Argo CD Applications (argo-cd v3.2): read as `argocd app get` / `app
 * history` show them, and synced to a revision as the API server's `Sync`
 * does for `argocd app sync --revision` (server/application/application.go):
 * refused when automated sync tracks another revision, the `operation` set
 * only when none is pending (`argo.SetAppOperation`), `status.operationState`
 * cleared with it. Here that is one guarded JSON patch, held to the
 * resourceVersion read (and the one the user saw). Argo CD's controller
 * performs the sync; without it the request waits on the Application.
 */
import {
  ArgoCdApplication,
  type ArgoCdApplicationParams,
  type ArgoCdApplicationResult,
  type ArgoCdHistoryEntry,
  type ArgoCdSource,
  type ArgoCdSyncParams,
  type ArgoCdSyncRequested,
  type ResourceRef,
} from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { AuditService } from '../audit/auditService';
import type { ConnectionService } from '../connections/connectionService';
import { auditTarget, connectionNameOf } from '../kube/actions/kubeActionTarget';
import { objectPath, type KubeAccess } from '../kube/client/kubeAccess';
import { changedMeanwhile, type JsonPatchOp } from '../kube/client/guardedPatch';
import { kubeRequest } from '../kube/client/kubeHttp';
import { kubeStatusError } from '../kube/client/kubeErrors';
import { readObject } from './trafficPairs';

/** Applications, as Argo CD addresses them. */
export const APPLICATIONS: ResourceRef = { group: 'argoproj.io', version: 'v1alpha1', resource: 'applications' };

/** An Application as stored; every field may be missing or of another type (anyone with write access may have written it). */
export type ApplicationObject = Record<string, unknown>;

const TEXT_MAX = 1024;
const HISTORY_MAX = 1000;
const LIST_MAX = 32;

const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** A string field, cut to the contract's bound; undefined when absent or not a string. */
const text = (v: unknown): string | undefined => (typeof v === 'string' ? (v.length > TEXT_MAX ? `${v.slice(0, TEXT_MAX - 1)}…` : v) : undefined);
/** An id as the contract takes it: a whole number, at least 0 (Argo CD writes int64, here maybe a string or anything). */
const id = (v: unknown): number => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.trunc(n))) : 0;
};

function source(v: unknown): ArgoCdSource | undefined {
  const s = record(v);
  const repoURL = text(s.repoURL);
  if (repoURL === undefined) return undefined;
  const path = text(s.path);
  const chart = text(s.chart);
  // An empty targetRevision tracks HEAD, as Argo CD reads it (`text.FirstNonEmpty(targetRevision, "HEAD")`).
  return { repoURL, ...(path ? { path } : {}), ...(chart ? { chart } : {}), targetRevision: text(s.targetRevision) || 'HEAD' };
}

/** `spec.source`, or `spec.sources` for a multi-source Application (`HasMultipleSources`). */
function sourcesOf(holder: Record<string, unknown>): ArgoCdSource[] {
  const many = list(holder.sources);
  const raw = many.length ? many : holder.source === undefined ? [] : [holder.source];
  return raw.slice(0, LIST_MAX).flatMap((s) => source(s) ?? []);
}

/** `IsAutomatedSyncEnabled`: `automated` set, and `enabled` not false. */
function automatedOf(spec: Record<string, unknown>): ArgoCdApplication['automated'] {
  const raw = record(spec.syncPolicy).automated;
  const automated = record(raw);
  if (raw === undefined || raw === null || automated.enabled === false) return undefined;
  return { prune: automated.prune === true, selfHeal: automated.selfHeal === true };
}

function historyEntry(v: unknown): ArgoCdHistoryEntry {
  const h = record(v);
  const initiator = record(h.initiatedBy);
  const revision = text(h.revision);
  const deployedAt = text(h.deployedAt);
  const initiatedBy = text(initiator.username);
  return {
    id: id(h.id),
    ...(revision ? { revision } : {}),
    revisions: list(h.revisions).slice(0, LIST_MAX).flatMap((r) => text(r) ?? []),
    ...(deployedAt ? { deployedAt } : {}),
    ...(initiatedBy ? { initiatedBy } : {}),
    automated: initiator.automated === true,
    sources: h.source === undefined ? sourcesOf({ sources: h.sources }) : sourcesOf(h),
  };
}

/** The Application as the contract shows it; a malformed field is left out rather than failing the whole read. */
export function shownApplication(app: ApplicationObject): ArgoCdApplication {
  const metadata = record(app.metadata);
  const spec = record(app.spec);
  const status = record(app.status);
  const sync = record(status.sync);
  const operation = record(app.operation);
  const opState = record(status.operationState);
  const project = text(spec.project);
  const syncRevision = text(sync.revision) || list(sync.revisions).flatMap((r) => text(r) ?? []).join(', ') || undefined;
  const automated = automatedOf(spec);
  const history = list(status.history).slice(-HISTORY_MAX).map(historyEntry).sort((a, b) => b.id - a.id);
  const shown: ArgoCdApplication = {
    namespace: text(metadata.namespace) ?? '',
    name: text(metadata.name) ?? '',
    ...(project ? { project } : {}),
    sources: sourcesOf(spec),
    sync: { status: text(sync.status) || 'Unknown', ...(syncRevision ? { revision: syncRevision } : {}) },
    health: text(record(status.health).status) || 'Unknown',
    ...(automated ? { automated } : {}),
    history,
    resourceVersion: text(metadata.resourceVersion) ?? '',
  };
  if (app.operation !== undefined && app.operation !== null) {
    const revision = text(record(operation.sync).revision);
    const initiatedBy = text(record(operation.initiatedBy).username) ?? (record(operation.initiatedBy).automated === true ? 'automated' : undefined);
    shown.pendingOperation = { ...(revision ? { revision } : {}), ...(initiatedBy ? { initiatedBy } : {}) };
  }
  const phase = text(opState.phase);
  if (phase) {
    const message = text(opState.message);
    const startedAt = text(opState.startedAt);
    const finishedAt = text(opState.finishedAt);
    shown.operationState = { phase, ...(message ? { message } : {}), ...(startedAt ? { startedAt } : {}), ...(finishedAt ? { finishedAt } : {}) };
  }
  return shown;
}

/**
 * The `operation` the API server sets for `argocd app sync --revision <revision>` by `username`: the spec's source
 * (single-source), the revision, the CLI's default hook strategy, the sync options and retry of the sync policy; prune,
 * dry run and resources left out, as they are by default (`omitempty`).
 */
export function syncOperation(app: ApplicationObject, revision: string, username: string): Record<string, unknown> {
  const spec = record(app.spec);
  const policy = record(spec.syncPolicy);
  const syncOptions = list(policy.syncOptions);
  return {
    sync: {
      ...(spec.source !== undefined ? { source: spec.source } : {}),
      revision,
      syncStrategy: { hook: {} },
      ...(syncOptions.length ? { syncOptions } : {}),
    },
    initiatedBy: { username },
    ...(policy.retry !== undefined && policy.retry !== null ? { retry: policy.retry } : {}),
  };
}

/** The guarded patch that sets `operation`: held to the resourceVersion read, `status.operationState` cleared as `SetAppOperation` does. */
export function syncPatch(app: ApplicationObject, operation: Record<string, unknown>): JsonPatchOp[] {
  const resourceVersion = record(app.metadata).resourceVersion;
  const status = record(app.status);
  return [
    { op: 'test', path: '/metadata/resourceVersion', value: resourceVersion },
    { op: 'add', path: '/operation', value: operation },
    ...(status.operationState !== undefined ? [{ op: 'remove' as const, path: '/status/operationState' }] : []),
  ];
}

/** Why the Application cannot be synced to `revision` now, as Argo CD would refuse it; undefined when it can. */
export function syncRefusal(app: ApplicationObject, shown: ArgoCdApplication, revision: string): AppError | undefined {
  const label = `Application ${shown.name} in ${shown.namespace}`;
  const pending = app.operation !== undefined && app.operation !== null;
  if (pending || shown.operationState?.phase === 'Running' || shown.operationState?.phase === 'Terminating') {
    const what = pending ? `a sync${shown.pendingOperation?.revision ? ` to ${shown.pendingOperation.revision}` : ''} is already requested${shown.pendingOperation?.initiatedBy ? ` by ${shown.pendingOperation.initiatedBy}` : ''}` : `an operation is ${shown.operationState!.phase}`;
    return new AppError('CONFLICT', `${label}: ${what} (Argo CD: another operation is already in progress). Nothing was changed: wait for it, or terminate it in Argo CD`);
  }
  if (record(app.metadata).deletionTimestamp) return new AppError('CONFLICT', `${label} is being deleted (Argo CD: application is deleting). Nothing was changed`);
  if (list(record(app.spec).sources).length > 0) {
    return new AppError('VALIDATION', `${label} has several sources: sync it with argocd app sync --revisions … --source-positions …. Nothing was changed`);
  }
  const tracked = shown.sources[0]?.targetRevision ?? 'HEAD';
  if (shown.automated && revision !== tracked) {
    return new AppError('VALIDATION', `Cannot sync ${label} to ${revision}: automated sync is on and tracks ${tracked}, so Argo CD refuses (and would sync it back). Turn automated sync off in Argo CD, or change targetRevision in Git. Nothing was changed`);
  }
  return undefined;
}

/** What Argo CD needs: discovery, the audit log, and the connections for the audit entry. */
export interface ArgoCdDeps {
  access: Pick<KubeAccess, 'config' | 'resolve'>;
  connections: Pick<ConnectionService, 'list'>;
  audit: Pick<AuditService, 'record'>;
}

/** Reads an Application, and asks Argo CD to sync it to a revision. */
export interface ArgoCdService {
  application(params: ArgoCdApplicationParams): Promise<ArgoCdApplicationResult>;
  sync(params: ArgoCdSyncParams, actor: string): Promise<ArgoCdSyncRequested>;
}

/** Reads Applications and requests syncs (see the module's comment). */
export function createArgoCd({ access, connections, audit }: ArgoCdDeps): ArgoCdService {
  async function served(connectionId: string): Promise<boolean> {
    try {
      await access.resolve(connectionId, APPLICATIONS);
      return true;
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return false;
      throw err;
    }
  }

  const notServed = (connectionName: string) =>
    new AppError('NOT_FOUND', `${connectionName} does not serve Argo CD's Applications (argoproj.io/v1alpha1 applications): Argo CD is not installed there`);

  async function read(connectionId: string, namespace: string, name: string): Promise<ApplicationObject> {
    const kc = await access.config(connectionId);
    return readObject<ApplicationObject>(kc, objectPath(APPLICATIONS, namespace, name), `reading Application ${name} in ${namespace}`, `No Argo CD Application ${name} in ${namespace}: it may live in another namespace`);
  }

  return {
    async application({ connectionId, namespace, name }) {
      if (!(await served(connectionId))) return { available: false };
      return { available: true, application: ArgoCdApplication.parse(shownApplication(await read(connectionId, namespace, name))) };
    },

    async sync(params, actor) {
      const connectionName = connectionNameOf(connections, params.connectionId);
      if (!(await served(params.connectionId))) throw notServed(connectionName);
      const { connectionId, namespace, name, revision } = params;
      const label = `Application ${name} in ${namespace}`;
      const app = await read(connectionId, namespace, name);
      const shown = shownApplication(app);
      const before = `${shown.sync.status} at ${shown.sync.revision ?? 'an unknown revision'}, ${shown.health}`;
      return audit.record(
        { actor, action: 'rollouts.argoCdSync', target: auditTarget(connectionName, namespace, APPLICATIONS.resource, name), connectionId, connectionName, before, detail: `sync to ${revision}` },
        async () => {
          if (params.ifResourceVersion !== undefined && shown.resourceVersion !== params.ifResourceVersion) {
            throw new AppError('CONFLICT', `${label} changed since you looked (resourceVersion ${shown.resourceVersion}, not ${params.ifResourceVersion}). Nothing was changed: look again`);
          }
          const refusal = syncRefusal(app, shown, revision);
          if (refusal) throw refusal;
          const patch = syncPatch(app, syncOperation(app, revision, actor));
          const kc = await access.config(connectionId);
          const path = objectPath(APPLICATIONS, namespace, name);
          const res = await kubeRequest<ApplicationObject>(kc, path, { method: 'PATCH', patch: 'json', body: patch, deadlineMs: 30_000 });
          if (res.status === 404) throw new AppError('NOT_FOUND', `${label} is not there any more`);
          if (await changedMeanwhile(kc, path, patch, res)) throw new AppError('CONFLICT', `${label} changed while the sync was requested (by Argo CD or someone else). Nothing was changed: look again`);
          if (res.status !== 200) throw kubeStatusError(`requesting the sync of ${label}`, res.status, res.body);
          return { revision, resourceVersion: text(record(record(res.body).metadata).resourceVersion) ?? '' };
        },
        // No undo: a sync is a request Argo CD's controller performs later; going back is another sync, to the revision named here.
        () => ({ after: `sync to ${revision} requested from Argo CD (was ${shown.sync.revision ?? 'unknown'}); its controller performs it` }),
      );
    },
  };
}

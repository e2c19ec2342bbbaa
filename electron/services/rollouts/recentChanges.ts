/**
 * The rollouts cockpit: every Deployment, StatefulSet and DaemonSet changed
 * within a window, on every Kubernetes connection, newest first, with who
 * changed it. "Changed" is read from `managedFields`: the newest write to the
 * object (or its scale) by anyone but its controller, or its creation. Who is
 * the Pilothouse user when the audit log has the change, else the field
 * manager that wrote it.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { AuditEntry, RecentChange, RecentChanges, ResourceRef, RolloutState } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { objectPath, type KubeAccess } from '../kube/client/kubeAccess';
import { kubeStatusError } from '../kube/client/kubeErrors';
import { kubeRequest, USER_AGENT as FIELD_MANAGER } from '../kube/client/kubeHttp';
import type { KubeObject } from '../kube/model';
import type { ConnectionService } from '../connections/connectionService';
import type { Logger } from '../logging/logger';
import { workloadProgress, type RolloutWorkload } from './rollback';
import { managedBy } from './managedBy';
import { controlledBy, REPLICA_SETS, revisionOf, templateImages } from './rolloutHistory';

type WorkloadKind = RecentChange['kind'];

const WORKLOADS: readonly { kind: WorkloadKind; resource: string }[] = [
  { kind: 'Deployment', resource: 'deployments' },
  { kind: 'StatefulSet', resource: 'statefulsets' },
  { kind: 'DaemonSet', resource: 'daemonsets' },
];
const CONTROLLER_REVISIONS: ResourceRef = { group: 'apps', version: 'v1', resource: 'controllerrevisions' };

/** Writers that keep the workload going rather than change it: their writes are not changes anyone made. */
const CONTROLLERS = new Set(['kube-controller-manager']);
/** A connection slower than this is listed with a timeout rather than holding the cockpit back. */
const CONNECTION_DEADLINE_MS = 15_000;
/** Audit entries read to attribute changes; a busier day falls back to the field manager's name. */
const AUDIT_ENTRIES_READ = 500;

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  time?: string;
}

/** A workload as the cockpit reads it. */
export interface Workload extends RolloutWorkload {
  metadata?: RolloutWorkload['metadata'] & { managedFields?: ManagedFieldsEntry[] };
}

/** The newest write by someone other than the controller, at or after `since` (ISO); creation counts. */
export function lastChange(obj: Workload, since: string): { at: string; by?: string; created: boolean } | undefined {
  const writes = (obj.metadata?.managedFields ?? []).filter(
    (f): f is ManagedFieldsEntry & { time: string } => !!f.time && f.subresource !== 'status' && !CONTROLLERS.has(f.manager ?? '') && f.time >= since,
  );
  const newest = writes.reduce<(typeof writes)[number] | undefined>((a, b) => (!a || b.time > a.time ? b : a), undefined);
  const createdAt = obj.metadata?.creationTimestamp;
  const created = !!createdAt && createdAt >= since;
  if (!newest && !created) return undefined;
  if (!newest || (created && createdAt! > newest.time)) return { at: createdAt!, created };
  return { at: newest.time, ...(newest.manager ? { by: newest.manager } : {}), created };
}

/** The cockpit's word for each of `kubectl rollout status`'s verdicts. */
const STATES = { complete: 'complete', waiting: 'progressing', stalled: 'failed', unwatched: 'manual' } as const;

/** How the workload's rollout stands, as `kubectl rollout status` would judge it; a paused Deployment says so. */
export function workloadState(kind: WorkloadKind, obj: Workload): { state: RolloutState; replicas: RecentChange['replicas'] } {
  const { state, desired, updated, ready, available } = workloadProgress(kind, obj);
  return { state: kind === 'Deployment' && obj.spec?.paused ? 'paused' : STATES[state], replicas: { desired, updated, ready, available } };
}

/** The apiserver's times are whole seconds, and a task writes a moment after its audit entry begins. */
const CLOCK_SLACK_MS = 2000;

/**
 * Changes Pilothouse made carry the audit entry and the user behind them:
 * only a change whose last writer was Pilothouse's field manager, matched to
 * the newest entry on the same workload (by connection id, whatever the
 * connection is called now) that was running when the write was made.
 */
export function attributeChanges(changes: RecentChange[], entries: readonly AuditEntry[]): void {
  for (const change of changes) {
    if (change.by !== FIELD_MANAGER) continue;
    const suffix = `/${change.namespace}/${WORKLOADS.find((w) => w.kind === change.kind)!.resource}/${change.name}`;
    const at = Date.parse(change.changedAt);
    const entry = entries.find(
      (e) =>
        e.connectionId === change.connectionId &&
        e.target.endsWith(suffix) &&
        Date.parse(e.at) - CLOCK_SLACK_MS <= at &&
        at <= (e.finishedAt ? Date.parse(e.finishedAt) : Infinity) + CLOCK_SLACK_MS,
    );
    if (entry) Object.assign(change, { by: entry.actor, auditId: entry.id });
  }
}

/** Reads the cockpit over every Kubernetes connection. */
export interface RecentChangesReader {
  /** On every Kubernetes connection, or only `connectionId` (NOT_FOUND when it is not one). */
  recent(hours: number, connectionId?: string): Promise<RecentChanges>;
}

export interface RecentChangesDeps {
  access: Pick<KubeAccess, 'config'>;
  connections: Pick<ConnectionService, 'list'>;
  audit: { list(query: { limit: number }): { entries: AuditEntry[] } };
  log: Logger;
  now?: () => number;
}

/** Only the objects' metadata (a PartialObjectMetadataList): kept revisions are counted by their owners; their templates are not needed. */
const METADATA_ONLY = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

async function listAll<T extends KubeObject>(kc: KubeConfig, ref: ResourceRef, signal: AbortSignal, accept?: string): Promise<T[]> {
  const res = await kubeRequest<{ items?: T[] }>(kc, objectPath(ref), { gzip: true, timeoutMs: CONNECTION_DEADLINE_MS, deadlineMs: CONNECTION_DEADLINE_MS, signal, ...(accept ? { accept } : {}) });
  if (res.status !== 200) throw kubeStatusError(`listing ${ref.resource} in all namespaces`, res.status, res.body);
  return res.body.items ?? [];
}

/** How many kept revisions each owner (by uid) has: ReplicaSets with a revision for Deployments, ControllerRevisions otherwise. */
function revisionCounts(keepers: readonly KubeObject[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of keepers) {
    const owner = k.metadata?.ownerReferences?.find((r) => r.controller)?.uid;
    if (owner && controlledBy(k, owner)) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  return counts;
}

export function createRecentChanges({ access, connections, audit, log, now = Date.now }: RecentChangesDeps): RecentChangesReader {
  async function fromConnection(connectionId: string, since: string, signal: AbortSignal): Promise<{ changes: RecentChange[]; workloads: number }> {
    const kc = await access.config(connectionId);
    const [workloads, replicaSets, controllerRevisions] = await Promise.all([
      Promise.all(WORKLOADS.map(async (w) => ({ ...w, items: await listAll<Workload>(kc, { group: 'apps', version: 'v1', resource: w.resource }, signal) }))),
      listAll(kc, REPLICA_SETS, signal, METADATA_ONLY),
      listAll(kc, CONTROLLER_REVISIONS, signal, METADATA_ONLY),
    ]);
    const kept = revisionCounts([...replicaSets.filter((rs) => revisionOf(rs) !== undefined), ...controllerRevisions]);
    const changes: RecentChange[] = [];
    for (const { kind, items } of workloads) {
      for (const obj of items) {
        const change = lastChange(obj, since);
        if (!change) continue;
        const revision = kind === 'Deployment' ? revisionOf(obj) : undefined;
        const manager = managedBy(obj);
        changes.push({
          connectionId,
          kind,
          namespace: obj.metadata?.namespace ?? '',
          name: obj.metadata?.name ?? '',
          changedAt: change.at,
          ...(change.by ? { by: change.by } : {}),
          created: change.created,
          ...(manager ? { managedBy: manager } : {}),
          ...(revision !== undefined ? { revision } : {}),
          revisions: kept.get(obj.metadata?.uid ?? '') ?? 0,
          images: templateImages(obj.spec?.template),
          ...workloadState(kind, obj),
        });
      }
    }
    return { changes, workloads: workloads.reduce((n, w) => n + w.items.length, 0) };
  }

  return {
    async recent(hours, connectionId) {
      const since = new Date(now() - hours * 3600_000).toISOString();
      const kubernetes = connections.list().filter((c) => c.kind === 'kubernetes' && (connectionId === undefined || c.id === connectionId));
      if (connectionId !== undefined && !kubernetes.length) throw new AppError('NOT_FOUND', `No Kubernetes connection ${connectionId}: it may have been deleted. Reload the connection list.`);
      const names = new Map(kubernetes.map((c) => [c.id, c.name]));
      const signal = AbortSignal.timeout(CONNECTION_DEADLINE_MS);
      const results = await Promise.all(
        kubernetes.map(async (c) => {
          try {
            const { changes, workloads } = await fromConnection(c.id, since, signal);
            return { changes, source: { connectionId: c.id, connectionName: c.name, workloads } };
          } catch (err) {
            // AppErrors say what the server or the network did; anything else stays in the log.
            if (!(err instanceof AppError)) log.warn('reading recent changes failed', { connectionId: c.id, error: String(err) });
            const error = err instanceof AppError ? err.message : 'Reading its workloads failed unexpectedly; see the log';
            return { changes: [], source: { connectionId: c.id, connectionName: c.name, workloads: 0, error } };
          }
        }),
      );
      // Newest first; the server's times are whole seconds, so ties go by where the workload is, for a stable order.
      const where = (c: RecentChange) => `${names.get(c.connectionId)}/${c.namespace}/${c.name}/${c.kind}`;
      const changes = results.flatMap((r) => r.changes).sort((a, b) => b.changedAt.localeCompare(a.changedAt) || where(a).localeCompare(where(b)));
      attributeChanges(changes, audit.list({ limit: AUDIT_ENTRIES_READ }).entries);
      return { since, changes, sources: results.map((r) => r.source) };
    },
  };
}

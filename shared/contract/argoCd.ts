/**
 * Argo CD (#17, GitOps awareness): the Application that manages a workload,
 * read as `argocd app get` shows it (sync, health, self-heal, the last
 * operation, the deployment history), and `argocd app sync --revision`. Part
 * of the rollouts area (./rollouts.ts lists the methods).
 */
import { z } from 'zod';
import { method } from './area';
import { KubeName, KubeNamespace } from './kubeResources';
import { ObjectRef } from './kubeObjects';

const ConnectionId = ObjectRef.shape.connectionId;
/** Everything here comes from an object anyone with write access may fill: bounded so a hostile one cannot swell the answer. */
const Text = z.string().max(1024);
const Id = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Where Argo CD keeps its Applications unless it is told to look in other namespaces too. */
export const ARGO_CD_NAMESPACE = 'argocd';

/**
 * The Application named by a tracking id's first part: `<app>`, or
 * `<namespace>_<app>` for an Application outside Argo CD's own namespace
 * (names cannot hold `_`, so the split is unambiguous).
 */
export function argoCdApplicationOf(trackedName: string, defaultNamespace = ARGO_CD_NAMESPACE): { namespace: string; name: string } {
  const at = trackedName.indexOf('_');
  return at > 0 ? { namespace: trackedName.slice(0, at), name: trackedName.slice(at + 1) } : { namespace: defaultNamespace, name: trackedName };
}

/** One source of an Application: its repository, path (or chart) and the revision it tracks. */
export const ArgoCdSource = z.object({ repoURL: Text, path: Text.optional(), chart: Text.optional(), targetRevision: Text });
export type ArgoCdSource = z.infer<typeof ArgoCdSource>;

/** One deployment of `status.history`, as `argocd app history` lists it. */
export const ArgoCdHistoryEntry = z.object({
  id: Id,
  /** The revision synced (a commit or chart version); for a multi-source Application, `revisions` holds one per source. */
  revision: Text.optional(),
  revisions: z.array(Text).max(32),
  /** When the sync completed (ISO). */
  deployedAt: Text.optional(),
  /** Who asked for it; absent with `automated` when Argo CD synced by itself. */
  initiatedBy: Text.optional(),
  automated: z.boolean(),
  sources: z.array(ArgoCdSource).max(32),
});
export type ArgoCdHistoryEntry = z.infer<typeof ArgoCdHistoryEntry>;

/** An Argo CD Application, as far as a rollback needs it. */
export const ArgoCdApplication = z.object({
  namespace: Text,
  name: Text,
  project: Text.optional(),
  sources: z.array(ArgoCdSource).max(32),
  /** `status.sync.status` (Synced, OutOfSync, Unknown) and the revision it compared against. */
  sync: z.object({ status: Text, revision: Text.optional() }),
  /** `status.health.status` (Healthy, Progressing, Degraded, Missing, Suspended, Unknown). */
  health: Text,
  /** `spec.syncPolicy.automated`, when on: Argo CD syncs by itself; with `selfHeal` it also undoes changes made in the cluster. */
  automated: z.object({ prune: z.boolean(), selfHeal: z.boolean() }).optional(),
  /** A sync asked for and not yet taken up by Argo CD's controller (`operation`). */
  pendingOperation: z.object({ revision: Text.optional(), initiatedBy: Text.optional() }).optional(),
  /** `status.operationState`: the last (or running) operation. */
  operationState: z.object({ phase: Text, message: Text.optional(), startedAt: Text.optional(), finishedAt: Text.optional() }).optional(),
  /** Newest first. */
  history: z.array(ArgoCdHistoryEntry).max(1000),
  /** `metadata.resourceVersion`: what a sync sends back, so it acts only on the Application the user saw. */
  resourceVersion: Text,
});
export type ArgoCdApplication = z.infer<typeof ArgoCdApplication>;

export const ArgoCdApplicationParams = z.object({ connectionId: ConnectionId, namespace: KubeNamespace, name: KubeName }).strict();
export type ArgoCdApplicationParams = z.infer<typeof ArgoCdApplicationParams>;

/** The Application, or `available: false` when the cluster does not serve Argo CD's Application CRD. */
export const ArgoCdApplicationResult = z.union([
  z.object({ available: z.literal(true), application: ArgoCdApplication }),
  z.object({ available: z.literal(false) }),
]);
export type ArgoCdApplicationResult = z.infer<typeof ArgoCdApplicationResult>;

export const ArgoCdSyncParams = ArgoCdApplicationParams.extend({
  /** The revision to sync to: a commit, tag, branch or chart version. */
  revision: z.string().min(1).max(1024),
  /** Only if the Application is still at this resourceVersion; CONFLICT otherwise. */
  ifResourceVersion: z.string().min(1).max(64).optional(),
}).strict();
export type ArgoCdSyncParams = z.infer<typeof ArgoCdSyncParams>;

/** The sync was asked for: Argo CD's controller performs it. */
export const ArgoCdSyncRequested = z.object({ revision: Text, resourceVersion: Text });
export type ArgoCdSyncRequested = z.infer<typeof ArgoCdSyncRequested>;

/** The rollouts area's Argo CD methods. */
export const argoCdMethods = {
  /** An Argo CD Application: sources, sync and health, automated sync and self-heal, the last operation, its history newest first. */
  'rollouts.argoCdApplication': method(ArgoCdApplicationParams, ArgoCdApplicationResult),
  /**
   * `argocd app sync --revision`: sets the Application's `operation` as Argo CD's API server does, for its controller
   * to perform; audited. CONFLICT when an operation is under way or the Application changed since it was shown;
   * VALIDATION when automated sync tracks another revision (as Argo CD refuses) or it has several sources.
   */
  'rollouts.argoCdSync': method(ArgoCdSyncParams, ArgoCdSyncRequested),
} as const;

import { z } from 'zod';
import { defineArea, method } from './area';
import { argoCdMethods } from './argoCd';
import { argoRolloutsMethods } from './argoRollouts';
import { ObjectRef } from './kubeObjects';
import { guardEvents, guardMethods } from './rolloutGuards';
import { trafficMethods } from './rolloutTraffic';

export * from './argoCd';
export * from './argoRollouts';
export * from './rolloutGuards';
export * from './rolloutTraffic';

/** One kept revision of a workload, as `kubectl rollout history` lists it, with what it ran. */
export const Revision = z.object({
  revision: z.number().int(),
  /** The ReplicaSet (Deployments) or ControllerRevision (StatefulSets, DaemonSets) that keeps it. */
  name: z.string(),
  /** `kubernetes.io/change-cause`, when someone recorded one. */
  changeCause: z.string().optional(),
  /** When the revision was made (ISO). */
  createdAt: z.string().optional(),
  /** Container images of its pod template, init containers first, as `container=image`. */
  images: z.array(z.string()),
  /** The revision the workload runs now. */
  current: z.boolean(),
  /** Pods of a Deployment's revision: its ReplicaSet's replicas and ready replicas. */
  pods: z.object({ replicas: z.number().int(), ready: z.number().int() }).optional(),
});
export type Revision = z.infer<typeof Revision>;

/** A Deployment's, StatefulSet's or DaemonSet's kept revisions, oldest first. */
export const RolloutHistory = z.object({
  kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet']),
  revisions: z.array(Revision),
  /** `spec.revisionHistoryLimit`: how many old revisions the controller keeps (10 when unset). */
  historyLimit: z.number().int(),
});
export type RolloutHistory = z.infer<typeof RolloutHistory>;

export const RollbackParams = ObjectRef.extend({
  /** The kept revision to go back to; 0 for the one before the latest, as `kubectl rollout undo` does. */
  toRevision: z.number().int().min(0).max(2 ** 53 - 1).default(0),
  /** Only if the workload still runs this revision (an undo from the audit log, and a confirmed preview, check it). */
  ifCurrentRevision: z.number().int().min(0).max(2 ** 53 - 1).optional(),
}).strict();
export type RollbackParams = z.infer<typeof RollbackParams>;

/** A rollback started as a task: follow it in the tray, its report gives the verdict. */
export const RollbackStarted = z.object({ taskId: z.string() });

export const RevisionTemplateParams = ObjectRef.extend({ revision: z.number().int().min(0).max(2 ** 53 - 1) }).strict();
export type RevisionTemplateParams = z.infer<typeof RevisionTemplateParams>;

/** A kept revision's pod template as YAML, without the controller's `pod-template-hash` label. */
export const RevisionTemplate = z.object({ revision: z.number().int(), yaml: z.string() });
export type RevisionTemplate = z.infer<typeof RevisionTemplate>;

/** What a rollback would do, worked out as the task would, before the user confirms. */
/** A tool that manages a workload besides the cluster's own controllers: a rollback made in the cluster drifts from what it holds. */
export const ManagedBy = z.object({
  tool: z.enum(['Argo CD', 'Flux', 'Helm']),
  /** What it is called there: the Argo CD Application, the Flux Kustomization or HelmRelease, the Helm release. */
  name: z.string().max(512).optional(),
  /** The mark it was recognised by, e.g. "annotation argocd.argoproj.io/tracking-id". */
  evidence: z.string().max(256),
  /** It puts back what it holds by itself (a GitOps sync), undoing an in-cluster change. */
  reverts: z.boolean(),
});
export type ManagedBy = z.infer<typeof ManagedBy>;

export const RollbackPreview = z.object({
  /** The revision it would go back to (the previous one when 0 was asked), once found. */
  toRevision: z.number().int().optional(),
  /** The revision the workload runs now, when known: the rollback is held to it. */
  currentRevision: z.number().int().optional(),
  /** The pod templates as YAML, without the hash label: what it runs now and what it would run. */
  currentTemplate: z.string().optional(),
  targetTemplate: z.string().optional(),
  /** It already runs that template: the rollback would change nothing. */
  noop: z.boolean(),
  /** Argo CD, Flux or Helm manages the workload: said before the rollback, since they undo or replace it. */
  managedBy: ManagedBy.optional(),
  /** The server-side dry run of the patch, or why it cannot go ahead at all (paused, revision not kept, refused by admission). */
  dryRun: z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), message: z.string() })]),
});
export type RollbackPreview = z.infer<typeof RollbackPreview>;

/** How far back the cockpit looks, in hours. */
export const RecentChangesParams = z
  .object({
    hours: z.number().int().min(1).max(168).default(24),
    /** Only this connection: the cockpit asks each on its own, so a slow or unreachable cluster holds back only its own rows. */
    connectionId: z.string().min(1).max(200).optional(),
  })
  .strict();

/** How a changed workload's rollout stands now, as `kubectl rollout status` would say; `manual`: its pods take a new template only when deleted (OnDelete). */
export const RolloutState = z.enum(['complete', 'progressing', 'failed', 'paused', 'manual']);
export type RolloutState = z.infer<typeof RolloutState>;

/** A workload changed within the window, on one connection. */
export const RecentChange = z.object({
  connectionId: z.string(),
  kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet']),
  namespace: z.string(),
  name: z.string(),
  /** The newest change (ISO): the last write by someone other than its controller, or its creation. */
  changedAt: z.string(),
  /** Who changed it: the Pilothouse user when the change was made here, else the field manager that wrote it (kubectl, helm, argocd-controller…). */
  by: z.string().optional(),
  /** The audit entry of the change, when it was made here. */
  auditId: z.number().int().optional(),
  /** Created within the window rather than changed. */
  created: z.boolean(),
  /** Argo CD, Flux or Helm manages it: a rollback here drifts from what that tool holds. */
  managedBy: ManagedBy.optional(),
  /** Its revision now (Deployments) and how many kept revisions it has; a rollback needs two. */
  revision: z.number().int().optional(),
  revisions: z.number().int(),
  /** Container images it runs now, as `container=image`. */
  images: z.array(z.string()),
  state: RolloutState,
  replicas: z.object({ desired: z.number().int(), updated: z.number().int(), ready: z.number().int(), available: z.number().int() }),
});
export type RecentChange = z.infer<typeof RecentChange>;

/** One connection's part of the cockpit: how many workloads it has, or why it could not be read. */
export const RecentChangesSource = z.object({
  connectionId: z.string(),
  connectionName: z.string(),
  workloads: z.number().int(),
  error: z.string().optional(),
});

export const RecentChanges = z.object({
  /** The window's start (ISO). */
  since: z.string(),
  /** Newest first. */
  changes: z.array(RecentChange),
  sources: z.array(RecentChangesSource),
});
export type RecentChanges = z.infer<typeof RecentChanges>;

/** The rollouts area: workload history and rollback; blue/green and canary build on them (#17). */
export const rolloutsContract = defineArea('rollouts', {
  methods: {
    /** A workload's kept revisions, as `kubectl rollout history` finds them: a Deployment's ReplicaSets, a StatefulSet's or DaemonSet's ControllerRevisions. */
    'rollouts.history': method(ObjectRef, RolloutHistory),
    /**
     * `kubectl rollout undo` of a Deployment, StatefulSet or DaemonSet as a task, audited (its undo rolls back to what ran
     * before): a paused Deployment refused, skipped when it already runs that template, dry-run first, CONFLICT when it
     * changed meanwhile; then followed to a verdict as `kubectl rollout status` gives it.
     */
    'rollouts.rollback': method(RollbackParams, RollbackStarted),
    /** One kept revision's pod template as YAML, for diffing two revisions. */
    'rollouts.revisionTemplate': method(RevisionTemplateParams, RevisionTemplate),
    /** A rollback worked out and tried as a server-side dry run, changing nothing: what the confirmation shows. */
    'rollouts.rollbackPreview': method(RollbackParams, RollbackPreview),
    ...trafficMethods,
    ...argoRolloutsMethods,
    ...argoCdMethods,
    ...guardMethods,
    /** Every Deployment, StatefulSet and DaemonSet changed in the last `hours` on every Kubernetes connection (or the one given), newest first; a connection that cannot be read is listed with its error. */
    'rollouts.recentChanges': method(RecentChangesParams, RecentChanges),
  },
  events: guardEvents,
});

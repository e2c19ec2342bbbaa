import { z } from 'zod';
import { defineArea, Empty, method } from './area';
import { KubeName, KubeNamespace } from './kubeResources';
import { TaskSummary } from './tasks';

const ConnectionId = z.string().min(1).max(64);
const Id = z.string().min(1).max(64);

/** The format a Pilothouse archive's `manifest.json` declares; a reader refuses any other. */
export const ARCHIVE_FORMAT = 'pilothouse.backup/v1';
/** The most namespaces one backup or schedule covers. */
export const MAX_BACKUP_NAMESPACES = 50;
/** The most checks a namespace's drill runs besides the built-in ones. */
export const MAX_DRILL_CHECKS = 50;

/** Where backups are written: a local folder, or an S3 bucket reached through a stored AWS connection. */
export const DestinationTarget = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('folder'),
    /** Absolute; each backup is a folder inside it. */
    path: z.string().min(1).max(4096),
  }),
  z.object({
    kind: z.literal('s3'),
    /** A stored AWS connection (its region and endpoint, e.g. an S3-compatible store, are the connection's). */
    awsConnectionId: ConnectionId,
    bucket: z
      .string()
      .min(3)
      .max(63)
      .regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, 'A bucket name is lower-case letters, digits, "." and "-"'),
    /** Key prefix, without a leading "/"; each backup is a "folder" under it. */
    prefix: z
      .string()
      .max(512)
      .regex(/^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[\w./-]*$/, 'A prefix is letters, digits, "_", "-", "." and "/", with no ".." segment and no leading "/"')
      .default(''),
  }),
]);
export type DestinationTarget = z.infer<typeof DestinationTarget>;

/** A named place backups go. */
export const BackupDestination = z.object({
  id: Id,
  name: z.string().min(1).max(100),
  target: DestinationTarget,
  createdAt: z.string(),
});
export type BackupDestination = z.infer<typeof BackupDestination>;

/** How many objects of one kind a backup holds. */
export const KindCount = z.object({
  /** "apps/v1", "v1". */
  apiVersion: z.string(),
  kind: z.string(),
  count: z.number().int().nonnegative(),
});
export type KindCount = z.infer<typeof KindCount>;

/** One backup Pilothouse wrote (its archive is at the destination; this is its record). */
export const BackupSummary = z.object({
  id: Id,
  /** The archive's folder name at its destination: `pilothouse-<namespace>-<UTC time>`. */
  name: z.string(),
  connectionId: ConnectionId,
  connectionName: z.string(),
  namespaces: z.array(z.string()),
  destinationId: Id,
  destinationName: z.string(),
  /** "/home/ana/backups/pilothouse-team-a-20261204T101500Z" or "s3://bucket/prefix/pilothouse-…". */
  location: z.string(),
  /** When the objects were read (the point a restore returns to: its RPO is measured from here). */
  takenAt: z.string(),
  finishedAt: z.string().optional(),
  status: z.enum(['running', 'complete', 'failed']),
  /** Why it failed. */
  error: z.string().optional(),
  objectCount: z.number().int().nonnegative(),
  /** Of them Secrets, whose data is encrypted in the archive. */
  secretCount: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  counts: z.array(KindCount),
  /** The schedule that made it, when one did. */
  scheduleId: Id.optional(),
  /** Kinds the backup could not list (forbidden, or an aggregated API that did not answer), and why: what a restore of it will lack. */
  skipped: z.array(z.object({ resource: z.string(), reason: z.string() })),
});
export type BackupSummary = z.infer<typeof BackupSummary>;

/** A backup schedule: every `everyHours`, the namespaces are backed up; only the newest `keep` complete backups are kept. */
export const BackupSchedule = z.object({
  id: Id,
  connectionId: ConnectionId,
  namespaces: z.array(KubeNamespace).min(1).max(MAX_BACKUP_NAMESPACES),
  destinationId: Id,
  everyHours: z.number().int().min(1).max(24 * 366),
  /** Complete backups this schedule keeps; older ones (and their archives) are deleted after a new one completes. */
  keep: z.number().int().min(1).max(1000),
  paused: z.boolean(),
  lastBackupAt: z.string().optional(),
  /** When the next backup is due; past means overdue (Pilothouse was closed, or the last one failed). */
  nextDueAt: z.string(),
  overdue: z.boolean(),
});
export type BackupSchedule = z.infer<typeof BackupSchedule>;

/** What a schedule is made from. */
export const ScheduleInput = BackupSchedule.pick({ connectionId: true, namespaces: true, destinationId: true, everyHours: true, keep: true, paused: true }).extend({
  /** Absent: a new schedule. */
  id: Id.optional(),
});

/** A check a drill runs on the restored namespace, besides comparing kinds, counts and data hashes. */
export const DrillCheck = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('exists'),
    /** "ConfigMap", "Deployment", a custom kind. */
    objectKind: z.string().min(1).max(100),
    /** Its apiVersion when the kind name alone is ambiguous ("apps/v1"). */
    apiVersion: z.string().max(200).optional(),
    name: KubeName,
  }),
  z.object({
    kind: z.literal('readyReplicas'),
    /** A Deployment or StatefulSet. */
    objectKind: z.enum(['Deployment', 'StatefulSet']),
    name: KubeName,
    min: z.number().int().min(1).max(10_000),
  }),
  z.object({
    kind: z.literal('httpGet'),
    /** A Service of the restored namespace, reached through a port-forward to one of its ready pods. */
    service: KubeName,
    port: z.number().int().min(1).max(65_535),
    path: z
      .string()
      .max(2000)
      .regex(/^\/[^\s]*$/, 'A path starts with "/" and has no spaces')
      .default('/'),
    /** The status that passes; any 2xx when absent. */
    expectStatus: z.number().int().min(100).max(599).optional(),
    /** Text the body must contain. */
    expectBody: z.string().max(500).optional(),
  }),
]);
export type DrillCheck = z.infer<typeof DrillCheck>;

/** What a namespace's drills are held to, and how often they must run. */
export const DrillTarget = z.object({
  connectionId: ConnectionId,
  namespace: KubeNamespace,
  /** Restore start → all workloads ready. */
  rtoSeconds: z.number().int().min(1).max(7 * 24 * 3600),
  /** Drill time − backup time. */
  rpoSeconds: z.number().int().min(1).max(366 * 24 * 3600),
  /** A drill is overdue this long after the last passing one; an alert says so. */
  everyDays: z.number().int().min(1).max(366),
  checks: z.array(DrillCheck).max(MAX_DRILL_CHECKS),
});
export type DrillTarget = z.infer<typeof DrillTarget>;

/** One step of a drill, as its report's timeline lists it. */
export const DrillEvent = z.object({
  at: z.string(),
  phase: z.string(),
  message: z.string(),
});
export type DrillEvent = z.infer<typeof DrillEvent>;

/** One verification of a drill and what it found. */
export const DrillCheckResult = z.object({
  /** "Kinds and counts", "ConfigMap data", "Secret data", "Deployment web ≥ 2 ready", "GET web:80/healthz". */
  name: z.string(),
  passed: z.boolean(),
  /** What was expected and what was found; never a Secret's value. */
  detail: z.string(),
});
export type DrillCheckResult = z.infer<typeof DrillCheckResult>;

/** How a drill ended. */
export const DrillOutcome = z.enum(['running', 'passed', 'failed', 'cancelled', 'interrupted']);
export type DrillOutcome = z.infer<typeof DrillOutcome>;

/** Where a drill's objects came from. */
export const DrillSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('archive'), backupId: Id }),
  z.object({
    kind: z.literal('velero'),
    /** The connection whose Velero holds the backup (a restore runs there: Velero restores into its own cluster). */
    connectionId: ConnectionId,
    backupName: KubeName,
    /** Where Velero keeps its objects. */
    veleroNamespace: KubeNamespace.default('velero'),
  }),
]);
export type DrillSource = z.infer<typeof DrillSource>;

/** A drill, as its history lists it. */
export const DrillSummary = z.object({
  id: Id,
  taskId: z.string().optional(),
  source: DrillSource,
  /** The backed-up namespace the drill restores. */
  sourceConnectionName: z.string(),
  sourceNamespace: z.string(),
  targetConnectionId: ConnectionId,
  targetConnectionName: z.string(),
  /** `drill-<namespace>-<time>` unless the user chose one. */
  targetNamespace: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  outcome: DrillOutcome,
  /** Why it failed, in a sentence. */
  error: z.string().optional(),
  /** When the backup was taken. */
  backupTakenAt: z.string(),
  /** Restore start → all workloads ready; absent when they never were. */
  rtoMs: z.number().int().nonnegative().optional(),
  /** Drill start − backup taken. */
  rpoMs: z.number().int().nonnegative(),
  rtoTargetMs: z.number().int().positive().optional(),
  rpoTargetMs: z.number().int().positive().optional(),
  checksPassed: z.number().int().nonnegative(),
  checksFailed: z.number().int().nonnegative(),
  /** The restored namespace was kept (asked for, or its cleanup failed or is pending). */
  kept: z.boolean(),
  /** Objects the drill created that are still there (after a failed or skipped cleanup): what "Clean up" removes. */
  leftovers: z.number().int().nonnegative(),
});
export type DrillSummary = z.infer<typeof DrillSummary>;

/** A drill with its timeline and checks: what its report shows. */
export const DrillDetail = DrillSummary.extend({
  timeline: z.array(DrillEvent),
  checks: z.array(DrillCheckResult),
  /** What the restore created, as "Kind namespace/name", for the report and for cleanup. */
  created: z.array(z.string()),
});
export type DrillDetail = z.infer<typeof DrillDetail>;

/** A namespace with backups or a drill target: how its drills stand. */
export const DrillNamespaceStatus = z.object({
  connectionId: ConnectionId,
  connectionName: z.string(),
  namespace: z.string(),
  target: DrillTarget.optional(),
  lastBackupAt: z.string().optional(),
  lastDrill: DrillSummary.optional(),
  /** When the last passing drill started. */
  lastPassedAt: z.string().optional(),
  /** When the next drill is due (the last passing one + `everyDays`), when a target is set. */
  nextDrillDueAt: z.string().optional(),
  /** A target is set and no drill passed within `everyDays`. */
  overdue: z.boolean(),
});
export type DrillNamespaceStatus = z.infer<typeof DrillNamespaceStatus>;

/** What the drills page opens with. */
export const DrillsOverview = z.object({
  namespaces: z.array(DrillNamespaceStatus),
  destinations: z.array(BackupDestination),
  schedules: z.array(BackupSchedule),
});
export type DrillsOverview = z.infer<typeof DrillsOverview>;

/** Velero's objects on a connection, where its CRDs are served. */
export const VeleroObject = z.object({
  name: z.string(),
  namespace: z.string(),
  /** Backup/Restore `status.phase`; a Schedule's `Enabled`/`Paused`… */
  phase: z.string().optional(),
  createdAt: z.string().optional(),
  /** Namespaces it covers (a Backup's or Schedule's `includedNamespaces`; `*` for all). */
  namespaces: z.array(z.string()),
  /** A Schedule's cron; a Restore's backup. */
  detail: z.string().optional(),
  completedAt: z.string().optional(),
  errors: z.number().int().optional(),
  warnings: z.number().int().optional(),
});
export type VeleroObject = z.infer<typeof VeleroObject>;

export const VeleroOverview = z.discriminatedUnion('installed', [
  z.object({ installed: z.literal(false) }),
  z.object({
    installed: z.literal(true),
    backups: z.array(VeleroObject),
    schedules: z.array(VeleroObject),
    restores: z.array(VeleroObject),
  }),
]);
export type VeleroOverview = z.infer<typeof VeleroOverview>;

/** A drill to start. */
export const DrillRequest = z.object({
  source: DrillSource,
  /** For an archive with several namespaces: which one to restore. */
  namespace: KubeNamespace,
  /** Where to restore: the same connection or another. */
  targetConnectionId: ConnectionId,
  /** Default `drill-<namespace>-<time>`. */
  targetNamespace: KubeNamespace.optional(),
  /** Restoring into a namespace that exists is refused unless this is set. */
  allowExistingNamespace: z.boolean().default(false),
  /** Leave the restored namespace in place after the drill. */
  keep: z.boolean().default(false),
  /** How long workloads may take to become ready; the RTO target when absent, else 10 minutes. */
  readyTimeoutSeconds: z.number().int().min(5).max(6 * 3600).optional(),
  /** A production target connection needs its name typed. */
  confirmName: z.string().max(253).optional(),
});
export type DrillRequest = z.infer<typeof DrillRequest>;

export const DrillStarted = z.object({ taskId: z.string(), drillId: Id, task: TaskSummary });
export const BackupStarted = z.object({ taskId: z.string(), backupId: Id, task: TaskSummary });

/** A drill's report, rendered. */
export const DrillReport = z.object({
  fileName: z.string(),
  mimeType: z.enum(['text/markdown', 'text/html']),
  text: z.string(),
});
export type DrillReport = z.infer<typeof DrillReport>;

/** The drills area: backups (archives and schedules), Velero, drills and their history. */
export const drillsContract = defineArea('drills', {
  methods: {
    /** Namespaces with their targets, last drill and what is overdue; destinations; schedules. */
    'drills.overview': method(z.object({ connectionId: ConnectionId.optional() }), DrillsOverview),
    /** Backups, newest first. */
    'drills.backups': method(z.object({ connectionId: ConnectionId.optional(), namespace: KubeNamespace.optional(), limit: z.number().int().min(1).max(1000).default(200) }), z.array(BackupSummary)),
    /** Adds or renames a destination; a folder is created if missing and must be writable, a bucket must answer. */
    'drills.saveDestination': method(z.object({ id: Id.optional(), name: z.string().trim().min(1).max(100), target: DestinationTarget }), BackupDestination),
    /** Removes a destination no schedule uses; its archives stay where they are. */
    'drills.deleteDestination': method(z.object({ id: Id }), Empty),
    /** Backs up the namespaces now, as a task. */
    'drills.startBackup': method(z.object({ connectionId: ConnectionId, namespaces: z.array(KubeNamespace).min(1).max(MAX_BACKUP_NAMESPACES), destinationId: Id }), BackupStarted),
    /** Checks an archive against its manifest (every file's sha256, no path leaving it) without restoring. */
    'drills.verifyBackup': method(z.object({ id: Id }), z.object({ ok: z.boolean(), files: z.number().int(), problems: z.array(z.string()) })),
    /** Deletes a backup's archive and its record (audited). */
    'drills.deleteBackup': method(z.object({ id: Id }), Empty),
    'drills.saveSchedule': method(ScheduleInput, BackupSchedule),
    'drills.deleteSchedule': method(z.object({ id: Id }), Empty),
    /** Sets a namespace's RTO/RPO targets, drill interval and checks. */
    'drills.saveTarget': method(DrillTarget, DrillTarget),
    'drills.deleteTarget': method(z.object({ connectionId: ConnectionId, namespace: KubeNamespace }), Empty),
    /** Starts a drill as a task: restore → wait ready → verify → clean up → report. */
    'drills.start': method(DrillRequest, DrillStarted),
    /** Drill history, newest first. */
    'drills.list': method(z.object({ connectionId: ConnectionId.optional(), namespace: KubeNamespace.optional(), limit: z.number().int().min(1).max(1000).default(100) }), z.array(DrillSummary)),
    'drills.get': method(z.object({ id: Id }), DrillDetail),
    /** A drill's report as Markdown or HTML (the HTML is self-contained, no script). */
    'drills.report': method(z.object({ id: Id, format: z.enum(['markdown', 'html']) }), DrillReport),
    /** Saves a drill's report as PDF where the person picks (desktop: `app.info`'s `pdfExport`); UNSUPPORTED elsewhere. No path when they cancelled. */
    'drills.savePdf': method(z.object({ id: Id }), z.object({ path: z.string().optional() })),
    /** Deletes what a kept, failed or interrupted drill left behind, as a task. */
    'drills.cleanup': method(z.object({ id: Id, confirmName: z.string().max(253).optional() }), z.object({ taskId: z.string(), task: TaskSummary })),
    /** Velero's Backups, Schedules and Restores on a connection. */
    'drills.velero': method(z.object({ connectionId: ConnectionId }), VeleroOverview),
  },
  events: {
    /** Backups, schedules, targets or drills changed: the drills page refetches. */
    'drills.changed': z.object({}),
  },
});

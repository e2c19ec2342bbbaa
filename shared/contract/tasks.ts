import { z } from 'zod';
import { ErrorCode } from '../result';
import { defineArea, method } from './area';

/** Where a task stands. `interrupted`: Pilothouse stopped while it ran, so its outcome is unknown. */
export const TaskStatus = z.enum(['running', 'cancelling', 'succeeded', 'failed', 'cancelled', 'interrupted']);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** Statuses of a task that is still at work. */
export const activeTaskStatuses = ['running', 'cancelling'] as const satisfies readonly TaskStatus[];

/** True once a task has its outcome. */
export const isTaskFinished = (status: TaskStatus): boolean => !(activeTaskStatuses as readonly TaskStatus[]).includes(status);

/** One step of a task, e.g. "parse", "seal", "save". */
export const TaskPhase = z.object({
  name: z.string(),
  state: z.enum(['pending', 'running', 'done', 'failed', 'skipped']),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});
export type TaskPhase = z.infer<typeof TaskPhase>;

/** How far the current phase is: `done` of `total` (`total` 0: not known yet). */
export const TaskProgress = z.object({
  done: z.number().int().min(0),
  total: z.number().int().min(0),
  /** What is counted, e.g. "contexts". */
  unit: z.string().optional(),
});
export type TaskProgress = z.infer<typeof TaskProgress>;

/** A small summary of what a finished task produced, for display: `{ imported: 998, skipped: 2 }`. */
export const TaskResult = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
export type TaskResult = z.infer<typeof TaskResult>;

/** What a task did: its own summary, each phase's duration, and the last lines it logged. */
export const TaskReport = z.object({
  /** Markdown written by the task when it finished ("Imported 998 contexts; 2 already existed"). */
  summary: z.string().optional(),
  phases: z.array(z.object({ name: z.string(), state: TaskPhase.shape.state, durationMs: z.number().optional() })),
  /** The most recent lines the task logged, oldest first. */
  lines: z.array(z.string()),
  /** Lines logged before `lines` that were not kept. */
  linesDropped: z.number().int().min(0),
});
export type TaskReport = z.infer<typeof TaskReport>;

/** One long, phased, cancellable piece of work: an import, a rollback, a drill, a backup. */
export const TaskSummary = z.object({
  id: z.string(),
  /** What kind of work, e.g. "connections.import"; also the action of its audit entry. */
  kind: z.string(),
  /** "Import 1,000 contexts from prod.yaml". */
  title: z.string(),
  /** What it acts on, for display: "prod.yaml", "prod-eu/ml-serving/deployment/ranker". */
  target: z.string(),
  connectionId: z.string().optional(),
  actor: z.string(),
  status: TaskStatus,
  phases: z.array(TaskPhase),
  /** The phase running now (or the last one that ran). */
  phase: z.string().optional(),
  progress: TaskProgress,
  /** False past the point of no return (e.g. while saving): a cancel would be refused. */
  cancellable: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  /** The last progress line, or why it ended. */
  message: z.string().optional(),
  /** Why it failed (or, for a cancelled task, why its cleanup failed); never carries a secret. */
  error: z.object({ code: ErrorCode, message: z.string() }).optional(),
  result: TaskResult.optional(),
  /** Only in `tasks.get` answers: lists and events leave it out to stay small. */
  report: TaskReport.optional(),
  /** The audit entry recording it. */
  auditId: z.number().int().optional(),
  /** Hidden from the tray; still in the history. */
  dismissed: z.boolean(),
});
export type TaskSummary = z.infer<typeof TaskSummary>;

const TaskId = z.string().min(1).max(64);

/** Which tasks `tasks.list` answers with. */
export const TaskQuery = z
  .object({
    limit: z.number().int().min(1).max(500).default(50),
    /** Tasks started before this one (paging backwards). */
    before: TaskId.optional(),
    /** Only tasks in these statuses. */
    status: z.array(TaskStatus).min(1).max(TaskStatus.options.length).optional(),
    /** Include dismissed tasks (the history); the tray leaves them out. */
    includeDismissed: z.boolean().default(false),
  })
  .strict();

/** The tasks area: long work (rollbacks, drills, applies, backups, large imports), its progress, cancel and history. */
export const tasksContract = defineArea('tasks', {
  methods: {
    /** Newest first. */
    'tasks.list': method(TaskQuery, z.object({ tasks: z.array(TaskSummary), hasMore: z.boolean() })),
    /** One task, with its report. */
    'tasks.get': method(z.object({ id: TaskId }).strict(), TaskSummary),
    /** Asks a running task to stop: it turns `cancelling`, runs its cleanup, then ends `cancelled`. */
    'tasks.cancel': method(z.object({ id: TaskId }).strict(), TaskSummary),
    /** Hides a finished task from the tray; it stays in the history. */
    'tasks.dismiss': method(z.object({ id: TaskId }).strict(), TaskSummary),
  },
  events: {
    /** Tasks that changed (progress at most ~10 times a second per task; a task's final state is always sent). */
    'tasks.changed': z.object({ tasks: z.array(TaskSummary) }),
  },
});

/**
 * A DR drill as a task: Check (what will be restored is read and checked:
 * an archive's every file against its hash), Restore, Wait ready, Verify, Clean up, Report. Each step
 * is told to a {@link DrillRecorder} as it happens (the timeline, each object
 * created, the result), so a drill stopped by a crash still says what it did
 * and what is left to clean up.
 *
 * RTO is restore start → all workloads ready; RPO is drill start − backup
 * taken. A drill passes only when every check passed and both are within
 * their targets (when set); one that failed part-way or was cancelled never
 * passes. A failed or cancelled drill is cleaned up by the task runner's
 * `cleanup` (see {@link drillTask}), unless it was to be kept.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { DrillCheck, DrillCheckResult, DrillSummary } from '../../../../shared/contract/drills';
import { AppError } from '../../../../shared/result';
import type { TaskContext } from '../../tasks/taskRunner';
import type { VerifiedArchive } from '../archive/archiveTypes';
import { cleanupDrill, type CleanupResult } from './cleanup';
import { createdLabel, messageOf, type CreatedRef } from './drillObjects';
import { formatDuration } from './report';
import { restoreArchive, RestoreStopped, selectNamespace } from './restore';
import { KINDS_CHECK, verifyRestore } from './verify';
import { describeNotReady, waitReady } from './waitReady';

/** A drill's phases, in order. */
export const DRILL_PHASES = ['Check', 'Restore', 'Wait ready', 'Verify', 'Clean up', 'Report'] as const;
/** One of {@link DRILL_PHASES}. */
export type DrillPhase = (typeof DRILL_PHASES)[number];

/** Refused objects named one by one in the timeline; the rest are counted. */
const NAMED_REFUSALS = 20;

/** The name of the check that all workloads became ready. */
export const READY_CHECK = 'Workloads ready';

/** What a drill tells its record; fields absent are left as they are. */
export type DrillResultFields = Partial<Pick<DrillSummary, 'outcome' | 'rtoMs' | 'rpoMs' | 'error' | 'kept' | 'leftovers'>> & { checks?: DrillCheckResult[] };

/** Where a drill records what it does, as it does it (the store implements it over SQLite). */
export interface DrillRecorder {
  /** A line of the timeline. */
  event(phase: DrillPhase, message: string): void;
  /** Everything the drill has created so far, each time it grows, and how many are still there: persist at once. */
  created(refs: CreatedRef[], leftovers: number): void;
  /** The drill's result so far (the last call holds the outcome). */
  result(fields: DrillResultFields): void;
}

/**
 * Where a drill's objects come from: a Pilothouse archive (see
 * {@link archiveRestorer}) or an engine that restores them itself (Velero).
 * Each step returns its lines for the timeline.
 */
export interface DrillRestorer {
  /** Check: reads and checks what will be restored (an archive's every file against its hash; a Velero Backup's phase and contents). */
  check(signal: AbortSignal): Promise<string[]>;
  /** Restore: creates the objects in the target namespace, telling each through `onCreated` as soon as it exists. */
  restore(options: { signal: AbortSignal; onCreated(ref: CreatedRef): void; onProgress(done: number, total: number, message: string): void }): Promise<string[]>;
  /** Verify: the checks only this source can make (kinds, counts and data hashes of an archive; Velero's own count), then the user's. */
  verify(options: { signal: AbortSignal; checks: DrillCheck[]; onProgress(done: number, total: number, message: string): void }): Promise<DrillCheckResult[]>;
}

/** What a drill restores, where, and what it is held to. */
interface DrillPlanBase {
  drillId: string;
  /** The target connection's KubeConfig. */
  kc: KubeConfig;
  sourceNamespace: string;
  targetNamespace: string;
  /** Leave what was restored in place. */
  keep: boolean;
  checks: DrillCheck[];
  readyTimeoutMs: number;
  rtoTargetMs?: number;
  rpoTargetMs?: number;
  /** When the backup was taken (ISO). */
  backupTakenAt: string;
  /** The clock (ms since the epoch); tests give their own. */
  now?: () => number;
}

/** Reads an archive and checks every file against its hash (Secrets decrypted). */
export type VerifiedArchiveLoader = (signal: AbortSignal) => Promise<VerifiedArchive>;

/** A drill of a Pilothouse archive, or of another {@link DrillRestorer}. */
export type DrillPlan = DrillPlanBase &
  (
    | {
        /** Run in Check. */
        loadArchive: VerifiedArchiveLoader;
        allowExistingNamespace: boolean;
      }
    | { restorer: DrillRestorer }
  );

/**
 * Restores a Pilothouse archive: checked file by file in Check, created
 * object by object, verified by kinds, counts and data hashes. An object that
 * was in the target already (an existing namespace allowed) was not restored,
 * so it fails Kinds and counts rather than passing for one that was.
 */
export function archiveRestorer(plan: DrillPlanBase & { loadArchive: VerifiedArchiveLoader; allowExistingNamespace: boolean }): DrillRestorer {
  let archive: VerifiedArchive | undefined;
  let existing: string[] = [];
  const loaded = () => {
    if (!archive) throw new Error('the archive is read in Check, before it is restored or verified');
    return archive;
  };
  return {
    async check(signal) {
      archive = await plan.loadArchive(signal);
      const { objects, crds } = selectNamespace(archive, plan.sourceNamespace);
      return [
        `Archive ${archive.manifest.name} checked: ${objects.length} objects of ${plan.sourceNamespace}${crds.length ? ` and ${crds.length} CRDs` : ''}, taken ${archive.manifest.takenAt}`,
        ...archive.manifest.skipped.map((s) => `Not in the backup: ${s.resource} (${s.reason})`),
      ];
    },
    async restore({ signal, onCreated, onProgress }) {
      const restored = await restoreArchive(plan.kc, loaded(), {
        sourceNamespace: plan.sourceNamespace,
        targetNamespace: plan.targetNamespace,
        drillId: plan.drillId,
        allowExistingNamespace: plan.allowExistingNamespace,
        signal,
        onCreated,
        onProgress,
      });
      // In a namespace the drill made, a name taken meanwhile was taken by the cluster (a controller), as objects left to it are.
      existing = restored.namespaceCreated ? [] : restored.existing;
      const lines = [`Created ${restored.created.length} objects`];
      if (restored.crdsPresent.length) lines.push(`CRDs the target had already: ${restored.crdsPresent.join(', ')}`);
      if (restored.existing.length) lines.push(`There already, left as they were: ${restored.existing.slice(0, 20).join(', ')}${restored.existing.length > 20 ? ', …' : ''}`);
      if (restored.leftToCluster.length) lines.push(`Left to the cluster: ${restored.leftToCluster.length} objects (${restored.leftToCluster.slice(0, 5).map((l) => `${l.object}: ${l.reason}`).join('; ')}${restored.leftToCluster.length > 5 ? '; …' : ''})`);
      // Each refusal named up to a point: the timeline is capped, and its start must stay in it.
      for (const f of restored.failed.slice(0, NAMED_REFUSALS)) lines.push(`Not restored: ${f.object}: ${f.message}`);
      const more = restored.failed.length - NAMED_REFUSALS;
      if (more > 0) lines.push(`Not restored: ${more} more objects, each refused by the target (see Kinds and counts)`);
      return lines;
    },
    async verify({ signal, checks, onProgress }) {
      const results = await verifyRestore(plan.kc, loaded(), { sourceNamespace: plan.sourceNamespace, targetNamespace: plan.targetNamespace, checks, signal, onProgress });
      if (!existing.length) return results;
      const notRestored = `${existing.length} were there before the drill and were not restored by it: ${existing.slice(0, 20).join(', ')}${existing.length > 20 ? ', …' : ''}.`;
      return results.map((c) => (c.name === KINDS_CHECK ? { ...c, passed: false, detail: `${c.detail} ${notRestored}` } : c));
    },
  };
}

/** Intervals and bounds; the defaults suit the app, tests shorten them. */
export interface DrillDeps {
  recorder: DrillRecorder;
  /** Between readiness polls; default 1 s. */
  readyIntervalMs?: number;
  /** How long a cleanup waits for what it deleted to go; default 5 minutes. */
  cleanupTimeoutMs?: number;
  /** Between a cleanup's looks; default 1 s. */
  cleanupIntervalMs?: number;
}

/** A drill that ran to its end and failed (a check, or a target missed): the task fails with its reasons; `result` is what it measured. */
export class DrillFailed extends AppError {
  constructor(
    message: string,
    readonly result: DrillRunResult,
  ) {
    super('DRILL_FAILED', message);
    this.name = 'DrillFailed';
  }
}

/** What a finished drill task returns, for its result and report. */
export interface DrillRunResult {
  outcome: 'passed' | 'failed';
  rtoMs?: number;
  rpoMs: number;
  checksPassed: number;
  checksFailed: number;
  kept: boolean;
  leftovers: number;
}

/**
 * Whether a drill that ran to the end passed: every check passed and RTO and
 * RPO are within their targets when set (an RTO never reached misses its
 * target). With the reasons it did not, in words.
 */
export function judgeDrill(m: { checks: DrillCheckResult[]; rtoMs?: number; rpoMs: number; rtoTargetMs?: number; rpoTargetMs?: number }): { outcome: 'passed' | 'failed'; reasons: string[] } {
  const reasons: string[] = [];
  const failed = m.checks.filter((c) => !c.passed);
  if (failed.length) reasons.push(`${failed.length} check${failed.length === 1 ? '' : 's'} failed (${failed.map((c) => c.name).join(', ')})`);
  if (m.rtoTargetMs !== undefined) {
    if (m.rtoMs === undefined) reasons.push(`the workloads never were all ready, so the RTO target of ${formatDuration(m.rtoTargetMs)} was missed`);
    else if (m.rtoMs > m.rtoTargetMs) reasons.push(`RTO ${formatDuration(m.rtoMs)} is over its target of ${formatDuration(m.rtoTargetMs)}`);
  }
  if (m.rpoTargetMs !== undefined && m.rpoMs > m.rpoTargetMs) reasons.push(`RPO ${formatDuration(m.rpoMs)} is over its target of ${formatDuration(m.rpoTargetMs)}`);
  return { outcome: reasons.length ? 'failed' : 'passed', reasons };
}

/** The drill's RPO: drill start − backup taken, never negative (a clock ahead of the source's). */
export function rpoOf(startedAt: number, backupTakenAt: string): number {
  const taken = Date.parse(backupTakenAt);
  return Number.isNaN(taken) ? 0 : Math.max(0, Math.round(startedAt - taken));
}

/**
 * A drill's task: `run` for the task runner, `cleanup` for its `cleanup`
 * option (it deletes what the run created when the run failed or was
 * cancelled, unless the drill is to be kept):
 *
 *     const task = drillTask(deps, plan);
 *     runner.start(spec, task.run, { cleanup: task.cleanup });
 *
 * `run` records the outcome however it ends; it resolves for a drill that
 * passed, rejects with {@link DrillFailed} for one that ran to the end and
 * failed (after its cleanup), and with the cause when one could not run to
 * the end (the archive unreadable, the apiserver gone, a cancel).
 */
export function drillTask(deps: DrillDeps, plan: DrillPlan): { run: (ctx: TaskContext) => Promise<DrillRunResult>; cleanup: (ctx: TaskContext) => Promise<void> } {
  const { recorder } = deps;
  const now = plan.now ?? Date.now;
  const restorer = 'restorer' in plan ? plan.restorer : archiveRestorer(plan);
  const created: CreatedRef[] = [];
  let cleanedUp = false;

  const clean = async (ctx: TaskContext, phase: DrillPhase): Promise<{ kept: boolean; leftovers: number }> => {
    if (plan.keep) {
      recorder.event(phase, created.length ? `Kept as asked: ${created.length} created objects left in ${plan.targetNamespace}` : 'Kept as asked; nothing was created');
      return { kept: true, leftovers: created.length };
    }
    if (!created.length) {
      recorder.event(phase, 'Nothing to clean up: the drill created nothing');
      return { kept: false, leftovers: 0 };
    }
    recorder.event(phase, `Deleting the ${created.length} objects the drill created${created.some((r) => r.kind === 'Namespace') ? `, namespace ${plan.targetNamespace} with its contents` : ''}`);
    let result: CleanupResult;
    try {
      result = await cleanupDrill(plan.kc, created, {
        timeoutMs: deps.cleanupTimeoutMs,
        intervalMs: deps.cleanupIntervalMs,
        onProgress: (done, total, message) => ctx.progress(done, total, message),
      });
    } catch (err) {
      recorder.event(phase, `Clean up failed: ${messageOf(err)}`);
      return { kept: true, leftovers: created.length };
    }
    cleanedUp = true;
    recorder.event(phase, result.summary);
    recorder.created([...created], result.left.length);
    return { kept: result.left.length > 0, leftovers: result.left.length };
  };

  const run = async (ctx: TaskContext): Promise<DrillRunResult> => {
    const startedAt = now();
    const rpoMs = rpoOf(startedAt, plan.backupTakenAt);
    let rtoMs: number | undefined;
    let checks: DrillCheckResult[] = [];
    let ran: DrillRunResult;
    let failure: string | undefined;
    try {
      ctx.phase('Check');
      recorder.event('Check', `Reading what will be restored and checking it`);
      ctx.progress(0, 0, 'Reading the backup');
      for (const line of await restorer.check(ctx.signal)) recorder.event('Check', line);
      ctx.throwIfCancelled();

      ctx.phase('Restore');
      const restoreStart = now();
      recorder.event('Restore', `Restoring ${plan.sourceNamespace} into ${plan.targetNamespace}`);
      const lines = await restorer.restore({
        signal: ctx.signal,
        onCreated: (ref) => {
          created.push(ref);
          recorder.created([...created], created.length);
        },
        onProgress: (done, total, message) => ctx.progress(done, total, message),
      });
      recorder.event('Restore', `Restored in ${formatDuration(now() - restoreStart)}`);
      for (const line of lines) recorder.event('Restore', line);
      ctx.throwIfCancelled();

      ctx.phase('Wait ready');
      const ready = await waitReady(plan.kc, plan.targetNamespace, {
        timeoutMs: plan.readyTimeoutMs,
        signal: ctx.signal,
        intervalMs: deps.readyIntervalMs,
        now,
        onProgress: (readyCount, total, notReady) => ctx.progress(readyCount, total, notReady.length ? `Not ready: ${describeNotReady(notReady, 3)}` : 'All ready'),
      });
      if (ready.allReady && ready.allReadyAt !== undefined) rtoMs = Math.max(0, ready.allReadyAt - restoreStart);
      recorder.event('Wait ready', rtoMs !== undefined ? `${ready.summary}, ${formatDuration(rtoMs)} after the restore started` : ready.summary);
      recorder.result({ rtoMs, rpoMs });
      ctx.throwIfCancelled();

      ctx.phase('Verify');
      checks = [
        { name: READY_CHECK, passed: ready.allReady, detail: ready.notReady.length ? ready.summary : `${ready.summary}.` },
        ...(await restorer.verify({ signal: ctx.signal, checks: plan.checks, onProgress: (done, total, message) => ctx.progress(done, total, message) })),
      ];
      for (const c of checks) recorder.event('Verify', `${c.name}: ${c.passed ? 'passed' : 'FAILED'}. ${c.detail}`);
      recorder.result({ checks });

      // Past here a cancel is refused: the cleanup and the verdict run to the end.
      ctx.phase('Clean up', { cancellable: false });
      const { kept, leftovers } = await clean(ctx, 'Clean up');

      ctx.phase('Report', { cancellable: false });
      const verdict = judgeDrill({ checks, rtoMs, rpoMs, rtoTargetMs: plan.rtoTargetMs, rpoTargetMs: plan.rpoTargetMs });
      const error = verdict.reasons.length ? capitalize(verdict.reasons.join('; ')) : undefined;
      recorder.event('Report', verdict.outcome === 'passed' ? 'The drill passed' : `The drill failed: ${verdict.reasons.join('; ')}`);
      recorder.result({ outcome: verdict.outcome, rtoMs, rpoMs, checks, ...(error ? { error } : {}), kept, leftovers });
      const failedChecks = checks.filter((c) => !c.passed).length;
      ran = { outcome: verdict.outcome, ...(rtoMs !== undefined ? { rtoMs } : {}), rpoMs, checksPassed: checks.length - failedChecks, checksFailed: failedChecks, kept, leftovers };
      failure = error;
    } catch (err) {
      const cancelled = ctx.signal.aborted;
      // The runner's reason says who cancelled: "Cancelled by ana".
      const message = cancelled ? (ctx.signal.reason instanceof Error ? ctx.signal.reason.message : 'Cancelled') : messageOf(err);
      const partly = err instanceof RestoreStopped ? ` ${err.created.length ? `Created so far: ${err.created.slice(0, 10).map(createdLabel).join(', ')}${err.created.length > 10 ? ', …' : ''}.` : ''}` : '';
      recorder.event('Report', `${cancelled ? 'The drill was cancelled' : `The drill stopped: ${message}`}.${partly}`);
      recorder.result({ outcome: cancelled ? 'cancelled' : 'failed', error: message, rtoMs, rpoMs, checks, kept: plan.keep || created.length > 0, leftovers: created.length });
      throw err;
    }
    // Ran to the end and failed: its record says so already; the task (and its audit entry) must not say succeeded.
    if (ran.outcome === 'failed') throw new DrillFailed(failure ?? 'The drill failed', ran);
    return ran;
  };

  const cleanup = async (ctx: TaskContext): Promise<void> => {
    if (cleanedUp) return;
    const { kept, leftovers } = await clean(ctx, 'Clean up');
    recorder.result({ kept, leftovers });
  };

  return { run, cleanup };
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

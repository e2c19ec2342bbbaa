/**
 * Starting drills and cleaning up after them: a drill's request checked
 * before anything is recorded (the backup complete and holding the
 * namespace, the target connection known and confirmed when production, the
 * target namespace never the backed-up one on its own connection), its
 * record in the store kept in step with the run through a recorder, and the
 * task started; a later cleanup of what a failed or kept drill left.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { DrillRequest } from '../../../shared/contract/drills';
import { AppError } from '../../../shared/result';
import type { ConnectionService } from '../connections/connectionService';
import { connectionNameOf } from '../kube/actions/kubeActionTarget';
import type { KubeAccess } from '../kube/client/kubeAccess';
import { checkConfirmation, type ConfirmedAction } from '../pipelines/applyTask';
import type { TaskRunner } from '../tasks/taskRunner';
import { readArchive } from './archive/archiveReader';
import { archiveStoreFor } from './archive/archiveStores';
import type { DrillKeys } from './archive/secretCrypto';
import { cleanupDrill } from './drill/cleanup';
import { DRILL_PHASES, DrillFailed, drillTask, rpoOf, type DrillRecorder, type DrillRestorer, type VerifiedArchiveLoader } from './drill/drillRun';
import { drillMarkdown, formatDuration } from './drill/report';
import { newId, type DrillStore } from './drillStore';
import { readVeleroBackup } from './velero/veleroRestore';
import { backupTakenAt, backupRefusal } from './velero/veleroShapes';
import { veleroRestorer } from './velero/veleroDrill';

/** How a drill's objects come back: from a Pilothouse archive, or by an engine's restorer (Velero). */
type RestoreWith = { loadArchive: VerifiedArchiveLoader; allowExistingNamespace: boolean } | { restorer: DrillRestorer };

/** The refusals of a production target without its name typed. */
const DRILL_ACTION: ConfirmedAction = { verb: 'restore a drill into it', nothingDone: 'Nothing was restored' };
const CLEANUP_ACTION: ConfirmedAction = { verb: 'clean up a drill on it', nothingDone: 'Nothing was deleted' };
/** How long workloads may take to become ready when neither the request nor a target says. */
const DEFAULT_READY_TIMEOUT_MS = 10 * 60_000;
/** Least time between two writes of a growing list of created objects, and between two `drills.changed`. */
const PERSIST_MS = 200;

export interface DrillsDeps {
  access: Pick<KubeAccess, 'config'>;
  connections: Pick<ConnectionService, 'list' | 'awsAccessOf'>;
  runner: Pick<TaskRunner, 'start' | 'get'>;
  store: DrillStore;
  keys: Pick<DrillKeys, 'byId'>;
  now: () => number;
  /** Announces that drills changed (the page refetches). */
  changed: () => void;
}

/** A failed drill's task summary: why, and what it measured. */
function failedSummary({ message, result }: DrillFailed): string {
  const rto = result.rtoMs !== undefined ? `RTO ${formatDuration(result.rtoMs)}` : 'RTO not reached';
  const left = result.leftovers ? `; ${result.leftovers} objects left behind (Clean up on the DR drills page)` : '';
  return `**The drill failed**: ${message}. ${rto}, RPO ${formatDuration(result.rpoMs)}; ${result.checksPassed} checks passed, ${result.checksFailed} failed${left}.`;
}

/** `drill-<namespace>-<yyyymmddhhmmss>`, cut to a namespace's 63 characters (the time kept whole). */
export function drillNamespaceName(namespace: string, at: Date): string {
  const time = at.toISOString().slice(0, 19).replace(/[-:T]/g, '');
  const room = 63 - 'drill-'.length - 1 - time.length;
  return `drill-${namespace.slice(0, room).replace(/-+$/, '')}-${time}`;
}

export function createDrills(deps: DrillsDeps) {
  const { access, connections, runner, store, now, changed } = deps;
  const iso = () => new Date(now()).toISOString();

  /** Throttles `fn` to once per {@link PERSIST_MS}, with a trailing call; `flush` runs a pending one now, `now` runs it now regardless. */
  function throttled(fn: () => void): { call: () => void; flush: () => void; now: () => void } {
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      clearTimeout(timer);
      timer = undefined;
      last = Date.now();
      fn();
    };
    return {
      call: () => {
        if (Date.now() - last >= PERSIST_MS) return flush();
        timer ??= setTimeout(flush, PERSIST_MS - (Date.now() - last));
      },
      flush: () => timer !== undefined && flush(),
      now: flush,
    };
  }

  /**
   * The store's side of a running drill: every line and result at once; the
   * growing list of created objects at once when the newest is not inside a
   * namespace the drill created (deleting that namespace would not remove
   * it: a CRD, or an object beside others), else at most every {@link PERSIST_MS}.
   */
  function recorderFor(id: string): DrillRecorder & { flush: () => void } {
    let pending: Parameters<DrillRecorder['created']> | undefined;
    const announce = throttled(changed);
    const persist = throttled(() => {
      if (pending) store.drillCreated(id, ...pending);
      pending = undefined;
      announce.call();
    });
    const flush = () => {
      persist.flush();
      announce.flush();
    };
    return {
      event(phase, message) {
        persist.flush();
        store.drillEvent(id, { at: iso(), phase, message });
        announce.call();
      },
      created(refs, leftovers) {
        pending = [refs, leftovers];
        const newest = refs.at(-1);
        const covered = newest?.namespace !== undefined && refs.some((r) => r.kind === 'Namespace' && r.group === '' && r.name === newest.namespace);
        if (covered) persist.call();
        else persist.now();
      },
      result(fields) {
        persist.flush();
        const finished = fields.outcome !== undefined && fields.outcome !== 'running';
        store.updateDrill(id, {
          ...(fields.outcome !== undefined ? { outcome: fields.outcome } : {}),
          ...(fields.error !== undefined ? { error: fields.error } : {}),
          ...(fields.rtoMs !== undefined ? { rtoMs: fields.rtoMs } : {}),
          ...(fields.checks !== undefined ? { checks: fields.checks } : {}),
          ...(fields.kept !== undefined ? { kept: fields.kept } : {}),
          ...(fields.leftovers !== undefined ? { leftovers: fields.leftovers } : {}),
          ...(finished ? { finishedAt: iso() } : {}),
        });
        announce.flush();
        changed();
      },
      flush,
    };
  }

  /**
   * What the drill restores from, checked before anything is recorded: the
   * source's connection, when its backup was taken, and how it restores.
   */
  async function sourceOf(request: DrillRequest): Promise<{ connectionId: string; connectionName: string; takenAt: string; restoreWith: (drillId: string, targetNamespace: string, kc: KubeConfig) => RestoreWith }> {
    const { source, namespace } = request;
    if (source.kind === 'velero') {
      const connectionName = connectionNameOf(connections, source.connectionId);
      if (request.targetConnectionId !== source.connectionId) throw new AppError('VALIDATION', `Velero restores into the cluster it runs on: restore this backup on ${connectionName}. Nothing was restored`);
      if (request.allowExistingNamespace) throw new AppError('VALIDATION', 'A Velero drill restores into a new namespace only, so that its cleanup deletes nothing else. Nothing was restored');
      const backup = await readVeleroBackup(await access.config(source.connectionId), source.veleroNamespace, source.backupName);
      const refusal = backupRefusal(backup, namespace);
      if (refusal) throw new AppError('VALIDATION', `${refusal}. Nothing was restored`);
      const takenAt = backupTakenAt(backup);
      if (!takenAt) throw new AppError('VALIDATION', `Velero Backup "${source.backupName}" has no start time: it never ran. Nothing was restored`);
      return {
        connectionId: source.connectionId,
        connectionName,
        takenAt,
        restoreWith: (drillId, targetNamespace, kc) => ({
          restorer: veleroRestorer({ drillId, kc, veleroNamespace: source.veleroNamespace, backupName: source.backupName, sourceNamespace: namespace, targetNamespace }),
        }),
      };
    }
    const backup = store.getBackup(source.backupId);
    if (backup.status !== 'complete') throw new AppError('CONFLICT', `Backup ${backup.name} ${backup.status === 'running' ? 'is still being written' : 'failed'}: choose a complete one`);
    if (!backup.namespaces.includes(namespace)) throw new AppError('VALIDATION', `Backup ${backup.name} holds ${backup.namespaces.join(', ')}, not ${namespace}`);
    const loadArchive = async (signal: AbortSignal) => {
      const archives = archiveStoreFor(backup.target, connections);
      try {
        return await readArchive(archives, backup.name, { manifestSha256: backup.manifestSha256, keys: deps.keys, signal });
      } finally {
        archives.close();
      }
    };
    return {
      connectionId: backup.connectionId,
      connectionName: backup.connectionName,
      takenAt: backup.takenAt,
      restoreWith: () => ({ loadArchive, allowExistingNamespace: request.allowExistingNamespace }),
    };
  }

  /** Whether a task is still at work (a failed drill's task runs its cleanup after the outcome is recorded); a task the runner no longer knows is not. */
  function taskAtWork(taskId: string): boolean {
    try {
      const { status } = runner.get(taskId);
      return status === 'running' || status === 'cancelling';
    } catch {
      return false;
    }
  }

  /** Whether the source connection (when still stored) reaches the same apiserver as `target`: another connection to one cluster is still that cluster. */
  async function sameApiserver(sourceConnectionId: string, target: KubeConfig): Promise<boolean> {
    let source: KubeConfig;
    try {
      source = await access.config(sourceConnectionId);
    } catch {
      return false;
    }
    const server = (kc: KubeConfig) => kc.getCurrentCluster()?.server.replace(/\/+$/, '').toLowerCase();
    return server(source) !== undefined && server(source) === server(target);
  }

  return {
    /** Starts a drill as a task; refused before anything is recorded when the request cannot be. */
    async start(request: DrillRequest, actor: string) {
      const source = await sourceOf(request);
      const targetName = checkConfirmation(connections, { connectionId: request.targetConnectionId, confirmName: request.confirmName }, DRILL_ACTION);
      const startedAt = now();
      const targetNamespace = request.targetNamespace ?? drillNamespaceName(request.namespace, new Date(startedAt));
      const kc = await access.config(request.targetConnectionId);
      if (targetNamespace === request.namespace && (request.targetConnectionId === source.connectionId || (await sameApiserver(source.connectionId, kc)))) {
        throw new AppError('VALIDATION', `A drill never restores into ${request.namespace} on ${targetName}, the namespace it backed up: choose another namespace or connection. Nothing was restored`);
      }
      // Nothing is awaited from here to the drill's record, so two starts cannot both pass this.
      const busy = store.runningDrillInto(request.targetConnectionId, targetNamespace);
      if (busy) throw new AppError('CONFLICT', `The drill of ${busy.sourceNamespace} started ${busy.startedAt} is restoring into ${targetNamespace} on ${targetName}: wait until it ends, or choose another namespace. Nothing was restored`);
      const target = store.getTarget(source.connectionId, request.namespace);
      const id = newId('dr');
      const rtoTargetMs = target && target.rtoSeconds * 1000;
      const rpoTargetMs = target && target.rpoSeconds * 1000;
      store.startDrill({
        id,
        source: request.source,
        sourceConnectionId: source.connectionId,
        sourceConnectionName: source.connectionName,
        sourceNamespace: request.namespace,
        targetConnectionId: request.targetConnectionId,
        targetConnectionName: targetName,
        targetNamespace,
        startedAt: new Date(startedAt).toISOString(),
        backupTakenAt: source.takenAt,
        rpoMs: rpoOf(startedAt, source.takenAt),
        rtoTargetMs,
        rpoTargetMs,
        kept: request.keep,
      });
      const recorder = recorderFor(id);
      const task = drillTask(
        { recorder },
        {
          ...source.restoreWith(id, targetNamespace, kc),
          drillId: id,
          kc,
          sourceNamespace: request.namespace,
          targetNamespace,
          keep: request.keep,
          checks: target?.checks ?? [],
          readyTimeoutMs: request.readyTimeoutSeconds !== undefined ? request.readyTimeoutSeconds * 1000 : (rtoTargetMs ?? DEFAULT_READY_TIMEOUT_MS),
          rtoTargetMs,
          rpoTargetMs,
          backupTakenAt: source.takenAt,
          now,
        },
      );
      const started = runner.start(
        {
          kind: 'drills.drill',
          title: `Drill ${request.namespace} of ${source.connectionName} into ${targetName}/${targetNamespace}`,
          target: `${targetName}/${targetNamespace}`,
          connectionId: request.targetConnectionId,
          connectionName: targetName,
          actor,
          phases: [...DRILL_PHASES],
          unit: 'objects',
        },
        async (ctx) => {
          try {
            return await task.run(ctx);
          } catch (err) {
            // The task fails with the drill: its tray line and audit entry say why, with the figures.
            if (err instanceof DrillFailed) ctx.record({ summary: failedSummary(err) });
            throw err;
          }
        },
        {
          cleanup: async (ctx) => {
            try {
              await task.cleanup(ctx);
            } finally {
              recorder.flush();
            }
          },
          describe: (r) => ({
            result: { outcome: r.outcome, rtoMs: r.rtoMs ?? null, rpoMs: r.rpoMs, checksPassed: r.checksPassed, checksFailed: r.checksFailed, leftovers: r.leftovers },
            report: drillMarkdown(store.getDrill(id)),
          }),
        },
      );
      store.setDrillTask(id, started.id);
      changed();
      void started.done.then(() => {
        recorder.flush();
        changed();
      });
      const { report: _report, ...summary } = runner.get(started.id);
      return { taskId: started.id, drillId: id, task: summary };
    },

    /** Deletes what a finished drill left behind, as a task; refused while the drill runs or when nothing is left. */
    cleanup(params: { id: string; confirmName?: string }, actor: string) {
      const drill = store.getDrill(params.id);
      if (drill.outcome === 'running') throw new AppError('CONFLICT', 'This drill is still running: cancel it, and its cleanup runs');
      if (!drill.leftovers) throw new AppError('CONFLICT', 'This drill left nothing behind to clean up');
      if (drill.taskId !== undefined && taskAtWork(drill.taskId)) throw new AppError('CONFLICT', "This drill's own cleanup is under way: wait until its task ends, then clean up what it left");
      const targetName = checkConfirmation(connections, { connectionId: drill.targetConnectionId, confirmName: params.confirmName }, CLEANUP_ACTION);
      const refs = store.drillCreatedRefs(params.id);
      const started = runner.start(
        {
          kind: 'drills.cleanup',
          title: `Clean up drill ${drill.targetNamespace} on ${targetName}`,
          target: `${targetName}/${drill.targetNamespace}`,
          connectionId: drill.targetConnectionId,
          connectionName: targetName,
          actor,
          phases: ['Clean up'],
          unit: 'objects',
        },
        async (ctx) => {
          ctx.phase('Clean up', { cancellable: false });
          const kc = await access.config(drill.targetConnectionId);
          const result = await cleanupDrill(kc, refs, { onProgress: (done, total, message) => ctx.progress(done, total, message) });
          store.drillEvent(params.id, { at: iso(), phase: 'Clean up', message: `${result.summary} (cleanup by ${actor})` });
          store.updateDrill(params.id, { kept: result.left.length > 0, leftovers: result.left.length });
          changed();
          if (result.left.length) throw new AppError('CONFLICT', `${result.left.length} objects are still there: ${result.left.slice(0, 5).map((l) => `${l.ref.kind} ${l.ref.name} (${l.reason})`).join('; ')}`);
          return result;
        },
        {
          describe: (r) => ({ result: { removed: r.removed.length, left: r.left.length }, report: r.summary }),
        },
      );
      const { report: _report, ...task } = runner.get(started.id);
      return { taskId: started.id, task };
    },
  };
}

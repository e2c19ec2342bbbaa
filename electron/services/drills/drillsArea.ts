/**
 * The drills area: backups of namespaces into archives (a local folder or
 * S3), their schedules and retention, each namespace's RTO/RPO targets and
 * checks, Velero's objects where it runs, and drills — restore somewhere
 * safe, wait until ready, verify, measure, clean up, report — with their
 * history. Backups and drills are tasks (phases, progress, cancel with
 * cleanup), audited by the task runner; deleting a backup is audited too.
 */
import { drillsContract, type BackupSummary, type DrillReport } from '../../../shared/contract/drills';
import { AppError } from '../../../shared/result';
import type { ServiceArea } from '../app/serviceArea';
import type { AuditService } from '../audit/auditService';
import { audited } from '../audit/audited';
import type { ConnectionService } from '../connections/connectionService';
import { connectionNameOf } from '../kube/actions/kubeActionTarget';
import type { KubeAccess } from '../kube/client/kubeAccess';
import type { Logger } from '../logging/logger';
import type { EventHub } from '../rpc/eventHub';
import type { SecretBox } from '../secrets/secretBox';
import type { Database } from '../store/database';
import { TaskCancelled, type TaskRunner } from '../tasks/taskRunner';
import { archiveStoreFor, checkDestination } from './archive/archiveStores';
import { verifyArchive } from './archive/archiveReader';
import { createDrillKeys } from './archive/secretCrypto';
import { backupCleanup, backupName, BACKUP_PHASES, runBackup } from './backup/backupRun';
import { backupsInUse, dueSchedules } from './backup/schedules';
import { backupSummary, createDrillStore, newId, type BackupRecord, type DrillStore } from './drillStore';
import { createDrills } from './drills';
import { drillHtml, drillMarkdown } from './drill/report';
import { veleroOverview } from './velero/veleroOverview';

/** How often due schedules and due drills are looked for. */
const TICK_MS = 60_000;

/** What the drills area is built from. */
export interface DrillsAreaDeps {
  db: Database;
  access: KubeAccess;
  connections: Pick<ConnectionService, 'list' | 'awsAccessOf'>;
  audit: Pick<AuditService, 'record'>;
  hub: Pick<EventHub, 'publish'>;
  runner: Pick<TaskRunner, 'start' | 'get'>;
  secretBox: SecretBox;
  log: Logger;
  /** Prints a report to a PDF file the person picks (desktop only). */
  savePdf?: (html: string, fileName: string) => Promise<string | undefined>;
  now?: () => number;
  /** Between two looks for due schedules; tests shorten it. */
  tickMs?: number;
}

export function createDrillsArea(deps: DrillsAreaDeps): ServiceArea<typeof drillsContract> & { store: DrillStore } {
  const { db, access, connections, hub, runner, log } = deps;
  const now = deps.now ?? Date.now;
  const iso = () => new Date(now()).toISOString();
  const store = createDrillStore(db);
  const keys = createDrillKeys(db, deps.secretBox, () => new Date(now()));
  const changed = () => hub.publish('drills.changed', {});
  const connectionName = (id: string) => connections.list().find((c) => c.id === id)?.name ?? `(deleted connection ${id})`;
  const drills = createDrills({ access, connections, runner, store, keys, now, changed });
  /** Per schedule, when its last attempt failed or could not start: the tick waits before trying it again. */
  const failedAt = new Map<string, number>();
  /** Backups a running drill restores from. */
  const inUse = () => backupsInUse(store.listDrills({ limit: 1000 }));

  /** Removes an archive and its record, audited; the record goes even when the archive was already gone. */
  async function deleteBackup(backup: BackupRecord, actor: string): Promise<void> {
    await audited(
      deps.audit,
      { actor, action: 'drills.deleteBackup', target: backup.location, connectionId: backup.connectionId, connectionName: backup.connectionName },
      {
        prepare: async () => ({ before: `${backup.objectCount} objects of ${backup.namespaces.join(', ')}, taken ${backup.takenAt}`, state: undefined }),
        act: async () => {
          const archives = archiveStoreFor(backup.target, connections);
          try {
            await archives.remove(backup.name);
          } finally {
            archives.close();
          }
          store.deleteBackup(backup.id);
        },
        after: () => 'deleted',
      },
    );
    changed();
  }

  /**
   * Starts a backup task. A schedule's backup, once complete, deletes that
   * schedule's backups past its `keep`.
   */
  function startBackup(params: { connectionId: string; namespaces: string[]; destinationId: string }, actor: string, scheduleId?: string) {
    const name = connectionNameOf(connections, params.connectionId);
    const destination = store.getDestination(params.destinationId);
    const namespaces = [...new Set(params.namespaces)];
    const at = new Date(now());
    const id = newId('bk');
    const archiveName = backupName(namespaces, at, id);
    const archives = archiveStoreFor(destination.target, connections);
    store.startBackup({ id, name: archiveName, connectionId: params.connectionId, connectionName: name, namespaces, destination, location: archives.location(archiveName), takenAt: at.toISOString(), scheduleId });
    changed();
    const started = runner.start(
      {
        kind: 'drills.backup',
        title: `Back up ${namespaces.join(', ')} of ${name}${scheduleId ? ' (scheduled)' : ''}`,
        target: `${name}/${namespaces.join(',')} → ${destination.name}`,
        connectionId: params.connectionId,
        connectionName: name,
        actor,
        phases: [...BACKUP_PHASES],
      },
      async (ctx) => {
        try {
          const result = await runBackup(ctx, { access, keys, store: archives, now: () => new Date(now()) }, { id, name: archiveName, connectionId: params.connectionId, connectionName: name, namespaces });
          const backup = store.completeBackup(id, result);
          changed();
          return { backup, leftOut: result.leftOut };
        } catch (err) {
          // Before the record says failed: the tick, seeing no backup running, must not start the schedule again during the cleanup.
          if (scheduleId) failedAt.set(scheduleId, now());
          store.failBackup(id, err instanceof AppError || err instanceof TaskCancelled ? err.message : 'The backup failed unexpectedly; see the log', iso());
          changed();
          throw err;
        } finally {
          archives.close();
        }
      },
      {
        cleanup: async () => {
          const cleaner = archiveStoreFor(destination.target, connections);
          try {
            await backupCleanup(cleaner, archiveName)();
          } finally {
            cleaner.close();
          }
        },
        describe: ({ backup, leftOut }) => ({
          result: { objects: backup.objectCount, secrets: backup.secretCount, bytes: backup.bytes, skipped: backup.skipped.length },
          report: backupReport(backup, leftOut),
        }),
      },
    );
    if (scheduleId) {
      void started.done.then(async (task) => {
        if (task.status !== 'succeeded') {
          failedAt.set(scheduleId, now());
          return;
        }
        failedAt.delete(scheduleId);
        await applyRetention(scheduleId);
      });
    }
    const { report: _report, ...task } = runner.get(started.id);
    return { taskId: started.id, backupId: id, task };
  }

  /**
   * Deletes a schedule's complete backups past its `keep` (newest kept), each
   * audited as the schedule's; one a running drill restores from stays until
   * the next retention.
   */
  async function applyRetention(scheduleId: string): Promise<void> {
    let keep: number;
    try {
      keep = store.getSchedule(scheduleId, now()).keep;
    } catch {
      return;
    }
    const reading = inUse();
    for (const old of store.expiredBackups(scheduleId, keep)) {
      if (reading.has(old.id)) continue;
      await deleteBackup(old, 'schedule').catch((err: unknown) => log.warn('retention could not delete a backup', { backup: old.id, error: err }));
    }
  }

  /**
   * Starts every due schedule's backup, one at a time per schedule; one that
   * just failed waits (see `dueSchedules`). (A due drill is the alerts area's `drill-overdue` rule.)
   */
  function tick(): void {
    const running = new Set(store.listBackups({ status: 'running', limit: 1000 }).map((b) => b.scheduleId));
    for (const schedule of dueSchedules(store.listSchedules(now()), running, failedAt, now())) {
      try {
        startBackup(schedule, 'schedule', schedule.id);
      } catch (err) {
        failedAt.set(schedule.id, now());
        log.warn('a scheduled backup could not start', { schedule: schedule.id, error: err });
      }
    }
  }
  const timer = setInterval(tick, deps.tickMs ?? TICK_MS);
  timer.unref?.();
  // What a previous run left: backups marked failed (their partial archives removed), drills interrupted (their leftovers offered for cleanup).
  for (const stopped of store.failStoppedBackups(iso())) {
    const archives = archiveStoreFor(stopped.target, connections);
    void archives
      .remove(stopped.name)
      .catch((err: unknown) => log.warn('a stopped backup’s partial archive could not be removed', { backup: stopped.id, error: err }))
      .finally(() => archives.close());
  }
  store.interruptStoppedDrills(iso());
  queueMicrotask(tick);

  return {
    contract: drillsContract,
    store,
    handlers: {
      'drills.overview': ({ connectionId }) => ({
        namespaces: store.namespaceStatuses(now(), connectionId, connectionName),
        destinations: store.listDestinations(),
        schedules: store.listSchedules(now()).filter((s) => !connectionId || s.connectionId === connectionId),
      }),
      'drills.backups': (q) => store.listBackups(q).map(backupSummary),
      'drills.saveDestination': async (input) => {
        await checkDestination(input.target, connections);
        const saved = store.saveDestination(input, iso());
        changed();
        return saved;
      },
      'drills.deleteDestination': ({ id }) => {
        store.deleteDestination(id);
        changed();
        return {};
      },
      'drills.startBackup': (params, ctx) => startBackup(params, ctx.actor),
      'drills.verifyBackup': async ({ id }) => {
        const backup = store.getBackup(id);
        if (backup.status !== 'complete') throw new AppError('CONFLICT', `This backup ${backup.status === 'running' ? 'is still being written' : 'failed'}: there is no archive to check`);
        const archives = archiveStoreFor(backup.target, connections);
        try {
          return await verifyArchive(archives, backup.name, { manifestSha256: backup.manifestSha256, keys });
        } finally {
          archives.close();
        }
      },
      'drills.deleteBackup': async ({ id }, ctx) => {
        const backup = store.getBackup(id);
        if (backup.status === 'running') throw new AppError('CONFLICT', 'This backup is still being written: cancel its task first');
        if (inUse().has(backup.id)) throw new AppError('CONFLICT', 'A drill is restoring from this backup: delete it once the drill has ended');
        await deleteBackup(backup, ctx.actor);
        return {};
      },
      'drills.saveSchedule': (input) => {
        connectionNameOf(connections, input.connectionId);
        const saved = store.saveSchedule(input, now());
        changed();
        queueMicrotask(tick);
        return saved;
      },
      'drills.deleteSchedule': ({ id }) => {
        store.deleteSchedule(id);
        changed();
        return {};
      },
      'drills.saveTarget': (target) => {
        connectionNameOf(connections, target.connectionId);
        const saved = store.saveTarget(target);
        changed();
        return saved;
      },
      'drills.deleteTarget': ({ connectionId, namespace }) => {
        store.deleteTarget(connectionId, namespace);
        changed();
        return {};
      },
      'drills.start': (request, ctx) => drills.start(request, ctx.actor),
      'drills.list': (q) => store.listDrills(q),
      'drills.get': ({ id }) => store.getDrill(id),
      'drills.report': ({ id, format }): DrillReport => {
        const detail = store.getDrill(id);
        const base = reportName(detail);
        return format === 'markdown'
          ? { fileName: `${base}.md`, mimeType: 'text/markdown', text: drillMarkdown(detail) }
          : { fileName: `${base}.html`, mimeType: 'text/html', text: drillHtml(detail) };
      },
      'drills.savePdf': async ({ id }) => {
        if (!deps.savePdf) throw new AppError('UNSUPPORTED', 'Saving as PDF needs the desktop app; export the HTML report and print it from a browser instead');
        const detail = store.getDrill(id);
        const path = await deps.savePdf(drillHtml(detail), `${reportName(detail)}.pdf`);
        return path ? { path } : {};
      },
      'drills.cleanup': (params, ctx) => drills.cleanup(params, ctx.actor),
      'drills.velero': ({ connectionId }) => {
        connectionNameOf(connections, connectionId);
        return veleroOverview(access, connectionId);
      },
    },
    endSession: () => undefined,
    close: () => clearInterval(timer),
  };
}

/** A drill report's file name without its extension: `drill-<namespace>-<yyyymmddThhmmss>`, one per drill start. */
function reportName(d: { sourceNamespace: string; startedAt: string }): string {
  return `drill-${d.sourceNamespace}-${d.startedAt.slice(0, 19).replace(/[-:]/g, '')}`;
}

/** A backup task's report: what was written where, and what was left out and why. */
function backupReport(b: BackupSummary, leftOut: { kind: string; count: number; reason: string }[]): string {
  const lines = [
    `Backed up **${b.objectCount.toLocaleString('en')} objects** of ${b.namespaces.map((n) => `\`${n}\``).join(', ')} to ${b.location}.`,
    '',
    ...b.counts.map((c) => `- ${c.kind} (${c.apiVersion}): ${c.count}`),
  ];
  if (b.secretCount) lines.push('', `${b.secretCount} Secret(s) are encrypted in the archive with a key sealed in this Pilothouse's store.`);
  if (leftOut.length) lines.push('', 'Left out (the cluster makes them again):', ...leftOut.map((l) => `- ${l.count} ${l.kind}: ${l.reason}`));
  if (b.skipped.length) lines.push('', '**Not backed up** (a restore will lack them):', ...b.skipped.map((s) => `- ${s.resource}: ${s.reason}`));
  return lines.join('\n');
}

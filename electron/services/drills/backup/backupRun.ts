/**
 * A backup as a task: Discover (what the cluster serves, the namespaces),
 * Read (every listable resource of the namespaces, cleaned), Write (the
 * archive, Secrets encrypted), Verify (the archive read back against its
 * manifest). Cancel or failure leaves no archive: {@link backupCleanup}
 * removes what was written.
 */
import type { KindCount } from '../../../../shared/contract/drills';
import type { KubeAccess } from '../../kube/client/kubeAccess';
import type { TaskContext } from '../../tasks/taskRunner';
import type { ArchiveStore } from '../archive/archiveStores';
import type { ArchiveManifest } from '../archive/archiveTypes';
import { verifyArchive } from '../archive/archiveReader';
import { writeArchive } from '../archive/archiveWriter';
import type { DrillKeys } from '../archive/secretCrypto';
import { AppError } from '../../../../shared/result';
import { collectNamespaces, secretCount, type Collected } from './collect';

/** A backup's phases, in order. */
export const BACKUP_PHASES = ['Discover', 'Read', 'Write', 'Verify'] as const;

/** What a backup needs. */
export interface BackupDeps {
  access: Pick<KubeAccess, 'config' | 'discover'>;
  keys: Pick<DrillKeys, 'current' | 'byId'>;
  /** The destination's store. */
  store: ArchiveStore;
  now?: () => Date;
}

/** The backup to make. */
export interface BackupRequest {
  /** The backup's id: its record's and its manifest's. */
  id: string;
  /** The archive's name, from {@link backupName}. */
  name: string;
  connectionId: string;
  connectionName: string;
  namespaces: string[];
}

/** A backup made and verified. */
export interface BackupResult {
  name: string;
  location: string;
  manifest: ArchiveManifest;
  /** What the backup's record keeps, so a swapped manifest is refused later. */
  manifestSha256: string;
  bytes: number;
  /** When the objects were read (the manifest's `takenAt`). */
  takenAt: string;
  finishedAt: string;
  objectCount: number;
  secretCount: number;
  counts: KindCount[];
  skipped: { resource: string; reason: string }[];
  /** Objects listed and left out because the cluster recreates them, per kind and reason. */
  leftOut: Collected['leftOut'];
  /** The key the Secrets are encrypted with; absent when there is none. */
  keyId?: string;
}

/** A compact UTC time for names: 20261204T101500Z. */
const compactUtc = (at: Date) => at.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');

/**
 * The archive name of backup `id` of `namespaces` at `at`:
 * `pilothouse-<first namespace>[-and-N-more]-<UTC yyyymmddThhmmssZ>-<last 6 characters of id>`.
 * The id's end keeps apart two backups of one namespace started in the same
 * second (two schedules due at once, the same namespace of two clusters), which
 * would otherwise write into, and clean up, one archive.
 */
export function backupName(namespaces: readonly string[], at: Date, id: string): string {
  const first = (namespaces[0] ?? 'backup').replace(/[^a-z0-9-]/g, '-');
  const more = namespaces.length > 1 ? `-and-${namespaces.length - 1}-more` : '';
  const unique = id.toLowerCase().replace(/[^a-z0-9]/g, '').slice(-6);
  return `pilothouse-${first}${more}-${compactUtc(at)}-${unique}`;
}

/** "3 objects", "1 object". */
const objectsWord = (n: number) => `${n.toLocaleString('en')} ${n === 1 ? 'object' : 'objects'}`;

/**
 * Backs up `request.namespaces` into `deps.store` as archive `request.name`,
 * reporting through `ctx`; give the task runner {@link backupCleanup} as the
 * task's cleanup.
 *
 * @throws AppError when the cluster, the destination or the verification fails; a cancel as the task runner raises it.
 */
export async function runBackup(ctx: TaskContext, deps: BackupDeps, request: BackupRequest): Promise<BackupResult> {
  const now = deps.now ?? (() => new Date());
  const { store, keys } = deps;
  ctx.phase('Discover');
  let takenAt = now().toISOString();
  const collected = await collectNamespaces(deps.access, request.connectionId, request.namespaces, {
    signal: ctx.signal,
    throwIfCancelled: () => ctx.throwIfCancelled(),
    onDiscovered: (lists) => {
      ctx.phase('Read');
      ctx.progress(0, lists, 'Listing resources');
      // The point a restore returns to: the lists start now.
      takenAt = now().toISOString();
    },
    onProgress: (done, total, objects) => ctx.progress(done, total, `${objectsWord(objects)} listed`),
  });
  ctx.throwIfCancelled();
  const { objects, skipped } = collected;
  ctx.log(`Read ${objectsWord(objects.length)} from ${request.namespaces.join(', ')}`);
  for (const s of skipped) ctx.log(`Skipped ${s.resource}: ${s.reason}`);
  for (const l of collected.leftOut) ctx.log(`Left out ${l.count} ${l.kind}: ${l.reason}`);

  ctx.phase('Write');
  const secrets = secretCount(objects);
  const key = secrets ? keys.current() : undefined;
  const written = await writeArchive(
    store,
    request.name,
    { id: request.id, takenAt, source: { connectionName: request.connectionName, ...(collected.server ? { server: collected.server } : {}) }, namespaces: request.namespaces, skipped },
    objects,
    { ...(key ? { key } : {}), signal: ctx.signal, now, onProgress: (done, total) => ctx.progress(done, total) },
  );
  ctx.log(`Wrote ${written.location}`);

  ctx.phase('Verify');
  const check = await verifyArchive(store, request.name, { manifestSha256: written.manifestSha256, keys, signal: ctx.signal, onProgress: (done, total) => ctx.progress(done, total) });
  if (!check.ok) throw new AppError('INTERNAL', `The archive did not read back as written: ${check.problems.slice(0, 3).join('; ')}`);
  // The point of no return: a cancel from here on is refused. One landing after the last check would have the task's cleanup
  // remove the archive of a backup then recorded complete.
  ctx.phase('Verify', { cancellable: false });
  const { manifest } = written;
  return {
    name: request.name,
    location: written.location,
    manifest,
    manifestSha256: written.manifestSha256,
    bytes: written.bytes,
    takenAt,
    finishedAt: manifest.finishedAt,
    objectCount: objects.length,
    secretCount: secrets,
    counts: manifest.counts,
    skipped,
    leftOut: collected.leftOut,
    ...(manifest.keyId ? { keyId: manifest.keyId } : {}),
  };
}

/** The task's cleanup: removes the archive, partial or whole, so a backup that did not finish leaves nothing. */
export function backupCleanup(store: ArchiveStore, name: string): () => Promise<void> {
  return () => store.remove(name);
}

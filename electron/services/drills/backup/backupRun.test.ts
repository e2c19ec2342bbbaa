import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { madeTempDir } from '../../../../test/support/tempDirs';
import { AesGcmSecretBox } from '../../secrets/aesGcmSecretBox';
import { openDatabase } from '../../store/database';
import type { TaskContext } from '../../tasks/taskRunner';
import { readArchive, verifyArchive } from '../archive/archiveReader';
import { createFolderStore, type ArchiveStore } from '../archive/archiveStores';
import { createDrillKeys, type DrillKeys } from '../archive/secretCrypto';
import { BACKUP_PHASES, backupCleanup, backupName, runBackup } from './backupRun';
import { FIXTURE_NAMESPACE as NS, startRecordedApiserver, type RecordedApiserver } from './testKit';

let bed: RecordedApiserver;
beforeAll(async () => {
  bed = await startRecordedApiserver();
});
afterAll(() => bed.close());

/** A task context that records what the backup reported, cancelled by `cancel()`. */
function context() {
  const controller = new AbortController();
  const phases: string[] = [];
  const progress: { phase: string; done: number; total: number }[] = [];
  const lines: string[] = [];
  const ctx: TaskContext = {
    id: 't1',
    signal: controller.signal,
    // As the task runner: a phase entered as not cancellable throws when the task was cancelled already.
    phase: (name, options) => {
      if (options?.cancellable === false) controller.signal.throwIfAborted();
      if (phases.at(-1) !== name) phases.push(name);
    },
    progress: (done, total) => progress.push({ phase: phases.at(-1)!, done, total }),
    throwIfCancelled: () => controller.signal.throwIfAborted(),
    log: (line) => lines.push(line),
    record: () => undefined,
  };
  return { ctx, phases, progress, lines, cancel: () => controller.abort(new Error('Cancelled by ann')) };
}

function setup(): { dir: string; store: ArchiveStore; keys: DrillKeys } {
  const dir = madeTempDir('ph-backup-');
  const db = openDatabase({ file: join(madeTempDir('ph-backup-db-'), 'pilothouse.db') });
  return { dir, store: createFolderStore(dir), keys: createDrillKeys(db, AesGcmSecretBox.fromKey(randomBytes(32), 'test')) };
}

const AT = new Date('2026-12-04T10:15:00.123Z');
const request = (name: string) => ({ id: 'b1', name, connectionId: 'c1', connectionName: 'primary', namespaces: [NS] });

describe('the archive name', () => {
  it('names the first namespace, how many more, the UTC time and the end of the backup id', () => {
    expect(backupName(['team-a'], AT, 'bk-0123456789abcdef')).toBe('pilothouse-team-a-20261204T101500Z-abcdef');
    expect(backupName(['team-a', 'team-b', 'ml'], AT, 'bk-0123456789abcdef')).toBe('pilothouse-team-a-and-2-more-20261204T101500Z-abcdef');
  });

  it('differs for two backups of the same namespace started in the same second (two schedules due at once, two clusters)', () => {
    expect(backupName(['team-a'], AT, 'bk-aaaaaaaaaaaa111111')).not.toBe(backupName(['team-a'], AT, 'bk-aaaaaaaaaaaa222222'));
  });
});

describe('a backup', () => {
  it('discovers, reads, writes and verifies, and the archive reads back with the Secret in clear', async () => {
    const { dir, store, keys } = setup();
    const { ctx, phases, progress, lines } = context();
    const name = backupName([NS], AT, 'bk-test01');
    const result = await runBackup(ctx, { access: bed.access, keys, store, now: () => AT }, request(name));
    expect(phases).toEqual([...BACKUP_PHASES]);
    // Progress per list while reading, per object while writing and verifying.
    expect(progress.filter((p) => p.phase === 'Write').at(-1)).toEqual({ phase: 'Write', done: 19, total: 19 });
    expect(progress.filter((p) => p.phase === 'Verify').at(-1)).toEqual({ phase: 'Verify', done: 19, total: 19 });
    expect(result).toMatchObject({ name, location: join(dir, name), objectCount: 19, secretCount: 1, skipped: [], takenAt: AT.toISOString(), keyId: keys.current().id });
    expect(result.counts).toContainEqual({ apiVersion: 'apps/v1', kind: 'Deployment', count: 1 });
    expect(result.bytes).toBeGreaterThan(1000);
    expect(lines).toContain('Left out 1 ReplicaSet: its Deployment recreates it');
    expect(readdirSync(dir)).toEqual([name]);
    const read = await readArchive(store, name, { manifestSha256: result.manifestSha256, keys });
    const secret = read.objects.find((o) => o.entry.kind === 'Secret')!;
    expect(secret.object.data).toEqual({ password: Buffer.from('s3cr3t-fixture-value').toString('base64') });
    expect(read.objects.map((o) => o.entry.order)).toEqual([...read.objects.map((o) => o.entry.order)].sort((a, b) => a - b));
  });

  it('cancelled while reading, leaves nothing behind once its cleanup ran', async () => {
    const { dir, store, keys } = setup();
    const { ctx, cancel } = context();
    const name = backupName([NS], AT, 'bk-test01');
    bed.onList = (path) => {
      if (path.endsWith('/pods')) cancel();
    };
    try {
      await expect(runBackup(ctx, { access: bed.access, keys, store }, request(name))).rejects.toThrow();
    } finally {
      bed.onList = undefined;
    }
    await backupCleanup(store, name)();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('cancelled while writing, leaves its partial archive to the cleanup, which removes it', async () => {
    const { dir, store, keys } = setup();
    const { ctx, cancel } = context();
    const name = backupName([NS], AT, 'bk-test01');
    const writing: ArchiveStore = {
      ...store,
      async write(n, path, bytes, signal) {
        await store.write(n, path, bytes, signal);
        if (path.includes('/secrets/')) cancel();
      },
    };
    await expect(runBackup(ctx, { access: bed.access, keys, store: writing }, request(name))).rejects.toThrow('Cancelled by ann');
    expect(readdirSync(dir)).toEqual([`.partial-${name}`]);
    await backupCleanup(store, name)();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('backs up 1,000 objects into a folder, written 16 at a time, each file synced and read back', async () => {
    const { dir, store, keys } = setup();
    const { ctx } = context();
    const saved = bed.recorded.lists['/configmaps'];
    const template = saved[0];
    bed.recorded.lists['/configmaps'] = Array.from({ length: 1000 }, (_, i) => ({ ...template, metadata: { ...template.metadata, name: `cm-${i}`, uid: `u${i}` } }));
    bed.pageSize = 500;
    try {
      const name = backupName([NS], AT, 'bk-test01');
      const started = performance.now();
      const result = await runBackup(ctx, { access: bed.access, keys, store }, request(name));
      // The figure against the 5 s target is bench/drills' (this machine runs other tests meanwhile); here, what it took.
      console.log(`backup of ${result.objectCount} objects into a folder: ${Math.round(performance.now() - started)} ms`);
      expect(result.objectCount).toBe(1018);
      expect(readdirSync(join(dir, name, 'objects', NS, 'core', 'configmaps'))).toHaveLength(1000);
      expect((await verifyArchive(store, name, { manifestSha256: result.manifestSha256, keys })).ok).toBe(true);
    } finally {
      bed.recorded.lists['/configmaps'] = saved;
      bed.pageSize = 2;
    }
  });

  it('cancelled as its last file is read back, is cancelled rather than complete, so its cleanup never removes a complete archive', async () => {
    const { store, keys } = setup();
    const { ctx, cancel } = context();
    const name = backupName([NS], AT, 'bk-test01');
    let reads = 0;
    const cancelling: ArchiveStore = {
      ...store,
      async read(n, path, max, signal) {
        const bytes = await store.read(n, path, max, signal);
        // The 19 objects and the manifest: the cancel lands once the last one is read, when nothing checks for it any more.
        if (++reads === 20) cancel();
        return bytes;
      },
    };
    await expect(runBackup(ctx, { access: bed.access, keys, store: cancelling }, request(name))).rejects.toThrow('Cancelled by ann');
  });

  it('fails when the archive does not read back as written', async () => {
    const { store, keys } = setup();
    const { ctx } = context();
    const name = backupName([NS], AT, 'bk-test01');
    const lying: ArchiveStore = {
      ...store,
      read: async (n, path, max, signal) => (path.includes('/configmaps/') ? Buffer.from('changed') : store.read(n, path, max, signal)),
    };
    await expect(runBackup(ctx, { access: bed.access, keys, store: lying }, request(name))).rejects.toThrow(/did not read back as written: objects\/h1-backup-fixture\/core\/configmaps\/app\.yaml was changed after the backup/);
  });
});

import { join } from 'node:path';
import type { HelmManifest, HelmRevision, HelmUnreadable } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { Logger } from '../logging/logger';
import { createWorkerPool, workerEntry, WorkerStopped, type WorkerPool } from '../workers/workerPool';
import { unreadableRow, type ReleaseDecoder, type ReleaseSecret } from './releaseSecrets';

/** What the release decode worker is asked. */
export type ReleaseJob = { kind: 'row'; secret: ReleaseSecret } | { kind: 'manifest'; secret: ReleaseSecret; revision: number };
/** What it answers: a row for `row`, a manifest for `manifest`. */
export type ReleaseJobResult = HelmRevision | HelmUnreadable | HelmManifest;

/** Heap of the decode worker: a release that decompresses to the 64 MiB allowed parses within a few hundred MB; one crafted to need more fails alone. */
const MAX_HEAP_MB = 768;
/** Decodes that may wait: a list, a history and two manifests at once, from a few windows. */
const MAX_WAITING = 16;
/** An idle worker ends after this long; polls of unchanged releases decode nothing, so it is idle most of the time. */
const IDLE_MS = 30_000;

/** A {@link ReleaseDecoder} in a worker thread, and its end. */
export interface ReleaseDecodePool extends ReleaseDecoder {
  /** Workers alive, decodes running and waiting. */
  stats(): { workers: number; running: number; waiting: number };
  /** Ends the worker; decodes in hand fail. */
  close(): Promise<void>;
}

/** Decodes release Secrets in one worker thread, started on the first decode, so the services' loop stays free. */
export function createReleaseDecodePool(log: Logger, options: { idleMs?: number } = {}): ReleaseDecodePool {
  let pool: WorkerPool<ReleaseJob, ReleaseJobResult> | undefined;
  const poolOf = () =>
    (pool ??= createWorkerPool({
      name: 'Helm release decode',
      entry: workerEntry('releaseWorker', import.meta.dirname, join(import.meta.dirname, 'releaseWorker.ts')),
      // One: the machine may have two cores, and the services' loop and the UI need one.
      size: 1,
      maxWaiting: MAX_WAITING,
      idleMs: options.idleMs ?? IDLE_MS,
      maxHeapMb: MAX_HEAP_MB,
      refuse: (inHand) => new AppError('BUSY', `Pilothouse is already reading ${inHand} Helm release Secrets; try again when they finish`),
      log,
    }));
  const tooLarge = (err: unknown) => err instanceof WorkerStopped && err.code === 'ERR_WORKER_OUT_OF_MEMORY';
  const tooLargeWords = `reading it took more than ${MAX_HEAP_MB} MB of memory, so Pilothouse stopped`;
  return {
    async row(secret, signal) {
      try {
        return (await poolOf().run({ kind: 'row', secret }, signal)) as HelmRevision | HelmUnreadable;
      } catch (err) {
        if (tooLarge(err)) return unreadableRow(secret, `Cannot read this release Secret: ${tooLargeWords}`);
        throw err;
      }
    },
    async manifest(secret, revision) {
      try {
        return (await poolOf().run({ kind: 'manifest', secret, revision })) as HelmManifest;
      } catch (err) {
        if (tooLarge(err)) throw new AppError('VALIDATION', `Cannot read the manifest of revision ${revision}: ${tooLargeWords}`);
        throw err;
      }
    },
    stats: () => pool?.stats() ?? { workers: 0, running: 0, waiting: 0 },
    close: () => pool?.close() ?? Promise.resolve(),
  };
}

import { join } from 'node:path';
import type { SchemaKind } from '../../../../shared/contract/pipelines';
import { AppError } from '../../../../shared/result';
import { megabytes } from '../../../../shared/sizeLimit';
import type { Logger } from '../../logging/logger';
import { createWorkerPool, workerEntry, WorkerStopped, type WorkerPool } from '../../workers/workerPool';
import type { KindSchema } from './openapiSchema';
import { runSchemaJob, type SchemaJob, type SchemaJobResults } from './schemaJobs';

/** Where the schema service parses documents (see schemaJobs.ts). */
export interface SchemaParser {
  /** Checks `text` is an OpenAPI v3 document and gzips it for the cache; UNREACHABLE when it is not one. */
  pack(groupVersion: string, text: string): Promise<Uint8Array>;
  /** Each of `kinds`' schema from a cached (gzip) document; null for a kind it does not serve. */
  reduce(body: Uint8Array, kinds: SchemaKind[]): Promise<(KindSchema | null)[]>;
  /** Ends the worker; parses in hand fail. */
  close(): Promise<void>;
}

/**
 * Heap of the worker: a 64 MB document (the most that is read) parses
 * within a few hundred MB; one crafted to need more fails alone.
 */
const MAX_HEAP_MB = 1024;
/** Parses that may wait: a spec's group-versions, from a few windows. */
const MAX_WAITING = 32;
/** An idle worker ends after this long, giving back what the last document took. */
const IDLE_MS = 30_000;

/** A {@link SchemaParser} on the calling thread: for tests and tools. */
export const parseOnThisThread: SchemaParser = {
  pack: async (groupVersion, text) => runSchemaJob({ kind: 'pack', groupVersion, text }) as SchemaJobResults['pack'],
  reduce: async (body, kinds) => runSchemaJob({ kind: 'reduce', body, kinds }) as SchemaJobResults['reduce'],
  close: async () => {},
};

/** A {@link SchemaParser} in one worker thread, started on the first parse, so the services' loop stays free. */
export function createSchemaParsePool(log: Logger, options: { idleMs?: number } = {}): SchemaParser {
  let pool: WorkerPool<SchemaJob, SchemaJobResults[SchemaJob['kind']]> | undefined;
  const poolOf = () =>
    (pool ??= createWorkerPool({
      name: 'OpenAPI schema parse',
      entry: workerEntry('schemaWorker', import.meta.dirname, join(import.meta.dirname, 'schemaWorker.ts')),
      // One: the machine may have two cores, and the services' loop and the UI need one.
      size: 1,
      maxWaiting: MAX_WAITING,
      idleMs: options.idleMs ?? IDLE_MS,
      maxHeapMb: MAX_HEAP_MB,
      refuse: (inHand) => new AppError('BUSY', `Pilothouse is already reading ${inHand} API schemas; try again when they finish`),
      log,
    }));
  const run = async <K extends SchemaJob['kind']>(job: Extract<SchemaJob, { kind: K }>): Promise<SchemaJobResults[K]> => {
    try {
      return (await poolOf().run(job)) as SchemaJobResults[K];
    } catch (err) {
      if (err instanceof WorkerStopped && err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        throw new AppError('FILE_TOO_LARGE', `Reading the cluster's API schema took more than ${megabytes(MAX_HEAP_MB * 1024 * 1024)} of memory, so Pilothouse stopped`);
      }
      throw err;
    }
  };
  return {
    pack: (groupVersion, text) => run({ kind: 'pack', groupVersion, text }),
    reduce: (body, kinds) => run({ kind: 'reduce', body, kinds }),
    close: () => pool?.close() ?? Promise.resolve(),
  };
}

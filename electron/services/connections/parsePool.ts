import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../../shared/result';
import type { Logger } from '../logging/logger';
import { createWorkerPool, workerEntry, WorkerStopped, type WorkerPool } from '../workers/workerPool';
import { jobTransferables, type ParseJob, type ParseResults } from './parseJobs';

/**
 * Parse workers: at most two, and one fewer than the cores. A 10 MiB
 * kubeconfig keeps a core busy for ~4 s and a few hundred MB of heap, so two
 * bound both the cores taken from the UI and the memory at its peak; on a
 * two-core machine one, leaving a core to the services' own loop and the UI.
 */
export const PARSE_WORKERS = Math.max(1, Math.min(2, availableParallelism() - 1));

/**
 * Parses that may wait for a worker. A person starts one per dialog; eight
 * covers several windows, or a script reading many files at once (the
 * responsiveness bench runs 8 previews in parallel). A waiting job holds only
 * its input, already in memory. Past that, the caller is told to come back
 * rather than queued behind half a minute of work it may have given up on.
 */
export const MAX_WAITING_PARSES = 8;

/** An idle worker ends after this long, so the heap a 10 MiB parse grew goes back to the system. */
const IDLE_MS = 30_000;

/**
 * Heap of one parse worker. A 10 MiB kubeconfig (5,400 contexts with their
 * certificates) parses within 128 MB, if slowly; four times that is room for
 * any shape the parser accepts, and a file crafted to blow up fails alone
 * here rather than taking the services down.
 */
const MAX_HEAP_MB = 512;

/** Young generation of a parse worker: a 10 MiB preview peaks ~50 MB lower than with V8's default, as fast. */
const YOUNG_HEAP_MB = 8;

/** Reads and parses kubeconfig and AWS files, and large Prometheus answers, in worker threads; see parseJobs.ts. */
export interface ParsePool {
  /**
   * Runs `job` off the event loop; rejects with the job's AppError,
   * `signal`'s reason, or BUSY when too many wait. A Prometheus answer's
   * bytes are moved to the worker: the caller can't read them afterwards.
   */
  run<K extends ParseJob['kind']>(job: Extract<ParseJob, { kind: K }>, signal?: AbortSignal): Promise<ParseResults[K]>;
  /** Workers alive, parses running and waiting. */
  stats(): { workers: number; running: number; waiting: number };
  /** Ends the workers; parses in hand fail. */
  close(): Promise<void>;
}

/** What a pool's parses read, in its log lines and in the errors a person sees. */
export interface ParsePurpose {
  /** For log lines: "kubeconfig/AWS parse". */
  name: string;
  /** The refusal when `inHand` parses are running or waiting already. */
  busy(inHand: number): AppError;
  /** The error of a parse that needed more than `maxHeapMb`. */
  tooLarge(maxHeapMb: number): AppError;
  /** Heap of each worker, when what it reads needs more than kubeconfigs do (512 MB). */
  maxHeapMb?: number;
}

/** The connections area's parses: kubeconfig and AWS files a person picked. */
export const FILE_PARSES: ParsePurpose = {
  name: 'kubeconfig/AWS parse',
  busy: (inHand) => new AppError('BUSY', `Pilothouse is already reading ${inHand} kubeconfig or AWS files; try again when they finish`),
  tooLarge: (mb) => new AppError('FILE_TOO_LARGE', `Reading this file took more than ${mb} MB of memory, so Pilothouse stopped; import its contexts from smaller files`),
};

/** Limits of a {@link ParsePool}; the defaults suit the app, tests shrink them. */
export interface ParsePoolOptions {
  size?: number;
  maxWaiting?: number;
  idleMs?: number;
  /** What the parses read (default {@link FILE_PARSES}). */
  purpose?: ParsePurpose;
}

/** A {@link ParsePool} whose workers start on the first parse and are reused. */
export function createParsePool(log: Logger, options: ParsePoolOptions = {}): ParsePool {
  let pool: WorkerPool<ParseJob, ParseResults[ParseJob['kind']]> | undefined;
  const purpose = options.purpose ?? FILE_PARSES;
  const maxHeapMb = purpose.maxHeapMb ?? MAX_HEAP_MB;
  // Built on first use: most starts never import anything.
  const poolOf = () =>
    (pool ??= createWorkerPool({
      name: purpose.name,
      entry: workerEntry('parseWorker', import.meta.dirname, join(import.meta.dirname, 'parseWorker.ts')),
      size: options.size ?? PARSE_WORKERS,
      maxWaiting: options.maxWaiting ?? MAX_WAITING_PARSES,
      idleMs: options.idleMs ?? IDLE_MS,
      maxHeapMb,
      youngHeapMb: YOUNG_HEAP_MB,
      refuse: (inHand) => purpose.busy(inHand),
      log,
    }));
  return {
    async run(job, signal) {
      try {
        return (await poolOf().run(job, signal, jobTransferables(job))) as ParseResults[typeof job.kind];
      } catch (err) {
        if (err instanceof WorkerStopped && err.code === 'ERR_WORKER_OUT_OF_MEMORY') throw purpose.tooLarge(maxHeapMb);
        throw err;
      }
    },
    stats: () => pool?.stats() ?? { workers: 0, running: 0, waiting: 0 },
    close: () => pool?.close() ?? Promise.resolve(),
  };
}

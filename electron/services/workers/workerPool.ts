import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type TransferListItem } from 'node:worker_threads';
import { AppError } from '../../../shared/result';
import type { Logger } from '../logging/logger';
import { errorFromWire, type JobMessage, type ReplyMessage } from './workerProtocol';

/** How to start a worker: a built script, or TypeScript sources through tsx. */
export interface WorkerEntry {
  script: string;
  /** `script` is code to evaluate rather than a file. */
  eval: boolean;
}

/**
 * The entry of worker `name`: the built `<name>.js` in `builtDir` (beside
 * the running bundle, see electron.vite.config.ts), or, run from the sources
 * (tests, `tsx`), `sourceFile` through tsx's loader. Node 20 does not apply
 * `--import tsx` from a worker's execArgv, so the worker registers tsx
 * itself before importing its entry.
 */
export function workerEntry(name: string, builtDir: string, sourceFile: string): WorkerEntry {
  const built = join(builtDir, `${name}.js`);
  if (existsSync(built)) return { script: built, eval: false };
  if (!existsSync(sourceFile)) throw new Error(`worker "${name}" is neither built in ${builtDir} nor a source file at ${sourceFile}`);
  // Resolved here: an evaluated worker resolves bare names against the working directory, not this package.
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = pathToFileURL(sourceFile).href;
  return { script: `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`, eval: true };
}

/** A worker stopped before answering: it crashed or ran out of memory (`code` ERR_WORKER_OUT_OF_MEMORY). */
export class WorkerStopped extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'WorkerStopped';
  }
}

/** What a pool is made of and how much it takes on. */
export interface WorkerPoolOptions {
  /** For log lines: "kubeconfig parse". */
  name: string;
  entry: WorkerEntry;
  /** Workers at most; each is started for the first job that finds none free, then reused. */
  size: number;
  /** Jobs that may wait for a free worker; the next one is refused with {@link WorkerPoolOptions.refuse}. */
  maxWaiting: number;
  /** A worker idle this long ends, giving back the memory its last job left. */
  idleMs: number;
  /** Heap limit of each worker: a job that needs more fails alone, with WorkerStopped ERR_WORKER_OUT_OF_MEMORY. */
  maxHeapMb: number;
  /**
   * Young-generation size of each worker. V8 sizes it for throughput (tens of
   * MB); a parse makes garbage fast, and a small one collects it at once
   * instead of letting the worker's memory balloon, at no cost in speed here.
   */
  youngHeapMb?: number;
  /** The error for a job refused because `inHand` jobs are running or waiting already. */
  refuse(inHand: number): AppError;
  log: Logger;
}

/** A few worker threads that run jobs off the event loop, in order, with a bounded wait. */
export interface WorkerPool<J, R> {
  /**
   * Runs `job` in a worker. Rejects with the job's own error (rebuilt from
   * the worker's), with `signal`'s reason when it aborts (a running job's
   * worker is ended, so the CPU is freed at once), with the refusal when
   * too many wait, or with WorkerStopped when the worker died. `transfer`
   * lists buffers of `job` to move to the worker rather than copy; they are
   * unusable here once the job is sent.
   */
  run(job: J, signal?: AbortSignal, transfer?: readonly TransferListItem[]): Promise<R>;
  /** Workers alive, jobs running, jobs waiting. */
  stats(): { workers: number; running: number; waiting: number };
  /** Refuses new jobs, fails those in hand and ends the workers. */
  close(): Promise<void>;
}

interface Pending<J, R> {
  id: number;
  job: J;
  transfer?: readonly TransferListItem[];
  queuedAt: number;
  signal?: AbortSignal;
  onAbort?: () => void;
  resolve(value: R): void;
  reject(err: unknown): void;
}

interface Slot<J, R> {
  worker: Worker;
  job?: Pending<J, R>;
  idleTimer?: ReturnType<typeof setTimeout>;
}

const closingError = () => new AppError('UNSUPPORTED', 'Pilothouse is closing; try again after it restarts');

/** A {@link WorkerPool} whose workers start lazily and end when idle. */
export function createWorkerPool<J, R>(options: WorkerPoolOptions): WorkerPool<J, R> {
  const { name, entry, size, maxWaiting, idleMs, maxHeapMb, youngHeapMb, refuse, log } = options;
  const slots = new Set<Slot<J, R>>();
  const waiting: Pending<J, R>[] = [];
  let nextId = 1;
  let closed = false;

  const settle = (pending: Pending<J, R>) => {
    if (pending.onAbort) pending.signal?.removeEventListener('abort', pending.onAbort);
  };

  const retire = (slot: Slot<J, R>) => {
    clearTimeout(slot.idleTimer);
    slots.delete(slot);
    void slot.worker.terminate();
  };

  /** Gives `slot` the next waiting job, or lets it idle (not holding the process open) until it ends. */
  const next = (slot: Slot<J, R>) => {
    const pending = waiting.shift();
    if (pending) return assign(slot, pending);
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => retire(slot), idleMs);
    slot.idleTimer.unref?.();
  };

  const assign = (slot: Slot<J, R>, pending: Pending<J, R>) => {
    clearTimeout(slot.idleTimer);
    slot.job = pending;
    slot.worker.ref();
    slot.worker.postMessage({ id: pending.id, job: pending.job } satisfies JobMessage<J>, pending.transfer as TransferListItem[] | undefined);
  };

  const spawn = (): Slot<J, R> => {
    const worker = new Worker(entry.script, { eval: entry.eval, resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, ...(youngHeapMb ? { maxYoungGenerationSizeMb: youngHeapMb } : {}) } });
    const slot: Slot<J, R> = { worker };
    slots.add(slot);
    worker.on('message', (reply: ReplyMessage<R>) => {
      const pending = slot.job;
      if (!pending || pending.id !== reply.id) return;
      slot.job = undefined;
      settle(pending);
      log.info(`${name} done in a worker thread`, { thread: reply.threadId, ms: reply.ms, waitedMs: Math.round(performance.now() - pending.queuedAt) - reply.ms, ok: reply.ok });
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(errorFromWire(reply.error));
      next(slot);
    });
    let failure: Error | undefined;
    worker.on('error', (err) => (failure = err));
    worker.on('exit', (code) => {
      if (!slots.has(slot)) return; // ended on purpose: idle, aborted or closing
      slots.delete(slot);
      clearTimeout(slot.idleTimer);
      const errCode = (failure as { code?: string } | undefined)?.code;
      log.error(`a ${name} worker stopped`, { code, error: failure });
      const pending = slot.job;
      if (pending) {
        settle(pending);
        pending.reject(new WorkerStopped(`the ${name} worker stopped (${errCode ?? `exit code ${code}`})`, errCode));
      }
      // Whatever waited gets a fresh worker.
      const queued = waiting.shift();
      if (queued) assign(spawn(), queued);
    });
    return slot;
  };

  const running = () => [...slots].filter((s) => s.job).length;

  return {
    run(job, signal, transfer) {
      if (closed) return Promise.reject(closingError());
      if (signal?.aborted) return Promise.reject(signal.reason);
      const free = [...slots].find((s) => !s.job);
      if (!free && slots.size >= size && waiting.length >= maxWaiting) return Promise.reject(refuse(running() + waiting.length));
      return new Promise<R>((resolve, reject) => {
        const pending: Pending<J, R> = { id: nextId++, job, transfer, queuedAt: performance.now(), signal, resolve, reject };
        if (signal) {
          pending.onAbort = () => {
            const at = waiting.indexOf(pending);
            if (at >= 0) waiting.splice(at, 1);
            const slot = [...slots].find((s) => s.job === pending);
            // A parse can't be interrupted from outside: end its worker, and start the next job on a new one.
            if (slot) {
              retire(slot);
              const queued = waiting.shift();
              if (queued) assign(spawn(), queued);
            }
            reject(signal.reason);
          };
          signal.addEventListener('abort', pending.onAbort, { once: true });
        }
        if (free) assign(free, pending);
        else if (slots.size < size) assign(spawn(), pending);
        else waiting.push(pending);
      });
    },

    stats: () => ({ workers: slots.size, running: running(), waiting: waiting.length }),

    async close() {
      closed = true;
      for (const pending of waiting.splice(0)) {
        settle(pending);
        pending.reject(closingError());
      }
      const ending = [...slots].map((slot) => {
        const pending = slot.job;
        slots.delete(slot);
        clearTimeout(slot.idleTimer);
        if (pending) {
          settle(pending);
          pending.reject(closingError());
        }
        return slot.worker.terminate();
      });
      await Promise.all(ending);
    },
  };
}

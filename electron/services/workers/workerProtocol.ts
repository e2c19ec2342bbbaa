/**
 * What a {@link WorkerPool} and its workers say to each other: a job out, an
 * answer back, plain data both ways. Errors are not cloned by the structured
 * clone algorithm as classes, so they cross as their parts and are rebuilt:
 * an AppError keeps its code, message and location; anything else becomes a
 * plain Error naming what failed.
 */
import { isMainThread, parentPort, threadId, type TransferListItem } from 'node:worker_threads';
import { AppError, ErrorCode, type AppErrorShape } from '../../../shared/result';

/** A job sent to a worker. */
export interface JobMessage<J> {
  id: number;
  job: J;
}

/** An error as it crosses a thread boundary. */
export type WireError = { kind: 'app'; shape: AppErrorShape } | { kind: 'other'; name: string; message: string; stack?: string };

/** A worker's answer to one job, with the thread that did it and how long it took. */
export type ReplyMessage<R> = { id: number; threadId: number; ms: number } & ({ ok: true; value: R } | { ok: false; error: WireError });

/** An error in a form that survives postMessage. */
export function errorToWire(err: unknown): WireError {
  if (err instanceof AppError) return { kind: 'app', shape: err.toShape() };
  if (err instanceof Error) return { kind: 'other', name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  return { kind: 'other', name: 'Error', message: String(err) };
}

/** The error a {@link WireError} was made from: an AppError again, or a plain Error. */
export function errorFromWire(wire: WireError): Error {
  if (wire.kind === 'app') {
    // A code this build does not know (a stale worker bundle) must not reach the contract unchecked.
    const code = ErrorCode.safeParse(wire.shape.code);
    return new AppError(code.success ? code.data : 'INTERNAL', wire.shape.message, wire.shape.location);
  }
  const err = new Error(`in a worker thread: ${wire.message}`);
  err.name = wire.name;
  if (wire.stack) err.stack = wire.stack;
  return err;
}

/**
 * Runs in a worker: answers each job with `handle`'s value or error. Jobs
 * come one at a time (the pool sends the next only after the answer).
 * `transferOf` names the buffers of a value to move to the pool's thread
 * rather than copy (typed arrays of numbers, say).
 */
export function serveJobs<J, R>(handle: (job: J) => R | Promise<R>, transferOf?: (value: R, job: J) => TransferListItem[]): void {
  if (isMainThread || !parentPort) throw new Error('serveJobs runs in a worker thread');
  const port = parentPort;
  port.on('message', async ({ id, job }: JobMessage<J>) => {
    const started = performance.now();
    let reply: ReplyMessage<R>;
    try {
      reply = { id, threadId, ms: 0, ok: true, value: await handle(job) };
    } catch (err) {
      reply = { id, threadId, ms: 0, ok: false, error: errorToWire(err) };
    }
    reply.ms = Math.round(performance.now() - started);
    port.postMessage(reply, reply.ok && transferOf ? transferOf(reply.value, job) : []);
  });
}

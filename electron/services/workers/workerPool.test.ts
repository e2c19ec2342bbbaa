import { join } from 'node:path';
import { threadId as mainThreadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/result';
import { until } from '../../../test/support/contract';
import { createLogger } from '../logging/logger';
import type { TestAnswer, TestJob } from './fixtures/testWorker';
import { createWorkerPool, workerEntry, WorkerStopped, type WorkerPool, type WorkerPoolOptions } from './workerPool';

type Answer = TestAnswer;

const entry = workerEntry('testWorker', join(import.meta.dirname, 'fixtures'), join(import.meta.dirname, 'fixtures', 'testWorker.ts'));
const pools: WorkerPool<TestJob, Answer>[] = [];
const gates: Int32Array[] = [];

afterEach(async () => {
  for (const g of gates.splice(0)) open(g);
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function pool(options: Partial<WorkerPoolOptions> = {}): WorkerPool<TestJob, Answer> {
  const p = createWorkerPool<TestJob, Answer>({
    name: 'test',
    entry,
    size: 1,
    maxWaiting: 1,
    idleMs: 60_000,
    maxHeapMb: 64,
    refuse: (inHand) => new AppError('BUSY', `already working on ${inHand} jobs`),
    log: createLogger(),
    ...options,
  });
  pools.push(p);
  return p;
}

/** A job that blocks its worker until {@link open} is called with the gate. */
function gated(): { job: TestJob; gate: Int32Array } {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  gates.push(gate);
  return { job: { kind: 'wait', gate }, gate };
}

function open(gate: Int32Array): void {
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
}

describe('worker pool', () => {
  it('starts no worker before the first job, runs jobs off the main thread and reuses the worker', async () => {
    const p = pool();
    expect(p.stats()).toEqual({ workers: 0, running: 0, waiting: 0 });
    const first = await p.run({ kind: 'echo', value: 'one' });
    const second = await p.run({ kind: 'echo', value: 'two' });
    expect(first.value).toBe('one');
    expect(first.threadId).not.toBe(mainThreadId);
    expect(second.threadId).toBe(first.threadId);
    expect(p.stats()).toEqual({ workers: 1, running: 0, waiting: 0 });
  });

  it('brings an AppError back with its code, message and location, and anything else as a plain Error', async () => {
    const p = pool();
    const err = await p.run({ kind: 'appError' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).toShape()).toEqual({
      code: 'YAML_INVALID',
      message: 'bad indentation',
      location: { file: '~/.kube/config', line: 14, column: 3, field: 'users[2].user' },
    });
    const bug = await p.run({ kind: 'bug' }).catch((e: unknown) => e);
    expect(bug).not.toBeInstanceOf(AppError);
    expect(bug).toMatchObject({ name: 'TypeError', message: expect.stringContaining('cannot read properties of undefined') });
    // The worker survived both.
    expect((await p.run({ kind: 'echo', value: 'still here' })).value).toBe('still here');
  });

  it('runs up to `size` jobs at once, queues up to `maxWaiting`, and refuses the next, saying how many are in hand', async () => {
    const p = pool({ size: 2, maxWaiting: 1 });
    const a = gated();
    const b = gated();
    const running = [p.run(a.job), p.run(b.job)];
    const waiting = p.run({ kind: 'echo', value: 'waited' });
    await expect(p.run({ kind: 'echo', value: 'refused' })).rejects.toMatchObject({ code: 'BUSY', message: 'already working on 3 jobs' });
    expect(p.stats()).toEqual({ workers: 2, running: 2, waiting: 1 });
    open(a.gate);
    open(b.gate);
    const answers = await Promise.all([...running, waiting]);
    expect(answers.map((r) => r.value)).toEqual(['opened', 'opened', 'waited']);
    expect(new Set(answers.map((r) => r.threadId)).size).toBe(2);
  });

  it('drops an aborted waiting job, ends the worker of an aborted running one, and runs the next job on a new worker', async () => {
    const p = pool({ maxWaiting: 2 });
    const blocked = gated();
    const first = new AbortController();
    const second = new AbortController();
    const running = p.run(blocked.job, first.signal);
    const waiting = p.run({ kind: 'echo', value: 'never' }, second.signal);
    const last = p.run({ kind: 'echo', value: 'last' });

    second.abort(new Error('closed the dialog'));
    await expect(waiting).rejects.toThrow('closed the dialog');
    expect(p.stats()).toEqual({ workers: 1, running: 1, waiting: 1 });

    // The worker is stuck in a job nothing can interrupt from inside: aborting ends it.
    first.abort(new Error('cancelled the import'));
    await expect(running).rejects.toThrow('cancelled the import');
    expect((await last).value).toBe('last');
    expect(p.stats()).toEqual({ workers: 1, running: 0, waiting: 0 });
  });

  it('moves the buffers it is told to, both ways, rather than copying them', async () => {
    const p = pool();
    const bytes = new Float64Array([2, 5, -8]).buffer;
    const answer = await p.run({ kind: 'halve', bytes }, undefined, [bytes]);
    // Moved: nothing is left of it on this side.
    expect(bytes.byteLength).toBe(0);
    expect(answer.value).toBe('24 bytes');
    expect([...(answer.halves ?? [])]).toEqual([1, 2.5, -4]);
    // A job sent without a transfer list is copied, and stays usable here.
    const kept = new Float64Array([6]).buffer;
    expect([...((await p.run({ kind: 'halve', bytes: kept })).halves ?? [])]).toEqual([3]);
    expect(kept.byteLength).toBe(8);
  });

  it('fails the job of a worker that died with WorkerStopped, and starts a new worker for the next', async () => {
    const p = pool();
    await expect(p.run({ kind: 'exit' })).rejects.toBeInstanceOf(WorkerStopped);
    expect((await p.run({ kind: 'echo', value: 'after' })).value).toBe('after');
  });

  it('fails a job that outgrows the heap limit alone, as ERR_WORKER_OUT_OF_MEMORY', async () => {
    const p = pool({ maxHeapMb: 32 });
    await expect(p.run({ kind: 'hog' })).rejects.toMatchObject({ name: 'WorkerStopped', code: 'ERR_WORKER_OUT_OF_MEMORY' });
    expect((await p.run({ kind: 'echo', value: 'after' })).value).toBe('after');
  }, 20_000);

  it('ends a worker left idle, giving its memory back', async () => {
    const p = pool({ idleMs: 20 });
    await p.run({ kind: 'echo', value: 'x' });
    await until('the idle worker to end', () => p.stats().workers === 0, 5_000, 10);
  });

  it('on close fails the jobs in hand and refuses new ones', async () => {
    const p = pool();
    const running = expect(p.run(gated().job)).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('closing') });
    const waiting = expect(p.run({ kind: 'echo', value: 'never' })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await p.close();
    await Promise.all([running, waiting]);
    await expect(p.run({ kind: 'echo', value: 'late' })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    expect(p.stats()).toEqual({ workers: 0, running: 0, waiting: 0 });
  });
});

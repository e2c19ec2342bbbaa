import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { events as contractEvents, type TaskSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { createAuditService } from '../audit/auditService';
import { createLogger } from '../logging/logger';
import type { EventHub } from '../rpc/eventHub';
import { migrate, openDatabase } from '../store/database';
import { migrations } from '../store/migrations';
import { createTaskRunner, INTERRUPTED_MESSAGE, type TaskRunnerOptions } from './taskRunner';
import { madeTempDir } from '../../../test/support/tempDirs';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A hub that keeps every `tasks.changed` summary, checked against the contract as the real hub does. */
function recordingHub() {
  const changes: TaskSummary[] = [];
  const hub = {
    publish(name: string, payload: unknown) {
      const checked = contractEvents[name as keyof typeof contractEvents].parse(payload);
      if (name === 'tasks.changed') changes.push(...(checked as { tasks: TaskSummary[] }).tasks);
    },
  } as unknown as EventHub;
  return { hub, changes };
}

function setup(options: TaskRunnerOptions = {}, db = memoryDb()) {
  const logLines: string[] = [];
  const log = createLogger({ sink: (line) => logLines.push(line) });
  const { hub, changes } = recordingHub();
  const audit = createAuditService(db, hub, log);
  const runner = createTaskRunner({ db, audit, hub, log, options });
  const changesOf = (id: string) => changes.filter((c) => c.id === id);
  return { db, log, logLines, hub, changes, changesOf, audit, runner };
}

function memoryDb() {
  const db = new Database(':memory:');
  migrate(db, migrations);
  return db;
}

const importSpec = { kind: 'connections.import', title: 'Import 1,000 contexts from prod.yaml', target: 'prod.yaml', actor: 'me@laptop', phases: ['parse', 'seal', 'save'], unit: 'contexts' };

afterEach(() => {
  vi.useRealTimers();
});

describe('task runner', () => {
  it('returns the id at once, then reports phases and progress, and ends with a result and a report', async () => {
    const { runner, changesOf } = setup();
    const sealing = deferred();
    const proceed = deferred();
    let ran = false;
    const { id, done } = runner.start(
      importSpec,
      async (ctx) => {
        ran = true;
        ctx.progress(1000, 1000, 'parsed prod.yaml');
        ctx.phase('seal');
        ctx.progress(250, 1000, 'sealing ctx-250');
        ctx.log('sealed 250 credentials');
        sealing.resolve();
        await proceed.promise;
        ctx.phase('save', { cancellable: false });
        ctx.progress(1000, 1000);
        return { imported: 998, skipped: 2 };
      },
      { describe: (v) => ({ result: v, report: `Imported **${v.imported}** contexts; ${v.skipped} already existed.` }) },
    );
    expect(ran).toBe(false);
    expect(runner.get(id)).toMatchObject({ status: 'running', phase: 'parse', cancellable: true, progress: { done: 0, total: 0, unit: 'contexts' } });

    await sealing.promise;
    const mid = runner.get(id);
    expect(mid).toMatchObject({ status: 'running', phase: 'seal', progress: { done: 250, total: 1000, unit: 'contexts' }, message: 'sealing ctx-250' });
    expect(mid.phases.map((p) => p.state)).toEqual(['done', 'running', 'pending']);
    expect(mid.report?.lines).toEqual(['sealed 250 credentials']);
    // A list carries no report.
    expect(runner.list({ limit: 10, includeDismissed: false }).tasks[0]).not.toHaveProperty('report');

    proceed.resolve();
    const final = await done;
    expect(final).toMatchObject({ status: 'succeeded', phase: 'save', cancellable: false, result: { imported: 998, skipped: 2 }, progress: { done: 1000, total: 1000 } });
    expect(final.finishedAt).toBeDefined();
    expect(final.phases.map((p) => p.state)).toEqual(['done', 'done', 'done']);
    expect(final.report?.summary).toBe('Imported **998** contexts; 2 already existed.');
    expect(final.report?.phases.map((p) => [p.name, typeof p.durationMs])).toEqual([
      ['parse', 'number'],
      ['seal', 'number'],
      ['save', 'number'],
    ]);
    // The history says the same once the task is no longer in memory.
    expect(runner.get(id)).toEqual(final);
    expect(changesOf(id).at(-1)).toEqual({ ...final, report: undefined });
    expect(runner.active).toBe(0);
  });

  it('marks phases it passed over as skipped, and a task whose run fails on a phase it does not have as failed', async () => {
    const { runner } = setup();
    const skipped = await runner.start(importSpec, async (ctx) => ctx.phase('save')).done;
    expect(skipped.phases.map((p) => p.state)).toEqual(['done', 'skipped', 'done']);
    const unknown = await runner.start(importSpec, async (ctx) => ctx.phase('upload')).done;
    expect(unknown).toMatchObject({ status: 'failed', error: { code: 'INTERNAL' } });
  });

  it('sends at most about ten updates a second per task, however often it reports, and always its final state', async () => {
    vi.useFakeTimers();
    const { runner, changesOf, db } = setup();
    db.exec(`CREATE TEMP TABLE writes (n INTEGER); CREATE TEMP TRIGGER count_writes AFTER UPDATE ON tasks BEGIN INSERT INTO writes VALUES (1); END;`);
    const { id, done } = runner.start({ ...importSpec, phases: ['seal'] }, async (ctx) => {
      // 10,000 progress calls over one second: ten every millisecond.
      let n = 0;
      for (let ms = 0; ms < 1000; ms++) {
        for (let i = 0; i < 10; i++) ctx.progress(++n, 10_000, `context ${n}`);
        await new Promise((r) => setTimeout(r, 1));
      }
      return n;
    });
    await vi.advanceTimersByTimeAsync(1_100);
    const final = await done;
    expect(final).toMatchObject({ status: 'succeeded', progress: { done: 10_000, total: 10_000 } });

    const sent = changesOf(id);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.length).toBeLessThanOrEqual(13); // the start, ~10 a second, the end
    expect(sent.at(-1)).toMatchObject({ status: 'succeeded', progress: { done: 10_000, total: 10_000 }, message: 'context 10000' });
    expect(sent.slice(0, -1).every((s) => s.status === 'running')).toBe(true);
    // Progress reached SQLite about once a second, not 10,000 times; the end was written too.
    const writes = (db.prepare(`SELECT count(*) AS n FROM writes`).get() as { n: number }).n;
    expect(writes).toBeGreaterThanOrEqual(1);
    expect(writes).toBeLessThanOrEqual(3);
  });

  it('saves progress within a second, and phase changes at once', async () => {
    vi.useFakeTimers();
    const { runner, db } = setup();
    const reported = deferred();
    const proceed = deferred();
    const { id, done } = runner.start(importSpec, async (ctx) => {
      ctx.progress(400, 1000);
      reported.resolve();
      await proceed.promise;
      ctx.phase('seal');
    });
    await reported.promise;
    const stored = () => db.prepare(`SELECT phase, progress_done FROM tasks WHERE id = ?`).get(id);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(stored()).toEqual({ phase: 'parse', progress_done: 400 });
    proceed.resolve();
    await vi.waitFor(() => expect(stored()).toEqual({ phase: 'seal', progress_done: 0 }));
    await done;
  });

  it('cancels: aborts the signal, turns cancelling, runs the cleanup after the run settles, ends cancelled and audited', async () => {
    const { runner, changesOf, audit } = setup();
    const order: string[] = [];
    const started = deferred();
    const { id, done } = runner.start(
      importSpec,
      (ctx) =>
        new Promise((_, reject) => {
          ctx.phase('seal');
          started.resolve();
          ctx.signal.addEventListener('abort', () =>
            // The run takes a while to notice: the cleanup must wait for it.
            setImmediate(() => {
              order.push('run settled');
              reject(ctx.signal.reason);
            }),
          );
        }),
      {
        cleanup: async (ctx) => {
          order.push(`cleanup (signal aborted: ${ctx.signal.aborted})`);
        },
      },
    );
    await started.promise;
    const cancelling = runner.cancel(id, 'oncall@laptop');
    expect(cancelling).toMatchObject({ status: 'cancelling', cancellable: false });
    expect(order).toEqual([]);
    // Asking twice is harmless.
    expect(runner.cancel(id, 'oncall@laptop').status).toBe('cancelling');

    const final = await done;
    expect(order).toEqual(['run settled', 'cleanup (signal aborted: true)']);
    expect(final).toMatchObject({ status: 'cancelled', message: 'Cancelled by oncall@laptop' });
    expect(final.error).toBeUndefined();
    expect(final.phases.map((p) => p.state)).toEqual(['done', 'skipped', 'skipped']);
    expect(final.report?.lines).toEqual(['Cancel asked by oncall@laptop', 'Cleaning up', 'Cancelled by oncall@laptop']);
    expect(changesOf(id).map((c) => c.status)).toContain('cancelling');
    expect(changesOf(id).at(-1)?.status).toBe('cancelled');
    const [entry] = audit.list({ limit: 1 }).entries;
    expect(entry).toMatchObject({ id: final.auditId, action: 'connections.import', status: 'failed', error: 'Cancelled by oncall@laptop' });
    await expect(Promise.resolve().then(() => runner.cancel(id, 'me'))).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('ends a cancelled task cancelled even when its run ignored the signal and returned', async () => {
    const { runner } = setup();
    const started = deferred();
    const proceed = deferred();
    let cleanedUp = false;
    const { id, done } = runner.start(
      importSpec,
      async () => {
        started.resolve();
        await proceed.promise;
        return 'finished anyway';
      },
      { cleanup: async () => void (cleanedUp = true) },
    );
    await started.promise;
    runner.cancel(id, 'me');
    proceed.resolve();
    expect(await done).toMatchObject({ status: 'cancelled' });
    expect(cleanedUp).toBe(true);
  });

  it('never starts the run of a task cancelled before it began, but still cleans up', async () => {
    const { runner } = setup();
    let ran = false;
    let cleanedUp = false;
    const { id, done } = runner.start(importSpec, async () => void (ran = true), { cleanup: async () => void (cleanedUp = true) });
    runner.cancel(id, 'me');
    expect(await done).toMatchObject({ status: 'cancelled' });
    expect({ ran, cleanedUp }).toEqual({ ran: false, cleanedUp: true });
  });

  it('fits a large import: a cancel before saving leaves nothing written; once saving, a cancel is refused', async () => {
    const { runner } = setup();
    const saved = new Map<string, string>();
    const contexts = Array.from({ length: 1000 }, (_, i) => `ctx-${i}`);
    const importContexts = (pauseAt: { phase: string; at: number; reached: () => void; proceed: Promise<void> }) =>
      runner.start(
        importSpec,
        async (ctx) => {
          const sealed: string[] = [];
          for (const [phase, work] of [
            ['parse', (c: string) => c],
            ['seal', (c: string) => sealed.push(`sealed:${c}`)],
          ] as const) {
            ctx.phase(phase);
            for (let i = 0; i < contexts.length; i++) {
              if (phase === pauseAt.phase && i === pauseAt.at) {
                pauseAt.reached();
                await pauseAt.proceed;
              }
              ctx.throwIfCancelled();
              work(contexts[i]);
              ctx.progress(i + 1, contexts.length);
            }
          }
          ctx.phase('save', { cancellable: false });
          if (pauseAt.phase === 'save') {
            pauseAt.reached();
            await pauseAt.proceed;
          }
          contexts.forEach((c, i) => saved.set(c, sealed[i]));
          return { imported: contexts.length };
        },
        { cleanup: async () => void saved.clear(), describe: (v) => ({ result: v }) },
      );

    const sealing = deferred();
    const resume = deferred();
    const first = importContexts({ phase: 'seal', at: 500, reached: sealing.resolve, proceed: resume.promise });
    await sealing.promise;
    expect(runner.get(first.id)).toMatchObject({ phase: 'seal', progress: { done: 500, total: 1000, unit: 'contexts' } });
    runner.cancel(first.id, 'me');
    resume.resolve();
    expect(await first.done).toMatchObject({ status: 'cancelled' });
    expect(saved.size).toBe(0);

    const saving = deferred();
    const finishSave = deferred();
    const second = importContexts({ phase: 'save', at: 0, reached: saving.resolve, proceed: finishSave.promise });
    await saving.promise;
    expect(runner.get(second.id)).toMatchObject({ phase: 'save', cancellable: false });
    expect(() => runner.cancel(second.id, 'me')).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    finishSave.resolve();
    expect(await second.done).toMatchObject({ status: 'succeeded', result: { imported: 1000 } });
    expect(saved.size).toBe(1000);
  });

  it('a failing run ends failed with its error, runs the cleanup, and is audited as failed', async () => {
    const { runner, audit } = setup();
    let cleanedUp = false;
    const final = await runner.start(
      importSpec,
      async (ctx) => {
        ctx.phase('seal');
        throw new AppError('SECRETS_UNAVAILABLE', 'The OS keychain is locked; unlock it and import again');
      },
      { cleanup: async () => void (cleanedUp = true) },
    ).done;
    expect(cleanedUp).toBe(true);
    expect(final).toMatchObject({
      status: 'failed',
      error: { code: 'SECRETS_UNAVAILABLE', message: 'The OS keychain is locked; unlock it and import again' },
      message: 'The OS keychain is locked; unlock it and import again',
    });
    expect(final.phases.map((p) => p.state)).toEqual(['done', 'failed', 'skipped']);
    expect(audit.list({ limit: 1 }).entries[0]).toMatchObject({ id: final.auditId, status: 'failed', error: 'The OS keychain is locked; unlock it and import again' });
  });

  it('reports both the failure and a cleanup that failed too, and a cancelled task whose cleanup failed', async () => {
    const { runner, audit } = setup();
    const failed = await runner.start(
      importSpec,
      async () => {
        throw new AppError('UNREACHABLE', 'prod-eu did not answer');
      },
      {
        cleanup: async () => {
          throw new AppError('FORBIDDEN', 'cannot delete the half-written secret');
        },
      },
    ).done;
    expect(failed).toMatchObject({
      status: 'failed',
      error: { code: 'UNREACHABLE', message: 'prod-eu did not answer; the cleanup also failed: cannot delete the half-written secret' },
    });
    expect(failed.report?.lines).toEqual(['Cleaning up', 'The cleanup failed: cannot delete the half-written secret', 'Failed: prod-eu did not answer']);
    expect(audit.list({ limit: 1 }).entries[0].error).toBe('prod-eu did not answer; the cleanup also failed: cannot delete the half-written secret');

    const proceed = deferred();
    const task = runner.start(importSpec, () => proceed.promise, {
      cleanup: async () => {
        throw new AppError('FORBIDDEN', 'cannot delete the half-written secret');
      },
    });
    runner.cancel(task.id, 'me');
    proceed.resolve();
    expect(await task.done).toMatchObject({
      status: 'cancelled',
      error: { code: 'FORBIDDEN', message: 'The cleanup failed: cannot delete the half-written secret' },
    });
    expect(audit.list({ limit: 1 }).entries[0].error).toBe('Cancelled by me; the cleanup failed: cannot delete the half-written secret');
  });

  it('never exposes what an unexpected error says: a generic INTERNAL outward, the redacted error in the log', async () => {
    const { runner, db, audit, logLines, changesOf, log } = setup();
    log.redactor.add('registered-secret-value-77');
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzcmUifQ.c2lnbmF0dXJlLXZhbHVl';
    const final = await runner.start(importSpec, async () => {
      throw new Error(`401 from https://prod:6443 with Authorization: Bearer ${token} (token=registered-secret-value-77)`);
    }).done;
    expect(final.error).toEqual({ code: 'INTERNAL', message: 'The task failed unexpectedly; see the log for details' });

    const everywhere = [
      JSON.stringify(final),
      JSON.stringify(changesOf(final.id)),
      JSON.stringify(db.prepare(`SELECT * FROM tasks`).all()),
      JSON.stringify(audit.list({ limit: 5 }).entries),
      logLines.join('\n'),
    ];
    for (const text of everywhere) {
      expect(text).not.toContain(token);
      expect(text).not.toContain('registered-secret-value-77');
    }
    // The log keeps what happened, without the secrets.
    expect(logLines.find((l) => l.includes('task run failed'))).toContain('401 from https://prod:6443');

    // An AppError's message is shown, but a secret in it is masked.
    const leaky = await runner.start(importSpec, async () => {
      throw new AppError('UNAUTHORIZED', 'rejected registered-secret-value-77');
    }).done;
    expect(leaky.error).toEqual({ code: 'UNAUTHORIZED', message: 'rejected «redacted»' });
  });

  it('writes one audit entry per task: the intent at start, the outcome at the end, under the task kind', async () => {
    const { runner, audit } = setup();
    const proceed = deferred();
    const { done } = runner.start({ ...importSpec, connectionId: 'k-prod' }, () => proceed.promise.then(() => ({ imported: 3 })), {
      describe: (v) => ({ result: v }),
    });
    expect(audit.list({ limit: 5 }).entries).toMatchObject([
      { action: 'connections.import', target: 'prod.yaml', detail: 'Import 1,000 contexts from prod.yaml', actor: 'me@laptop', connectionId: 'k-prod', status: 'pending' },
    ]);
    proceed.resolve();
    const final = await done;
    const entries = audit.list({ limit: 5 }).entries;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ id: final.auditId, status: 'succeeded', after: '{"imported":3}' });
  });

  it('keeps what a task recorded however it ends: a cancelled one still reports it and offers its undo', async () => {
    const { runner, audit } = setup();
    const uncordon = { method: 'kube.cordon' as const, params: { unschedulable: false }, label: 'Uncordon the node' };
    const started = deferred();
    const spec = { ...importSpec, kind: 'node.drain', connectionId: 'k-prod', connectionName: 'prod' };
    const cancelled = runner.start(spec, async (ctx) => {
      ctx.record({ summary: 'Cordoned the node; evicted nothing yet.', audit: { before: 'schedulable', after: 'cordoned', undo: uncordon } });
      started.resolve();
      await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
    });
    await started.promise;
    runner.cancel(cancelled.id, 'me');
    const final = await cancelled.done;
    expect(final.report?.summary).toBe('Cordoned the node; evicted nothing yet.');
    const [entry] = audit.list({ limit: 1 }).entries;
    expect(entry).toMatchObject({ action: 'node.drain', connectionName: 'prod', status: 'failed', before: 'schedulable', after: 'cordoned', undo: { label: 'Uncordon the node' } });

    // On success the task's own `after` wins over its result's JSON, and describe's report over the recorded summary.
    const succeeded = runner.start(
      spec,
      async (ctx) => {
        ctx.record({ summary: 'so far', audit: { after: 'cordoned', detail: 'Evicted team-a/web-1', undo: uncordon } });
        return { evicted: 1 };
      },
      { describe: (v) => ({ result: v, report: 'Evicted 1 pod.' }) },
    );
    expect((await succeeded.done).report?.summary).toBe('Evicted 1 pod.');
    expect(audit.list({ limit: 1 }).entries[0]).toMatchObject({ status: 'succeeded', after: 'cordoned', detail: 'Evicted team-a/web-1', undo: { label: 'Uncordon the node' } });
  });

  it('marks tasks a crash left running as interrupted on the next start, never running', async () => {
    const file = join(madeTempDir('ph-tasks-'), 'pilothouse.db');
    const first = setup({}, openDatabase({ file }));
    const sealing = deferred();
    const { id } = first.runner.start(importSpec, async (ctx) => {
      ctx.phase('seal');
      sealing.resolve();
      return new Promise(() => {}); // still at work when the process dies
    });
    await sealing.promise;
    // The process dies: the data file is left as it was, the runner never closed.
    first.db.close();

    const second = setup({}, openDatabase({ file }));
    const task = second.runner.get(id);
    expect(task).toMatchObject({ status: 'interrupted', message: INTERRUPTED_MESSAGE, phase: 'seal', cancellable: false });
    expect(task.finishedAt).toBeDefined();
    expect(task.phases.map((p) => p.state)).toEqual(['done', 'failed', 'skipped']);
    expect(second.runner.list({ limit: 10, status: ['running', 'cancelling'], includeDismissed: true }).tasks).toEqual([]);
    expect(second.audit.list({ limit: 5 }).entries[0]).toMatchObject({ id: task.auditId, status: 'failed', error: INTERRUPTED_MESSAGE });
    second.db.close();
  }, 30_000); // two real files, each synced to a disk that may be slow

  it('a crash keeps what the task recorded: its report summary, and its audit entry still offers the undo', async () => {
    const file = join(madeTempDir('ph-tasks-'), 'pilothouse.db');
    const first = setup({}, openDatabase({ file }));
    const cordoned = deferred();
    const drainSpec = { kind: 'node.drain', title: 'Drain node worker-1', target: 'prod/nodes/worker-1', actor: 'me@laptop', phases: ['Cordon', 'Evict'] };
    const { id } = first.runner.start(drainSpec, async (ctx) => {
      ctx.record({
        summary: 'Cordoned node worker-1 (it was schedulable).',
        audit: { before: 'schedulable', after: 'cordoned', undo: { method: 'kube.cordon', params: { name: 'worker-1' }, label: 'Uncordon the node' } },
      });
      ctx.phase('Evict');
      cordoned.resolve();
      return new Promise(() => {}); // still evicting when the process dies
    });
    await cordoned.promise;
    first.db.close();

    const second = setup({}, openDatabase({ file }));
    const task = second.runner.get(id);
    expect(task).toMatchObject({ status: 'interrupted', message: INTERRUPTED_MESSAGE });
    expect(task.report?.summary).toBe('Cordoned node worker-1 (it was schedulable).');
    expect(second.audit.list({ limit: 1 }).entries[0]).toMatchObject({
      id: task.auditId,
      status: 'failed',
      error: INTERRUPTED_MESSAGE,
      before: 'schedulable',
      after: 'cordoned',
      undo: { label: 'Uncordon the node' },
    });
    second.db.close();
  }, 30_000); // two real files, each synced to a disk that may be slow

  it('keeps only the newest finished tasks, pruning on start', async () => {
    const { runner, db, log } = setup({ keepFinished: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const t = runner.start({ ...importSpec, title: `Import ${i}` }, async () => i);
      ids.push(t.id);
      await t.done;
    }
    const proceed = deferred();
    const running = runner.start({ ...importSpec, title: 'Import 5' }, () => proceed.promise);
    const listed = runner.list({ limit: 50, includeDismissed: true }).tasks.map((t) => t.title);
    expect(listed).toEqual(['Import 5', 'Import 4', 'Import 3', 'Import 2']);
    expect(() => runner.get(ids[0])).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    proceed.resolve();
    await running.done;

    // And when the services start.
    const audit = createAuditService(db, recordingHub().hub, log);
    createTaskRunner({ db, audit, hub: recordingHub().hub, log, options: { keepFinished: 2 } });
    expect(runner.list({ limit: 50, includeDismissed: true }).tasks.map((t) => t.title)).toEqual(['Import 5', 'Import 4']);
  });

  it('lists newest first, by status, page by page; dismissing hides a finished task from the tray only', async () => {
    const { runner, changesOf } = setup();
    const finished = [];
    for (let i = 0; i < 3; i++) finished.push(await runner.start({ ...importSpec, title: `Import ${i}` }, async () => i).done);
    const proceed = deferred();
    const running = runner.start({ ...importSpec, title: 'Import 3' }, () => proceed.promise);

    const page1 = runner.list({ limit: 2, includeDismissed: false });
    expect(page1).toMatchObject({ hasMore: true, tasks: [{ title: 'Import 3', status: 'running' }, { title: 'Import 2' }] });
    const page2 = runner.list({ limit: 2, before: page1.tasks[1].id, includeDismissed: false });
    expect(page2).toMatchObject({ hasMore: false, tasks: [{ title: 'Import 1' }, { title: 'Import 0' }] });
    expect(runner.list({ limit: 10, status: ['running'], includeDismissed: false }).tasks.map((t) => t.title)).toEqual(['Import 3']);

    expect(() => runner.dismiss(running.id)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(runner.dismiss(finished[2].id)).toMatchObject({ id: finished[2].id, dismissed: true });
    expect(changesOf(finished[2].id).at(-1)).toMatchObject({ dismissed: true });
    expect(runner.list({ limit: 10, includeDismissed: false }).tasks.map((t) => t.title)).toEqual(['Import 3', 'Import 1', 'Import 0']);
    expect(runner.list({ limit: 10, includeDismissed: true }).tasks.map((t) => t.title)).toEqual(['Import 3', 'Import 2', 'Import 1', 'Import 0']);
    expect(() => runner.get('no-such-task')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => runner.cancel('no-such-task', 'me')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    proceed.resolve();
    await running.done;
  });

  it('on close, cancels running tasks and waits for their cleanups; one that will not stop is recorded as interrupted', async () => {
    const { runner, db } = setup({ closeGraceMs: 50 });
    const cleanupGate = deferred();
    const started = deferred();
    const polite = runner.start(
      importSpec,
      (ctx) =>
        new Promise((_, reject) => {
          started.resolve();
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
        }),
      { cleanup: () => cleanupGate.promise },
    );
    const stubborn = runner.start(importSpec, async (ctx) => {
      ctx.phase('save', { cancellable: false });
      return new Promise(() => {});
    });
    await started.promise;
    const closed = runner.close();
    expect(closed).toBeInstanceOf(Promise);
    expect(() => runner.start(importSpec, async () => 1)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
    cleanupGate.resolve();
    await closed;
    expect(await polite.done).toMatchObject({ status: 'cancelled', message: 'Cancelled by Pilothouse (closing)' });
    expect(await stubborn.done).toMatchObject({ status: 'interrupted', message: 'Pilothouse closed before this task finished' });
    expect(db.prepare(`SELECT status FROM tasks ORDER BY seq`).all()).toEqual([{ status: 'cancelled' }, { status: 'interrupted' }]);
  });

  it('closes at once when nothing runs', () => {
    const { runner } = setup();
    expect(runner.close()).toBeUndefined();
  });
});

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createAuditService } from '../audit/auditService';
import { createLogger } from '../logging/logger';
import { dispatch, type CallContext, type Handlers } from '../rpc/dispatch';
import { EventHub } from '../rpc/eventHub';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import { createTestServices } from '../../../test/support/services';
import { createTasksArea } from './tasksArea';

function setup() {
  const db = new Database(':memory:');
  migrate(db, migrations);
  const log = createLogger();
  const hub = new EventHub(log, { batchMs: 1 });
  const area = createTasksArea({ db, audit: createAuditService(db, hub, log), hub, log });
  const ctx: CallContext = { transport: 'test', actor: 'oncall@laptop', session: 'window-1' };
  const call = (method: string, params: unknown) => dispatch(area.handlers as unknown as Handlers, method, params, ctx, log);
  return { area, call };
}

describe('tasks area', () => {
  it('serves the contract: lists, gets, cancels as the caller, and refuses as values', async () => {
    const { area, call } = setup();
    let release!: () => void;
    const { id, done } = area.runner.start(
      { kind: 'drill.run', title: 'Restore drill', target: 'prod-eu', actor: 'me', phases: ['snapshot', 'restore', 'verify'] },
      (ctx) => new Promise((resolve, reject) => {
        release = () => resolve(1);
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
      }),
    );
    expect(await call('tasks.list', {})).toMatchObject({ ok: true, value: { tasks: [{ id, status: 'running', phase: 'snapshot' }], hasMore: false } });
    expect(await call('tasks.get', { id })).toMatchObject({ ok: true, value: { id, report: { lines: [] } } });
    expect(await call('tasks.dismiss', { id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await call('tasks.list', { limit: 0 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await call('tasks.get', { id: 'gone' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    // A window going away leaves the task running: it belongs to the app.
    area.endSession('window-1');
    expect(area.runner.active).toBe(1);

    expect(await call('tasks.cancel', { id })).toMatchObject({ ok: true, value: { status: 'cancelling' } });
    expect(await done).toMatchObject({ status: 'cancelled', message: 'Cancelled by oncall@laptop' });
    release();
    expect(await call('tasks.dismiss', { id })).toMatchObject({ ok: true, value: { dismissed: true } });
    expect(await call('tasks.list', {})).toMatchObject({ ok: true, value: { tasks: [] } });
    expect(await call('tasks.list', { includeDismissed: true, status: ['cancelled'] })).toMatchObject({ ok: true, value: { tasks: [{ id }] } });
  });

  it('closes by cancelling what runs and waiting for it', async () => {
    const { area } = setup();
    const { done } = area.runner.start(
      { kind: 'backup.run', title: 'Back up prod-eu', target: 'prod-eu', actor: 'me', phases: ['copy'] },
      (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
    );
    await area.close();
    expect(await done).toMatchObject({ status: 'cancelled' });
    expect(area.close()).toBeUndefined();
  });

  it('holds the app close until a cancelled task has cleaned up, with the data file still open for it', async () => {
    const { services } = createTestServices();
    let release!: () => void;
    const cleanupMayEnd = new Promise<void>((r) => (release = r));
    const seen: unknown[] = [];
    const { done } = services.tasks.start(
      { kind: 'backup.run', title: 'Back up prod-eu', target: 'prod-eu', actor: 'me', phases: ['copy'] },
      (ctx) => new Promise((_, reject) => (ctx.signal.aborted ? reject(ctx.signal.reason) : ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)))),
      {
        cleanup: async () => {
          await cleanupMayEnd;
          seen.push(services.db.prepare(`SELECT count(*) AS n FROM tasks`).get());
        },
      },
    );
    const closed = services.close();
    release();
    await closed;
    expect(seen).toEqual([{ n: 1 }]);
    expect(await done).toMatchObject({ status: 'cancelled', message: 'Cancelled by Pilothouse (closing)' });
    expect(services.db.open).toBe(false);
  }, 30_000); // a real data file, synced to a disk that may be slow
});

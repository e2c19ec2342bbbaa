import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { AppError } from '../../../shared/result';
import { createLogger } from '../logging/logger';
import { EventHub } from '../rpc/eventHub';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import { audited } from './audited';
import { createAuditService } from './auditService';

function auditService() {
  const db = new Database(':memory:');
  migrate(db, migrations);
  const log = createLogger();
  return createAuditService(db, new EventHub(log, { batchMs: 1 }), log);
}

const intent = { actor: 'me', action: 'kube.scale', target: 'prod/shop/deployments/web', connectionId: 'c1', connectionName: 'prod', detail: 'from the table' };

it('records what was before, acts on the prepared state, and records what is after with its undo', async () => {
  const audit = auditService();
  const acted: number[] = [];
  const result = await audited(audit, intent, {
    prepare: async () => ({ before: 'replicas: 3', state: 3 }),
    act: async (was) => {
      acted.push(was);
      return { was, now: 5 };
    },
    after: ({ now }) => `replicas: ${now}`,
    undo: ({ was }) => ({ method: 'kube.scale', params: { replicas: was }, label: `Scale back to ${was} replicas` }),
  });
  expect(result).toEqual({ was: 3, now: 5 });
  expect(acted).toEqual([3]);
  const [entry] = audit.list({ limit: 1 }).entries;
  expect(entry).toMatchObject({ ...intent, status: 'succeeded', before: 'replicas: 3', after: 'replicas: 5', undo: { label: 'Scale back to 3 replicas' } });
});

it('records a failed preparation as a failed entry without acting', async () => {
  const audit = auditService();
  let acted = false;
  const attempt = audited(audit, intent, {
    prepare: async () => {
      throw new AppError('FORBIDDEN', 'No access (403) while scaling deployments.apps "web" in shop');
    },
    act: async () => {
      acted = true;
    },
    after: () => 'never',
  });
  await expect(attempt).rejects.toMatchObject({ code: 'FORBIDDEN' });
  expect(acted).toBe(false);
  const [entry] = audit.list({ limit: 1 }).entries;
  expect(entry).toMatchObject({ action: 'kube.scale', status: 'failed', error: expect.stringContaining('No access (403)') });
  expect(entry.before).toBeUndefined();
});

it('records a failed action with what was before it', async () => {
  const audit = auditService();
  const attempt = audited(audit, intent, {
    prepare: async () => ({ before: 'replicas: 3', state: undefined }),
    act: async () => {
      throw new AppError('CONFLICT', 'Conflict (409) while scaling');
    },
    after: () => 'never',
  });
  await expect(attempt).rejects.toMatchObject({ code: 'CONFLICT' });
  expect(audit.list({ limit: 1 }).entries[0]).toMatchObject({ status: 'failed', before: 'replicas: 3' });
});

it('offers no undo when the change cannot be reversed', async () => {
  const audit = auditService();
  await audited(audit, intent, { prepare: async () => ({ before: 'replicas: 3', state: 3 }), act: async (n) => n, after: (n) => `replicas: ${n}`, undo: () => undefined });
  expect(audit.list({ limit: 1 }).entries[0].undo).toBeUndefined();
});

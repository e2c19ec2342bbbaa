import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logging/logger';
import { EventHub } from '../rpc/eventHub';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import { createAuditService } from './auditService';

function setup() {
  const db = new Database(':memory:');
  migrate(db, migrations);
  const log = createLogger();
  const hub = new EventHub(log, { batchMs: 1 });
  return { db, log, hub, audit: createAuditService(db, hub, log) };
}

describe('AuditService', () => {
  it('writes the intent before acting and the outcome after', async () => {
    const { audit } = setup();
    let statusDuringAct = '';
    await audit.record({ actor: 'me', action: 'deployment.scale', target: 'prod/web', before: 'replicas=2' }, () => {
      statusDuringAct = audit.list({ limit: 1 }).entries[0].status;
      return 4;
    }, (n) => ({ after: `replicas=${n}` }));
    expect(statusDuringAct).toBe('pending');
    const [entry] = audit.list({ limit: 1 }).entries;
    expect(entry).toMatchObject({ status: 'succeeded', before: 'replicas=2', after: 'replicas=4', actor: 'me' });
    expect(entry.finishedAt).toBeDefined();
  });

  it('undoes an entry through its undo call, links both entries, and refuses a second undo', async () => {
    const { audit } = setup();
    const scale = (replicas: number, from: number) =>
      audit.record({ actor: 'me', action: 'kube.scale', target: 'prod/a/deployments/web', before: `replicas: ${from}` }, () => replicas, (n) => ({
        after: `replicas: ${n}`,
        undo: { method: 'kube.scale', params: { replicas: from }, label: `Scale back to ${from} replicas` },
      }));
    await scale(5, 3);
    const [done] = audit.list({ limit: 1 }).entries;
    expect(done.undo).toEqual({ label: 'Scale back to 3 replicas' });

    const calls: unknown[] = [];
    const undone = await audit.undo(done.id, async (step) => {
      calls.push(step.params);
      await scale(3, 5);
    });
    expect(calls).toEqual([{ replicas: 3 }]);
    expect(undone).toMatchObject({ action: 'kube.scale', after: 'replicas: 3', undoOf: done.id, status: 'succeeded' });
    const original = audit.list({ limit: 5 }).entries.find((e) => e.id === done.id);
    expect(original).toMatchObject({ undoneBy: undone.id });
    expect(original?.undo).toBeUndefined();
    await expect(audit.undo(done.id, async () => undefined)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses to undo what cannot be undone, and a failed undo leaves the entry undoable', async () => {
    const { audit } = setup();
    await audit.record({ actor: 'me', action: 'kube.delete', target: 't' }, () => 1);
    const [deleted] = audit.list({ limit: 1 }).entries;
    await expect(audit.undo(deleted.id, async () => undefined)).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(audit.undo(9999, async () => undefined)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await audit.record({ actor: 'me', action: 'node.cordon', target: 'n' }, () => 1, () => ({ undo: { method: 'kube.cordon', params: {}, label: 'Uncordon the node' } }));
    const [cordoned] = audit.list({ limit: 1 }).entries;
    const failing = audit.undo(cordoned.id, () => audit.record({ actor: 'me', action: 'node.uncordon', target: 'n' }, () => Promise.reject(new Error('forbidden'))));
    await expect(failing).rejects.toThrow('forbidden');
    const entries = audit.list({ limit: 5 }).entries;
    expect(entries[0]).toMatchObject({ action: 'node.uncordon', status: 'failed', undoOf: cordoned.id });
    expect(entries.find((e) => e.id === cordoned.id)).toMatchObject({ undo: { label: 'Uncordon the node' } });
  });

  it('keeps what a failed action changed, and offers to undo that', async () => {
    const { audit } = setup();
    const entry = audit.begin({ actor: 'me', action: 'node.drain', target: 'prod/nodes/gpu-1', detail: 'Drain node gpu-1' });
    entry.fail('2 pods still blocked by a PodDisruptionBudget', {
      before: 'schedulable',
      after: 'cordoned',
      detail: 'Evicted: none',
      undo: { method: 'kube.cordon', params: { unschedulable: false }, label: 'Uncordon the node' },
    });
    const [failed] = audit.list({ limit: 1 }).entries;
    expect(failed).toMatchObject({ status: 'failed', before: 'schedulable', after: 'cordoned', detail: 'Evicted: none', undo: { label: 'Uncordon the node' } });
    const undone = await audit.undo(failed.id, () => audit.record({ actor: 'me', action: 'node.uncordon', target: 'prod/nodes/gpu-1' }, () => 1));
    expect(undone).toMatchObject({ undoOf: failed.id });

    // Without a partial outcome a failure keeps its intent's detail and offers nothing.
    const other = audit.begin({ actor: 'me', action: 'x', target: 't', detail: 'intent' });
    other.fail('no');
    const [plain] = audit.list({ limit: 1 }).entries;
    expect(plain.detail).toBe('intent');
    expect(plain.undo).toBeUndefined();
    await expect(audit.undo(other.id, async () => undefined)).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('records failures with their message and rethrows', async () => {
    const { audit } = setup();
    await expect(audit.record({ actor: 'me', action: 'x', target: 't' }, () => Promise.reject(new Error('forbidden')))).rejects.toThrow('forbidden');
    expect(audit.list({ limit: 1 }).entries[0]).toMatchObject({ status: 'failed', error: 'forbidden' });
  });

  it('never stores a secret that reaches it in a message', async () => {
    const { audit, log, db } = setup();
    log.redactor.add('canary-secret-9d8e7f');
    await expect(audit.record({ actor: 'me', action: 'x', target: 't' }, () => Promise.reject(new Error('rejected token canary-secret-9d8e7f')))).rejects.toThrow();
    const raw = JSON.stringify(db.prepare('SELECT * FROM audit').all());
    expect(raw).not.toContain('canary-secret-9d8e7f');
  });

  it('pages backwards and filters by text and connection', async () => {
    const { audit } = setup();
    for (let i = 0; i < 5; i++) await audit.record({ actor: 'me', action: `act-${i}`, target: i % 2 ? 'odd_one' : 'even', connectionId: i % 2 ? 'c1' : 'c2' }, () => i);
    const first = audit.list({ limit: 2 });
    expect(first.entries.map((e) => e.action)).toEqual(['act-4', 'act-3']);
    expect(first.hasMore).toBe(true);
    const next = audit.list({ limit: 2, beforeId: first.entries[1].id });
    expect(next.entries.map((e) => e.action)).toEqual(['act-2', 'act-1']);
    expect(audit.list({ limit: 10, text: 'odd_' }).entries).toHaveLength(2);
    // "_" is literal, not a LIKE wildcard.
    expect(audit.list({ limit: 10, text: 'o_d' }).entries).toHaveLength(0);
    expect(audit.list({ limit: 10, connectionId: 'c2' }).entries).toHaveLength(3);
  });

  it('finds an entry by "#id" with the entries linked to it by undo, and no longer offers to undo it once undone', async () => {
    const { audit } = setup();
    const scale = (replicas: number, from: number) =>
      audit.record({ actor: 'me', action: 'kube.scale', target: 'prod/a/deployments/web' }, () => replicas, () => ({
        undo: { method: 'kube.scale', params: { replicas: from }, label: `Scale back to ${from} replicas` },
      }));
    await scale(5, 3);
    const [scaled] = audit.list({ limit: 1 }).entries;
    await audit.record({ actor: 'me', action: 'connections.rename', target: 'scaled #1' }, () => 1);
    await expect(audit.undo(scaled.id, () => audit.record({ actor: 'me', action: 'kube.scale', target: 'web' }, () => Promise.reject(new Error('conflict'))))).rejects.toThrow();
    const undone = await audit.undo(scaled.id, () => scale(3, 5));

    const ids = (text: string) => audit.list({ limit: 10, text }).entries.map((e) => e.id);
    // The entry, its failed undo and its undo; not the rename whose target merely says "#1".
    expect(ids(`#${scaled.id}`)).toEqual([undone.id, undone.id - 1, scaled.id]);
    // From the undo's side: the undo and the entry it undid.
    expect(ids(` #${undone.id} `)).toEqual([undone.id, scaled.id]);
    expect(ids('#999')).toEqual([]);
    const original = audit.list({ limit: 10, text: `#${scaled.id}` }).entries.at(-1);
    expect(original).toMatchObject({ id: scaled.id, undoneBy: undone.id });
    expect(original?.undo).toBeUndefined();
  });

  it('announces entries as they are written and completed', async () => {
    // The hub sends its batches on a timer: a fake one lets the test send them, rather than sleep and hope they went.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { audit, hub } = setup();
      const statuses: string[] = [];
      hub.subscribe((b) => b.events.forEach((e) => statuses.push((e.payload as { status: string }).status)));
      await audit.record({ actor: 'me', action: 'x', target: 't' }, () => 1);
      vi.runAllTimers();
      expect(statuses).toEqual(['pending', 'succeeded']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('begins an entry whose outcome comes later, completes it once, and abandons only a pending one', () => {
    const { audit, log } = setup();
    log.redactor.add('canary-secret-1a2b3c');
    const task = audit.begin({ actor: 'me', action: 'connections.import', target: 'prod.yaml', detail: 'Import 3 contexts' });
    expect(audit.list({ limit: 1 }).entries[0]).toMatchObject({ id: task.id, status: 'pending', detail: 'Import 3 contexts' });
    task.succeed({ after: '{"imported":3}' });
    task.fail('too late');
    expect(audit.list({ limit: 1 }).entries[0]).toMatchObject({ id: task.id, status: 'succeeded', after: '{"imported":3}', detail: 'Import 3 contexts' });
    expect(audit.list({ limit: 1 }).entries[0].error).toBeUndefined();

    const crashed = audit.begin({ actor: 'me', action: 'drill.run', target: 'prod-eu' });
    audit.abandon(crashed.id, 'Pilothouse stopped while this ran (canary-secret-1a2b3c)');
    audit.abandon(task.id, 'Pilothouse stopped while this ran');
    const entries = audit.list({ limit: 2 }).entries;
    expect(entries[0]).toMatchObject({ id: crashed.id, status: 'failed', error: 'Pilothouse stopped while this ran («redacted»)' });
    expect(entries[1]).toMatchObject({ id: task.id, status: 'succeeded' });
  });

  it('keeps what a pending entry noted when it is abandoned, so what it changed can still be undone', () => {
    const { audit } = setup();
    const drain = audit.begin({ actor: 'me', action: 'node.drain', target: 'prod/nodes/worker-1' });
    drain.note({ before: 'schedulable', after: 'cordoned', detail: 'Evicted no pod', undo: { method: 'kube.cordon', params: { unschedulable: false }, label: 'Uncordon the node' } });
    // Pending, it offers nothing yet.
    expect(audit.list({ limit: 1 }).entries[0]).toMatchObject({ status: 'pending', before: 'schedulable', after: 'cordoned', detail: 'Evicted no pod' });
    expect(audit.list({ limit: 1 }).entries[0].undo).toBeUndefined();
    audit.abandon(drain.id, 'Pilothouse stopped while this ran');
    expect(audit.list({ limit: 1 }).entries[0]).toMatchObject({
      status: 'failed',
      error: 'Pilothouse stopped while this ran',
      before: 'schedulable',
      after: 'cordoned',
      detail: 'Evicted no pod',
      undo: { label: 'Uncordon the node' },
    });
  });
});

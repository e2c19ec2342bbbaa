import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
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

  it('announces entries as they are written and completed', async () => {
    const { audit, hub } = setup();
    const statuses: string[] = [];
    hub.subscribe((b) => b.events.forEach((e) => statuses.push((e.payload as { status: string }).status)));
    await audit.record({ actor: 'me', action: 'x', target: 't' }, () => 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(statuses).toEqual(['pending', 'succeeded']);
  });
});

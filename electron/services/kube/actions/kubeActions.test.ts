import Database from 'better-sqlite3';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionSummary } from '../../../../shared/contract';
import { kubeConfigFor } from '../../../../test/support/localKube';
import { createAuditService } from '../../audit/auditService';
import { createLogger } from '../../logging/logger';
import type { EventHub } from '../../rpc/eventHub';
import { migrate } from '../../store/database';
import { migrations } from '../../store/migrations';
import type { KubeAccess } from '../client/kubeAccess';
import { createKubeActions, objectLabel, rfc3339, schedulability } from './kubeActions';

it('stamps restarts in RFC 3339 to the second, as kubectl does', () => {
  expect(rfc3339(new Date('2026-11-27T11:30:20.123Z'))).toBe('2026-11-27T11:30:20Z');
});

it('names objects as kubectl does, with their namespace when they have one', () => {
  expect(objectLabel({ resource: { group: 'apps', version: 'v1', resource: 'deployments' }, namespace: 'team-a', name: 'web' })).toBe('deployments.apps "web" in team-a');
  expect(objectLabel({ resource: { group: '', version: 'v1', resource: 'nodes' }, name: 'gpu-1' })).toBe('nodes "gpu-1"');
});

it('says whether a node takes new pods', () => {
  expect(schedulability({ spec: { unschedulable: true } })).toBe('cordoned');
  expect(schedulability({ spec: {} })).toBe('schedulable');
});

describe('delete, against a fake apiserver', () => {
  const PODS = { group: '', version: 'v1', resource: 'pods' };
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  /** Serves pod team-a/web-0, now with uid `now`, and records the DELETEs it is sent. */
  async function cluster(now: string) {
    const deletes: unknown[] = [];
    const server = http.createServer((req, res) => {
      const json = (status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      if (req.url !== '/api/v1/namespaces/team-a/pods/web-0') return json(500, { message: `unexpected ${req.method} ${req.url}` });
      if (req.method === 'GET') return json(200, { metadata: { name: 'web-0', namespace: 'team-a', uid: now, resourceVersion: '7' } });
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        deletes.push(JSON.parse(body));
        json(200, { metadata: { name: 'web-0', uid: now } });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      server.closeAllConnections();
      server.close();
    });
    const db = new Database(':memory:');
    migrate(db, migrations);
    const log = createLogger();
    const audit = createAuditService(db, { publish: () => {} } as unknown as EventHub, log);
    const kc = kubeConfigFor(server);
    const actions = createKubeActions({
      access: { config: async () => kc, resolve: async () => ({ ...PODS, kind: 'Pod', namespaced: true, verbs: ['delete'] }) } as unknown as KubeAccess,
      audit,
      connections: { list: () => [{ id: 'k', kind: 'kubernetes', name: 'bed' }] as ConnectionSummary[] },
      log,
    });
    const remove = (ifUid?: string) => actions.delete({ connectionId: 'k', resource: PODS, namespace: 'team-a', name: 'web-0', propagation: 'Background', ...(ifUid ? { ifUid } : {}) }, 'me');
    return { remove, deletes, audit };
  }

  it('leaves alone a namesake created since the user saw the object (a StatefulSet pod), and records the refusal', async () => {
    const { remove, deletes, audit } = await cluster('uid-new');
    await expect(remove('uid-seen')).rejects.toMatchObject({ code: 'CONFLICT', message: 'pods "web-0" in team-a was deleted and created again since: nothing was changed' });
    expect(deletes).toEqual([]);
    expect(audit.list({ limit: 1 }).entries[0]).toMatchObject({ action: 'kube.delete', status: 'failed' });
  });

  it('deletes the object the user saw, still only the one read (uid precondition)', async () => {
    const { remove, deletes } = await cluster('uid-seen');
    await remove('uid-seen');
    await remove();
    expect(deletes).toEqual([expect.objectContaining({ preconditions: { uid: 'uid-seen' } }), expect.objectContaining({ preconditions: { uid: 'uid-seen' } })]);
  });
});

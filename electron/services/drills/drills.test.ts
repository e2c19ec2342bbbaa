import Database from 'better-sqlite3';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import type { DrillRequest } from '../../../shared/contract/drills';
import type { ConnectionService } from '../connections/connectionService';
import type { TaskRunner } from '../tasks/taskRunner';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import { createDrillStore } from './drillStore';
import { createDrills } from './drills';

const T0 = Date.parse('2026-12-04T10:00:00Z');

/** A KubeConfig for the apiserver at `server`. */
function kubeConfig(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
  return kc;
}

/** Drills over an in-memory store holding one complete backup of team-a on connection c1, with two more connections: c2 to the same apiserver, c3 to another. */
function setup() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations);
  const store = createDrillStore(db);
  const destination = store.saveDestination({ name: 'local', target: { kind: 'folder', path: '/backups' } }, new Date(T0).toISOString());
  store.startBackup({ id: 'b1', name: 'pilothouse-team-a-b1', connectionId: 'c1', connectionName: 'dev', namespaces: ['team-a'], destination, location: '/backups/b1', takenAt: new Date(T0).toISOString() });
  store.completeBackup('b1', { finishedAt: new Date(T0 + 1000).toISOString(), objectCount: 1, secretCount: 0, bytes: 10, counts: [], skipped: [], manifestSha256: 'ab'.repeat(32) });
  const servers: Record<string, string> = { c1: 'https://10.0.0.1:6443', c2: 'https://10.0.0.1:6443/', c3: 'https://10.0.0.2:6443' };
  const connections = {
    list: () => Object.keys(servers).map((id) => ({ id, name: `conn-${id}`, kind: 'kubernetes', labels: {} })),
    awsAccessOf: vi.fn(),
  } as unknown as Pick<ConnectionService, 'list' | 'awsAccessOf'>;
  const runner = { start: vi.fn(() => ({ id: 't1', done: Promise.resolve() })), get: vi.fn(() => ({ id: 't1', report: '' })) };
  const drills = createDrills({
    access: { config: async (id: string) => kubeConfig(servers[id]) },
    connections,
    runner: runner as unknown as Pick<TaskRunner, 'start' | 'get'>,
    store,
    keys: { byId: vi.fn() },
    now: () => T0 + 3_600_000,
    changed: () => undefined,
  });
  return { drills, runner, store };
}

const request = (over: Partial<DrillRequest>): DrillRequest => ({ source: { kind: 'archive', backupId: 'b1' }, namespace: 'team-a', targetConnectionId: 'c1', allowExistingNamespace: false, keep: false, ...over });

describe('drills.start', () => {
  it('never restores into the backed-up namespace through another connection to the same apiserver', async () => {
    const { drills, runner, store } = setup();
    await expect(drills.start(request({ targetConnectionId: 'c2', targetNamespace: 'team-a', allowExistingNamespace: true }), 'ana')).rejects.toThrow(/never restores into team-a .*the namespace it backed up/);
    expect(runner.start).not.toHaveBeenCalled();
    expect(store.listDrills({ limit: 10 })).toEqual([]);
  });

  it('restores into a namesake of the backed-up namespace on another apiserver', async () => {
    const { drills, runner, store } = setup();
    await drills.start(request({ targetConnectionId: 'c3', targetNamespace: 'team-a' }), 'ana');
    expect(runner.start).toHaveBeenCalledOnce();
    expect(store.listDrills({ limit: 10 }).map((d) => [d.targetConnectionName, d.targetNamespace])).toEqual([['conn-c3', 'team-a']]);
  });

  it('refuses a second drill into a namespace a running drill restores into, on its connection', async () => {
    const { drills, runner } = setup();
    await drills.start(request({ targetConnectionId: 'c3', targetNamespace: 'drill-x', allowExistingNamespace: true }), 'ana');
    await expect(drills.start(request({ targetConnectionId: 'c3', targetNamespace: 'drill-x', allowExistingNamespace: true }), 'bo')).rejects.toThrow(/drill .* is restoring into drill-x on conn-c3/);
    expect(runner.start).toHaveBeenCalledOnce();
  });
});

describe('drills.cleanup', () => {
  it("is refused while the drill's own task is still cleaning up after it", async () => {
    const { drills, runner, store } = setup();
    const { drillId } = await drills.start(request({ targetConnectionId: 'c3' }), 'ana');
    // The run failed and its outcome is recorded; the runner's cleanup is under way.
    store.updateDrill(drillId, { outcome: 'failed', leftovers: 3 });
    runner.get.mockReturnValue({ id: 't1', report: '', status: 'running' } as never);
    expect(() => drills.cleanup({ id: drillId }, 'bo')).toThrow(/cleanup is under way/);
    expect(runner.start).toHaveBeenCalledOnce();
  });
});

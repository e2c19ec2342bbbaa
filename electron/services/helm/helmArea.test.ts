import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { madeTempDir } from '../../../test/support/tempDirs';
import { createAuditService } from '../audit/auditService';
import type { ConnectionService } from '../connections/connectionService';
import type { KubeAccess } from '../kube/client/kubeAccess';
import { createLogger } from '../logging/logger';
import { dispatch, type CallContext, type Handlers } from '../rpc/dispatch';
import { EventHub } from '../rpc/eventHub';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import type { TaskRunner } from '../tasks/taskRunner';
import { createHelmArea } from './helmArea';

const areas: { close(): void | Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(areas.splice(0).map((a) => a.close()));
});

function setup(tempParent = madeTempDir('helm-area-')) {
  const db = new Database(':memory:');
  migrate(db, migrations);
  const log = createLogger();
  const audit = createAuditService(db, new EventHub(log, { batchMs: 1 }), log);
  const area = createHelmArea({
    access: {} as KubeAccess,
    connections: {} as ConnectionService,
    audit,
    db,
    runner: {} as TaskRunner,
    log,
    env: { PATH: '' },
    tempParent,
  });
  areas.push(area);
  const ctx: CallContext = { transport: 'test', actor: 'oncall@laptop', session: 'window-1' };
  const call = (method: string, params: unknown) => dispatch(area.handlers as unknown as Handlers, method, params, ctx, log);
  return { audit, call };
}

describe('helm area', () => {
  it('removes the private kubeconfigs an earlier process left when it is created at services start', async () => {
    const parent = madeTempDir('helm-area-');
    const left = join(parent, 'pilothouse-helm-abc123');
    mkdirSync(left, { mode: 0o700 });
    writeFileSync(join(left, 'kubeconfig'), 'token: s3cr3t', { mode: 0o600 });
    const hourAgo = (Date.now() - 3_600_000) / 1000;
    utimesSync(left, hourAgo, hourAgo);
    setup(parent);
    await vi.waitFor(() => expect(readdirSync(parent)).toEqual([]));
  });

  it('audits who set which helm binary, and that it was run to check it', async () => {
    const helm = join(madeTempDir('fake-helm-'), 'helm');
    writeFileSync(helm, '#!/bin/sh\necho v3.22.0+gabc\n');
    chmodSync(helm, 0o755);
    const { audit, call } = setup();
    expect(await call('helm.setPath', { path: helm })).toMatchObject({ ok: true, value: { configuredPath: helm, version: 'v3.22.0+gabc' } });
    expect(await call('helm.setPath', { path: null })).toMatchObject({ ok: true, value: { problem: 'helm not found on PATH — set its path' } });
    const [cleared, set] = audit.list({ limit: 2 }).entries;
    expect(set).toMatchObject({
      actor: 'oncall@laptop',
      action: 'helm.setPath',
      target: 'helm binary',
      status: 'succeeded',
      before: 'helm on PATH',
      after: `${helm} (v3.22.0+gabc)`,
      detail: `${helm} is run at once as "helm version --short" to check it, and by every Helm rollback after`,
    });
    expect(cleared).toMatchObject({ before: helm, after: 'helm on PATH: helm not found on PATH — set its path' });
  });
});

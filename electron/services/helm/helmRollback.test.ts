import Database from 'better-sqlite3';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HelmRollbackParams, isTaskFinished, type ConnectionSummary, type HelmHistory, type HelmRevision } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { madeTempDir } from '../../../test/support/tempDirs';
import { createAuditService, type AuditService, type UndoStep } from '../audit/auditService';
import type { KubeAccess } from '../kube/client/kubeAccess';
import { createLogger } from '../logging/logger';
import type { EventHub } from '../rpc/eventHub';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import { createTaskRunner, type TaskRunner } from '../tasks/taskRunner';
import { createHelmRollbacks, helmEnvironment, type HelmRollbacks, helmFailure, rollbackArgs, TEMP_DIR_SHOWN } from './helmRollback';

const KUBECONFIG = 'apiVersion: v1\nkind: Config\ncurrent-context: bed\n';
const TOKEN = 's3cr3t-token-value-0123456789abcdef';

/**
 * A stand-in for helm: notes what it was given (arguments, the kubeconfig's
 * path, modes and text), echoes the path and a credential as a careless
 * error would, then behaves as FAKE_MODE says.
 */
const FAKE_HELM = `#!/bin/sh
echo "$@" > "$FAKE_OUT/args"
echo "$KUBECONFIG" > "$FAKE_OUT/path"
stat -c %a "$KUBECONFIG" > "$FAKE_OUT/mode"
cat "$KUBECONFIG" > "$FAKE_OUT/kubeconfig"
echo "W1204 reading $KUBECONFIG with token ${TOKEN}" >&2
case "$FAKE_MODE" in
  fail) echo "Error: release web failed: timed out waiting for the condition" >&2; exit 1 ;;
  hang) echo "waiting"; exec sleep 30 ;;
esac
echo "Rollback was a success! Happy Helming!"
`;

const revision = (n: number, status = 'superseded'): HelmRevision => ({
  name: 'web',
  namespace: 'apps',
  revision: n,
  status,
  chart: `web-0.${n}.0`,
  appVersion: `1.${n}`,
  description: n === 1 ? 'Install complete' : 'Upgrade complete',
});

/** The release's history before helm ran, then after. */
function releaseHistories(before: HelmRevision[], after: HelmRevision[]) {
  let reads = 0;
  return {
    history: async (): Promise<HelmHistory> => ({ revisions: reads++ === 0 ? before : after, unreadable: [] }),
  };
}

async function waitFor(runner: TaskRunner, id: string) {
  const deadline = Date.now() + 10_000;
  while (!isTaskFinished(runner.get(id).status)) {
    if (Date.now() > deadline) throw new Error('the task did not end');
    await new Promise((r) => setTimeout(r, 10));
  }
  return runner.get(id);
}

/** Undoes entry `id` as the audit log does, through the contract's params; answers the call the undo made. */
async function undoStep({ audit, rollbacks, runner }: { audit: AuditService; rollbacks: HelmRollbacks; runner: TaskRunner }, id: number): Promise<UndoStep> {
  let step: UndoStep | undefined;
  let taskId = '';
  await audit.undo(id, async (s) => {
    step = s;
    ({ taskId } = await rollbacks.start(HelmRollbackParams.parse(s.params), 'me'));
  });
  await waitFor(runner, taskId);
  return step!;
}

function setup(mode: '' | 'fail' | 'hang', after: HelmRevision[], options: { helm?: () => Promise<string> } = {}) {
  const out = madeTempDir('fake-helm-out-');
  const tempParent = madeTempDir('helm-temp-');
  const helm = join(madeTempDir('fake-helm-'), 'helm');
  writeFileSync(helm, FAKE_HELM);
  chmodSync(helm, 0o755);
  const db = new Database(':memory:');
  migrate(db, migrations);
  const log = createLogger();
  log.redactor.add(TOKEN);
  const hub = { publish: () => {} } as unknown as EventHub;
  const audit = createAuditService(db, hub, log);
  const runner = createTaskRunner({ db, audit, hub, log });
  const rollbacks = createHelmRollbacks({
    access: { config: async () => ({}) } as unknown as KubeAccess,
    connections: { list: () => [{ id: 'k', kind: 'kubernetes', name: 'bed' }] as ConnectionSummary[], kubeconfigOf: () => KUBECONFIG },
    locator: { require: options.helm ?? (async () => helm) },
    reader: releaseHistories([revision(1), revision(2, 'deployed')], after),
    runner,
    log,
    env: { PATH: process.env.PATH, FAKE_OUT: out, FAKE_MODE: mode, HELM_NAMESPACE: 'elsewhere', KUBECONFIG: '/home/me/.kube/config' },
    tempParent,
  });
  const seen = (file: string) => readFileSync(join(out, file), 'utf8').trim();
  return { rollbacks, runner, audit, seen, tempParent };
}

const params = { connectionId: 'k', namespace: 'apps', name: 'web', revision: 1 };

describe('helm rollback task', () => {
  it('runs helm rollback --wait with a private kubeconfig of this connection only, removed afterwards, and audits an undo to the revision before', async () => {
    const { rollbacks, runner, audit, seen, tempParent } = setup('', [revision(1), revision(2), revision(3, 'deployed')]);
    const { taskId } = await rollbacks.start(params, 'me');
    const task = await waitFor(runner, taskId);

    expect(task).toMatchObject({ kind: 'helm.rollback', status: 'succeeded', target: 'bed/apps/helm releases/web', result: { revision: 3, toRevision: 1 } });
    expect(task.phases.map((p) => p.state)).toEqual(['done', 'done', 'done']);
    expect(task.report?.summary).toBe('release "web" in apps runs revision 3, a copy of revision 1 (web-0.1.0, app 1.1, superseded): deployed, its resources ready.');
    const path = seen('path');
    expect(seen('args')).toBe(`rollback web 1 --namespace apps --kubeconfig ${path} --wait --timeout 5m0s`);
    expect(seen('mode')).toBe('600');
    expect(seen('kubeconfig')).toBe(KUBECONFIG.trim());
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(tempParent)).toEqual([]);

    // helm's output is in the report, without the private path or the credential it echoed.
    const lines = task.report?.lines ?? [];
    expect(lines).toContain(`W1204 reading ${TEMP_DIR_SHOWN}/kubeconfig with token «redacted»`);
    expect(lines).toContain('Rollback was a success! Happy Helming!');
    expect(lines.join('\n')).not.toContain(TOKEN);
    expect(lines.join('\n')).not.toContain(tempParent);

    const [entry] = audit.list({ limit: 1 }).entries;
    expect(entry).toMatchObject({
      action: 'helm.rollback',
      status: 'succeeded',
      before: 'revision 2 (web-0.2.0, app 1.2, deployed)',
      after: 'revision 3 (web-0.3.0, app 1.3, deployed)',
      undo: { label: 'Roll back to revision 2' },
    });
    expect(await undoStep({ audit, rollbacks, runner }, entry.id)).toEqual({
      method: 'helm.rollback',
      params: { connectionId: 'k', namespace: 'apps', name: 'web', revision: 2, ifCurrentRevision: 3 },
      label: 'Roll back to revision 2',
    });
  });

  it('fails with helm\'s own words, keeps the undo of the revision helm wrote, and still removes the kubeconfig', async () => {
    const { rollbacks, runner, audit, seen, tempParent } = setup('fail', [revision(1), revision(2), revision(3, 'failed')]);
    const task = await waitFor(runner, (await rollbacks.start(params, 'me')).taskId);
    expect(task.status).toBe('failed');
    expect(task.error).toMatchObject({ code: 'TIMEOUT', message: 'helm rollback exited with code 1: Error: release web failed: timed out waiting for the condition' });
    expect(existsSync(seen('path'))).toBe(false);
    expect(readdirSync(tempParent)).toEqual([]);
    const [entry] = audit.list({ limit: 1 }).entries;
    expect(entry).toMatchObject({ status: 'failed', after: 'revision 3 (web-0.3.0, app 1.3, failed)', undo: { label: 'Roll back to revision 2' } });
    expect((await undoStep({ audit, rollbacks, runner }, entry.id)).params).toMatchObject({ revision: 2, ifCurrentRevision: 3 });
  });

  /** Starts a rollback whose helm hangs, and cancels it once helm runs. */
  async function cancelledRollback(after: HelmRevision[]) {
    const bed = setup('hang', after);
    const { taskId } = await bed.rollbacks.start(params, 'me');
    const deadline = Date.now() + 5_000;
    while (!bed.runner.get(taskId).report?.lines.includes('waiting')) {
      if (Date.now() > deadline) throw new Error('helm did not start');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(readdirSync(bed.tempParent)).toHaveLength(1);
    bed.runner.cancel(taskId, 'me');
    return { ...bed, task: await waitFor(bed.runner, taskId), entry: bed.audit.list({ limit: 1 }).entries[0] };
  }

  it('a cancel kills helm, removes the kubeconfig once helm has exited, and audits the release as it is: unchanged, no undo', async () => {
    const { task, entry, tempParent } = await cancelledRollback([revision(1), revision(2, 'deployed')]);
    expect(task.status).toBe('cancelled');
    expect(readdirSync(tempParent)).toEqual([]);
    expect(entry).toMatchObject({ status: 'failed', before: 'revision 2 (web-0.2.0, app 1.2, deployed)', after: 'unchanged: revision 2 (web-0.2.0, app 1.2, deployed)' });
    expect(entry.undo).toBeUndefined();
  });

  it('a cancel after helm wrote its revision audits that revision as it was left (pending-rollback), with its undo', async () => {
    const { task, entry } = await cancelledRollback([revision(1), revision(2), revision(3, 'pending-rollback')]);
    expect(task.status).toBe('cancelled');
    expect(entry).toMatchObject({ status: 'failed', after: 'revision 3 (web-0.3.0, app 1.3, pending-rollback)', undo: { label: 'Roll back to revision 2' } });
  });

  it('refuses a revision that is not kept, and an undo when the release moved on', async () => {
    const notKept = setup('', []);
    const missing = await waitFor(notKept.runner, (await notKept.rollbacks.start({ ...params, revision: 9 }, 'me')).taskId);
    expect(missing.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('Revision 9 of release "web" in apps is not kept') });
    const movedOn = setup('', []);
    const moved = await waitFor(movedOn.runner, (await movedOn.rollbacks.start({ ...params, ifCurrentRevision: 5 }, 'me')).taskId);
    expect(moved.error).toMatchObject({ code: 'CONFLICT', message: 'release "web" in apps is at revision 2 now, not 5: it was changed since. Nothing was changed' });
  });

  it('starts no task when there is no helm, and says why', async () => {
    const { rollbacks, runner } = setup('', [], {
      helm: async () => {
        throw new AppError('UNSUPPORTED', 'helm not found on PATH — set its path');
      },
    });
    await expect(rollbacks.start(params, 'me')).rejects.toMatchObject({ code: 'UNSUPPORTED', message: 'helm not found on PATH — set its path' });
    expect(runner.list({ limit: 10, includeDismissed: true }).tasks).toEqual([]);
  });
});

describe('how helm is run', () => {
  it('drops variables that would point helm elsewhere and keeps its files in the private directory', () => {
    const env = helmEnvironment({ PATH: '/usr/bin', HOME: '/home/me', KUBECONFIG: '/home/me/.kube/config', HELM_NAMESPACE: 'x', HELM_KUBECONTEXT: 'prod' }, '/tmp/p', '/tmp/p/kubeconfig');
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/me',
      KUBECONFIG: '/tmp/p/kubeconfig',
      HELM_DRIVER: 'secret',
      HELM_CONFIG_HOME: '/tmp/p/config',
      HELM_CACHE_HOME: '/tmp/p/cache',
      HELM_DATA_HOME: '/tmp/p/data',
    });
    expect(rollbackArgs('web', 3, 'apps', '/k')).toEqual(['rollback', 'web', '3', '--namespace', 'apps', '--kubeconfig', '/k', '--wait', '--timeout', '5m0s']);
  });

  it('reports a failure with a code that says what to do', () => {
    expect(helmFailure({ code: 1, signal: null }, 'Error: another operation (install/upgrade/rollback) is in progress').code).toBe('CONFLICT');
    expect(helmFailure({ code: 1, signal: null }, 'Error: secrets is forbidden: User "ci" cannot list').code).toBe('FORBIDDEN');
    expect(helmFailure({ code: null, signal: 'SIGKILL' }, undefined)).toMatchObject({ code: 'VALIDATION', message: 'helm rollback was stopped (SIGKILL)' });
  });
});

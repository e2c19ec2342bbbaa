/**
 * Helm releases against the real test bed, through the contract, checked
 * against the helm binary for the same release: a chart installed and
 * upgraded with helm is listed as `helm list` lists it, its history is
 * `helm history`'s and its manifests `helm get manifest`'s; a rollback runs
 * helm itself as a task, after which `helm history` shows the rollback
 * revision, the audit entry is there, and its undo rolls back again; an
 * unreadable release Secret is a row of its own; a helm that is not there
 * says so and starts nothing.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TaskSummary } from '../../shared/contract';
import type { Services } from '../../electron/services/app/createServices';
import { servicesWithCluster } from '../support/services';
import { contractClient } from '../support/contract';
import { madeTempDir } from '../support/tempDirs';
import { BINARIES, TESTBED_SRC_DIR } from '../testbed/paths';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);
const NS = `ph-it-helm-${Date.now().toString(36)}`;
const CHART = join(TESTBED_SRC_DIR, 'fixtures', 'helm-web');

let services: Services;
let connectionId = '';
const { call: succeed, failure: fail, finishedTask } = contractClient(() => services, { actor: 'it', session: 'it' });

/** helm as a person runs it on the bed, with its own config and cache kept out of $HOME. */
const helmHome = madeTempDir('ph-it-helm-home-');
const helm = async (...args: string[]) =>
  (
    await run(BINARIES.helm, [...args, '--kubeconfig', primary.kubeconfigs.admin], {
      env: { ...process.env, HELM_CONFIG_HOME: join(helmHome, 'config'), HELM_CACHE_HOME: join(helmHome, 'cache'), HELM_DATA_HOME: join(helmHome, 'data') },
    })
  ).stdout;
const kubectl = async (...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;

/** One row of `helm history -o json`. */
interface HelmHistoryRow {
  revision: number;
  updated: string;
  status: string;
  chart: string;
  app_version: string;
  description: string;
}
const helmHistory = async (name: string): Promise<HelmHistoryRow[]> => JSON.parse(await helm('history', name, '-n', NS, '-o', 'json'));
/** A Go timestamp to the millisecond, as Pilothouse shows it. */
const toIso = (goTime: string) => new Date(Date.parse(goTime.replace(/(\.\d{3})\d+/, '$1'))).toISOString();

async function rollBack(revision: number): Promise<TaskSummary> {
  const { taskId } = await succeed('helm.rollback', { connectionId, namespace: NS, name: 'web', revision });
  return finishedTask(taskId);
}

beforeAll(async () => {
  ({ services, connectionId } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary-admin'));
  await kubectl('create', 'namespace', NS);
  await helm('install', 'web', CHART, '-n', NS, '--set', 'message=first', '--wait', '--timeout', '2m');
  await helm('upgrade', 'web', CHART, '-n', NS, '--set', 'image.tag=1.1', '--set', 'message=second', '--wait', '--timeout', '2m');
  await succeed('helm.setPath', { path: BINARIES.helm });
}, 300_000);

afterAll(async () => {
  await services?.close();
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('helm releases', () => {
  it('lists the release as helm list does: chart, app version, revision, status, updated', async () => {
    const ours = await succeed('helm.releases', { connectionId, namespace: NS });
    const theirs: { name: string; namespace: string; revision: string; status: string; chart: string; app_version: string }[] = JSON.parse(await helm('list', '-n', NS, '--all', '-o', 'json'));
    expect(ours.releases.map((r) => [r.name, r.namespace, r.revision, r.status, r.chart, r.appVersion])).toEqual(
      theirs.map((r) => [r.name, r.namespace, Number(r.revision), r.status, r.chart, r.app_version]),
    );
    expect(ours.releases[0]).toMatchObject({ name: 'web', revision: 2, status: 'deployed', chart: 'helm-web-0.1.0', appVersion: '1.0' });
    expect(ours.unreadable).toEqual([]);
    // All namespaces: the same release among the others.
    const everywhere = await succeed('helm.releases', { connectionId });
    expect(everywhere.releases.filter((r) => r.namespace === NS)).toEqual(ours.releases);
  });

  it('gives the history helm history gives, and each revision\'s manifest as helm get manifest prints it', async () => {
    const history = await succeed('helm.history', { connectionId, namespace: NS, name: 'web' });
    const theirs = await helmHistory('web');
    expect(history.revisions.map((r) => ({ revision: r.revision, updated: r.updated, status: r.status, chart: r.chart, app_version: r.appVersion, description: r.description }))).toEqual(
      theirs.map((r) => ({ ...r, updated: toIso(r.updated) })),
    );
    for (const revision of [1, 2]) {
      const manifest = await succeed('helm.manifest', { connectionId, namespace: NS, name: 'web', revision });
      expect(manifest.truncated).toBe(false);
      expect(manifest.manifest.trim()).toBe((await helm('get', 'manifest', 'web', '-n', NS, '--revision', String(revision))).trim());
    }
    const [first, second] = await Promise.all([1, 2].map((revision) => succeed('helm.manifest', { connectionId, namespace: NS, name: 'web', revision })));
    expect(first.manifest).toContain('registry.example/helm-web:1.0');
    expect(second.manifest).toContain('registry.example/helm-web:1.1');
    expect(await fail('helm.manifest', { connectionId, namespace: NS, name: 'web', revision: 9 })).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lists a release Secret it cannot read as a row saying why, and the other releases still', async () => {
    const file = join(madeTempDir('ph-it-helm-'), 'broken.json');
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'sh.helm.release.v1.broken.v1', namespace: NS, labels: { owner: 'helm', name: 'broken', version: '1', status: 'deployed' } },
        type: 'helm.sh/release.v1',
        data: { release: Buffer.from('this is not base64 of gzip').toString('base64') },
      }),
    );
    await kubectl('apply', '-f', file);
    try {
      const listed = await succeed('helm.releases', { connectionId, namespace: NS });
      expect(listed.releases.map((r) => r.name)).toEqual(['web']);
      expect(listed.unreadable).toEqual([
        { namespace: NS, secret: 'sh.helm.release.v1.broken.v1', name: 'broken', revision: 1, error: 'Cannot read this release Secret: the release inside it is not base64' },
      ]);
    } finally {
      await kubectl('delete', 'secret', 'sh.helm.release.v1.broken.v1', '-n', NS);
    }
  });
});

describe('helm rollback', () => {
  it('runs helm rollback as a task, which helm history agrees with; audited, and its undo rolls back again', async () => {
    const tool = await succeed('helm.tool', {});
    expect(tool).toMatchObject({ configuredPath: BINARIES.helm, path: BINARIES.helm, version: expect.stringMatching(/^v3\.22\.0/) });

    const task = await rollBack(1);
    expect(task).toMatchObject({ kind: 'helm.rollback', status: 'succeeded', result: { revision: 3, toRevision: 1 } });
    expect(task.phases.map((p) => [p.name, p.state])).toEqual([
      ['Read the release', 'done'],
      ['Run helm rollback', 'done'],
      ['Read the result', 'done'],
    ]);
    expect(task.report?.lines).toContain('Rollback was a success! Happy Helming!');
    expect(task.report?.lines.join('\n')).not.toMatch(/pilothouse-helm-/);
    const afterRollback = await helmHistory('web');
    expect(afterRollback.at(-1)).toMatchObject({ revision: 3, status: 'deployed', description: 'Rollback to 1', chart: 'helm-web-0.1.0' });
    expect(await kubectl('get', 'configmap', 'web', '-n', NS, '-o', 'jsonpath={.data.MESSAGE}')).toBe('first');
    const ours = await succeed('helm.history', { connectionId, namespace: NS, name: 'web' });
    expect(ours.revisions.map((r) => [r.revision, r.status, r.description])).toEqual(afterRollback.map((r) => [r.revision, r.status, r.description]));

    const entry = services.audit.list({ limit: 50 }).entries.find((e) => e.id === task.auditId)!;
    expect(entry).toMatchObject({
      action: 'helm.rollback',
      status: 'succeeded',
      target: `primary-admin/${NS}/helm releases/web`,
      before: 'revision 2 (helm-web-0.1.0, app 1.0, deployed)',
      after: 'revision 3 (helm-web-0.1.0, app 1.0, deployed)',
      undo: { label: 'Roll back to revision 2' },
    });
    const undone = await succeed('audit.undo', { id: entry.id });
    expect(undone).toMatchObject({ action: 'helm.rollback', undoOf: entry.id });
    const undoTask = services.tasks.list({ limit: 10, includeDismissed: true }).tasks.find((t) => t.auditId === undone.id)!;
    expect(await finishedTask(undoTask.id)).toMatchObject({ status: 'succeeded', result: { revision: 4, toRevision: 2 } });
    expect((await helmHistory('web')).at(-1)).toMatchObject({ revision: 4, status: 'deployed', description: 'Rollback to 2' });
    expect(await kubectl('get', 'configmap', 'web', '-n', NS, '-o', 'jsonpath={.data.MESSAGE}')).toBe('second');

    // An undo made after the release moved on (it is at 4 now, not 3) changes nothing.
    const { taskId } = await succeed('helm.rollback', { connectionId, namespace: NS, name: 'web', revision: 2, ifCurrentRevision: 3 });
    expect(await finishedTask(taskId)).toMatchObject({ status: 'failed', error: { code: 'CONFLICT' } });
    expect((await helmHistory('web')).at(-1)?.revision).toBe(4);
  }, 300_000);

  it('says plainly when helm is not there, keeps the release as it is, and starts no task', async () => {
    const missing = join(madeTempDir('ph-it-helm-'), 'helm');
    expect(await succeed('helm.setPath', { path: missing })).toEqual({ configuredPath: missing, problem: `helm not found at ${missing} (no executable file there) — set its path` });
    const tasksBefore = services.tasks.list({ limit: 50, includeDismissed: true }).tasks.length;
    expect(await fail('helm.rollback', { connectionId, namespace: NS, name: 'web', revision: 1 })).toEqual({
      code: 'UNSUPPORTED',
      message: `helm not found at ${missing} (no executable file there) — set its path`,
    });
    expect(services.tasks.list({ limit: 50, includeDismissed: true }).tasks).toHaveLength(tasksBefore);
    expect((await helmHistory('web')).at(-1)?.revision).toBe(4);
    // Listing needs no helm.
    expect((await succeed('helm.releases', { connectionId, namespace: NS })).releases[0]).toMatchObject({ name: 'web', revision: 4 });
    await succeed('helm.setPath', { path: BINARIES.helm });
  });
});

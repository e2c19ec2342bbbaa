import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../../shared/result';
import { kubeRequest, type KubeRequestOptions } from '../../kube/client/kubeHttp';
import { deleteVeleroRestore, startVeleroRestore, type VeleroRestoreOptions } from './veleroRestore';
import type { VeleroBackup, VeleroRestore } from './veleroShapes';

vi.mock('../../kube/client/kubeHttp', async (original) => ({ ...(await original<typeof import('../../kube/client/kubeHttp')>()), kubeRequest: vi.fn() }));

/** Objects recorded from Velero v1.18.3 on the test bed (see fixtures/README.md). */
const recorded = <T>(file: string): T => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', file), 'utf8')) as T;
const backup = recorded<VeleroBackup>('backup-completed.json');
const completed = recorded<VeleroRestore>('restore-completed.json');
const refused = recorded<VeleroRestore>('restore-failed-validation.json');

const kc = new KubeConfig();
kc.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });

const NAME = 'drill-h3-fixture-abcde';
/** The Restore as successive reads find it: taken up, part-way, then as Velero left the recorded one. */
const named = (r: VeleroRestore, status: VeleroRestore['status']): VeleroRestore => ({ ...r, metadata: { ...r.metadata, name: NAME }, status });
const total = completed.status?.progress?.totalItems ?? 0;
const fresh = named(completed, undefined);
const running = named(completed, { phase: 'InProgress', progress: { totalItems: total, itemsRestored: 1 } });
const done = named(completed, completed.status);

const requests: { path: string; options: KubeRequestOptions }[] = [];
/** Answers each GET of the Restore with the next of `reads` (the last one again when they run out). */
function serve(reads: (VeleroRestore | number)[], created: number = 201): void {
  let i = 0;
  vi.mocked(kubeRequest).mockImplementation(async (_kc, path, options = {}) => {
    requests.push({ path, options });
    if (path.includes('/backups/')) return path.endsWith('/h3-fixture') ? { status: 200, body: backup } : { status: 404, body: { kind: 'Status', message: 'not found' } };
    if (options.method === 'POST') return { status: created, body: created === 201 ? { ...(options.body as object), metadata: { name: NAME, namespace: 'velero' } } : { kind: 'Status', message: 'restores.velero.io is forbidden' } };
    const read = reads[Math.min(i++, reads.length - 1)];
    return typeof read === 'number' ? { status: read, body: { kind: 'Status', message: 'gone' } } : { status: 200, body: read };
  });
}

const options = (more: Partial<VeleroRestoreOptions> = {}): VeleroRestoreOptions => ({
  backupName: 'h3-fixture',
  veleroNamespace: 'velero',
  sourceNamespace: 'h3-fixture',
  targetNamespace: 'drill-h3-fixture',
  pollMs: 1,
  ...more,
});

beforeEach(() => {
  requests.length = 0;
  vi.mocked(kubeRequest).mockReset();
});

describe('startVeleroRestore', () => {
  it('creates the Restore, reports each change of progress, and resolves with how it ended', async () => {
    serve([fresh, fresh, running, running, done]);
    const progress: string[] = [];
    const started: string[] = [];
    const result = await startVeleroRestore(kc, options({ onStarted: (n) => started.push(n), onProgress: (d, t, p) => progress.push(`${p} ${d}/${t}`) }));
    expect(started).toEqual([NAME]);
    expect(progress).toEqual(['New 0/0', `InProgress 1/${total}`, `Completed ${total}/${total}`]);
    expect(result).toEqual({
      name: NAME,
      phase: 'Completed',
      warnings: completed.status?.warnings ?? 0,
      errors: 0,
      itemsRestored: total,
      totalItems: total,
      backupTakenAt: backup.status?.startTimestamp,
      startedAt: completed.status?.startTimestamp,
      completedAt: completed.status?.completionTimestamp,
    });
    const post = requests.find((r) => r.options.method === 'POST');
    expect(post?.path).toBe('/apis/velero.io/v1/namespaces/velero/restores');
    expect(post?.options.body).toMatchObject({ spec: { backupName: 'h3-fixture', includedNamespaces: ['h3-fixture'], namespaceMapping: { 'h3-fixture': 'drill-h3-fixture' } } });
  });

  it('resolves for PartiallyFailed and Failed with Velero\'s counts and reason', async () => {
    serve([named(completed, { ...completed.status, phase: 'PartiallyFailed', errors: 2, warnings: 1 })]);
    expect(await startVeleroRestore(kc, options())).toMatchObject({ phase: 'PartiallyFailed', errors: 2, warnings: 1 });
    serve([named(completed, { phase: 'Failed', failureReason: 'error getting backup store: bucket unreachable' })]);
    expect(await startVeleroRestore(kc, options())).toMatchObject({ phase: 'Failed', failureReason: 'error getting backup store: bucket unreachable' });
  });

  it('throws VALIDATION with Velero\'s reasons when it refuses the Restore', async () => {
    serve([named(refused, refused.status)]);
    const err = await startVeleroRestore(kc, options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'VALIDATION', message: `Velero refused Velero Restore "${NAME}" in velero: ${refused.status?.validationErrors?.join('; ')}` });
  });

  it('refuses before creating anything when the backup cannot be restored or is not there', async () => {
    serve([done]);
    await expect(startVeleroRestore(kc, options({ sourceNamespace: 'team-a' }))).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(startVeleroRestore(kc, options({ backupName: 'nope' }))).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'There is no Velero Backup "nope" in namespace velero' });
    expect(requests.some((r) => r.options.method === 'POST')).toBe(false);
  });

  it('says so when creating the Restore is refused', async () => {
    serve([done], 403);
    await expect(startVeleroRestore(kc, options())).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('restores.velero.io is forbidden') });
  });

  it('gives up when no Velero server takes the Restore up, naming the namespace it should watch', async () => {
    serve([fresh]);
    await expect(startVeleroRestore(kc, options({ pickupTimeoutMs: 20 }))).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: `Velero did not take up Velero Restore "${NAME}" in velero within 0 s: is its server running, watching namespace velero?`,
    });
  });

  it('gives up after timeoutMs while the Restore runs, saying how far it got', async () => {
    serve([running]);
    await expect(startVeleroRestore(kc, options({ timeoutMs: 20 }))).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining(`it is InProgress, 1 of ${total} items`) });
  });

  it('says the Restore was deleted under it', async () => {
    serve([running, 404]);
    await expect(startVeleroRestore(kc, options())).rejects.toMatchObject({ code: 'NOT_FOUND', message: `Velero Restore "${NAME}" in velero was deleted before it finished` });
  });

  it('stops waiting with the signal\'s reason on cancel, the Restore already reported', async () => {
    serve([running]);
    const cancel = new AbortController();
    const started: string[] = [];
    const reason = new Error('Cancelled by you');
    const wait = startVeleroRestore(kc, options({ pollMs: 60_000, signal: cancel.signal, onStarted: (n) => started.push(n), onProgress: () => cancel.abort(reason) }));
    await expect(wait).rejects.toBe(reason);
    expect(started).toEqual([NAME]);
  });
});

describe('deleteVeleroRestore', () => {
  it('deletes the Restore, and one already gone is no error', async () => {
    for (const status of [200, 404]) {
      vi.mocked(kubeRequest).mockResolvedValueOnce({ status, body: {} });
      await deleteVeleroRestore(kc, 'velero', NAME);
    }
    expect(vi.mocked(kubeRequest).mock.calls.map(([, path, o]) => `${o?.method} ${path}`)).toEqual([`DELETE /apis/velero.io/v1/namespaces/velero/restores/${NAME}`, `DELETE /apis/velero.io/v1/namespaces/velero/restores/${NAME}`]);
  });

  it('says so when it is refused', async () => {
    vi.mocked(kubeRequest).mockResolvedValueOnce({ status: 403, body: { kind: 'Status', message: 'restores.velero.io "x" is forbidden' } });
    await expect(deleteVeleroRestore(kc, 'velero', NAME)).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining(`deleting Velero Restore "${NAME}" in velero`) });
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { kubeRequest } from '../../kube/client/kubeHttp';
import type { CreatedRef } from '../drill/drillObjects';
import { VELERO_CHECK, veleroRestorer } from './veleroDrill';
import type { VeleroBackup, VeleroRestore } from './veleroShapes';

vi.mock('../../kube/client/kubeHttp', async (original) => ({ ...(await original<typeof import('../../kube/client/kubeHttp')>()), kubeRequest: vi.fn() }));

/** Objects recorded from Velero v1.18.3 on the test bed (see fixtures/README.md). */
const recorded = <T>(file: string): T => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', file), 'utf8')) as T;
const completedBackup = recorded<VeleroBackup>('backup-completed.json');
const completedRestore = recorded<VeleroRestore>('restore-completed.json');

const kc = new KubeConfig();
kc.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });

/** A Velero server that has `backup`, restores it as the recorded Restore ended, and creates the drill namespace once restoring. */
function serve(backup: VeleroBackup): void {
  let restored = false;
  vi.mocked(kubeRequest).mockImplementation(async (_kc, path, options = {}) => {
    if (path.includes('/backups/')) return { status: 200, body: backup };
    if (path === '/api/v1/namespaces/drill-h3') return restored ? { status: 200, body: { metadata: { name: 'drill-h3', uid: 'ns-uid' } } } : { status: 404, body: { kind: 'Status' } };
    if (options.method === 'POST') {
      restored = true;
      return { status: 201, body: { ...(options.body as object), metadata: { name: 'drill-h3-abcde', namespace: 'velero', uid: 'restore-uid' } } };
    }
    return { status: 200, body: { ...completedRestore, metadata: { ...completedRestore.metadata, name: 'drill-h3-abcde' } } };
  });
}

async function drill(backup: VeleroBackup) {
  serve(backup);
  const created: CreatedRef[] = [];
  const restorer = veleroRestorer({ drillId: 'd1', kc, veleroNamespace: 'velero', backupName: completedBackup.metadata?.name ?? '', sourceNamespace: 'h3-fixture', targetNamespace: 'drill-h3', pollMs: 1 });
  const signal = new AbortController().signal;
  await restorer.check(signal);
  await restorer.restore({ signal, onCreated: (ref) => created.push(ref), onProgress: () => undefined });
  const checks = await restorer.verify({ signal, checks: [], onProgress: () => undefined });
  return { created, velero: checks.find((c) => c.name === VELERO_CHECK)! };
}

beforeEach(() => {
  vi.mocked(kubeRequest).mockReset();
});

describe('veleroRestorer', () => {
  it('passes its check for a Completed backup restored whole', async () => {
    const { velero } = await drill(completedBackup);
    expect(velero.passed).toBe(true);
  });

  it('fails its check for a PartiallyFailed backup, however the restore went: what the backup missed was never restored', async () => {
    const { velero } = await drill({ ...completedBackup, status: { ...completedBackup.status, phase: 'PartiallyFailed', errors: 3 } });
    expect(velero.passed).toBe(false);
    expect(velero.detail).toContain('Velero Backup');
    expect(velero.detail).toContain('PartiallyFailed with 3 errors');
  });

  it('records the Restore it made with its uid before its namespace, so a cleanup waits for Velero to finish and then deletes both', async () => {
    const { created } = await drill(completedBackup);
    expect(created.map((r) => `${r.kind} ${r.namespace ?? ''}/${r.name} ${r.uid ?? '-'}`)).toEqual(['Restore velero/drill-h3-abcde restore-uid', 'Namespace /drill-h3 -', 'Namespace /drill-h3 ns-uid']);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../../shared/result';
import { kubeList } from '../../kube/client/kubeHttp';
import { veleroOverview } from './veleroOverview';

vi.mock('../../kube/client/kubeHttp', async (original) => ({ ...(await original<typeof import('../../kube/client/kubeHttp')>()), kubeList: vi.fn() }));

/** Objects recorded from Velero v1.18.3 on the test bed (see fixtures/README.md). */
const recorded = (file: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', file), 'utf8'));
const LISTS: Record<string, unknown[]> = {
  backups: [recorded('backup-completed.json'), recorded('backup-failed-validation.json')],
  schedules: [recorded('schedule-enabled.json'), recorded('schedule-paused.json')],
  restores: [recorded('restore-completed.json'), recorded('restore-failed-validation.json')],
};

const kc = new KubeConfig();
const paths: string[] = [];

beforeEach(() => {
  paths.length = 0;
  vi.mocked(kubeList).mockReset();
  vi.mocked(kubeList).mockImplementation(async (_kc, path, { onItem }) => {
    paths.push(path);
    for (const item of LISTS[/\/v1\/(\w+)\?/.exec(path)?.[1] ?? ''] ?? []) onItem(item);
    return { status: 200, body: { metadata: {} } };
  });
});

const access = (resolve: () => Promise<unknown>) => ({ config: vi.fn(async () => kc), resolve: vi.fn(resolve) }) as unknown as Parameters<typeof veleroOverview>[0];

describe('veleroOverview', () => {
  it('is installed=false, listing nothing, where velero.io is not served', async () => {
    const a = access(() => Promise.reject(new AppError('NOT_FOUND', 'The cluster does not serve backups.velero.io')));
    expect(await veleroOverview(a, 'c1')).toEqual({ installed: false });
    expect(paths).toEqual([]);
  });

  it('fails as discovery fails, rather than saying Velero is absent', async () => {
    const a = access(() => Promise.reject(new AppError('UNREACHABLE', 'connection refused')));
    await expect(veleroOverview(a, 'c1')).rejects.toMatchObject({ code: 'UNREACHABLE' });
  });

  it('lists Backups, Schedules and Restores of every namespace, page by page', async () => {
    const overview = await veleroOverview(access(() => Promise.resolve({})), 'c1');
    expect(paths.map((p) => p.split('?')[0]).sort()).toEqual(['/apis/velero.io/v1/backups', '/apis/velero.io/v1/restores', '/apis/velero.io/v1/schedules']);
    if (!overview.installed) throw new Error('expected installed');
    expect(overview.backups.map((b) => `${b.name} ${b.phase}`).sort()).toEqual(['h3-fixture Completed', 'h3-fixture-badloc FailedValidation']);
    expect(overview.schedules.map((s) => `${s.name} ${s.phase} ${s.detail}`).sort()).toEqual(['h3-nightly Enabled 0 3 * * *', 'h3-paused Paused @every 6h']);
    expect(overview.restores.map((r) => `${r.name} ${r.phase} ${r.detail}`).sort()).toEqual(['h3-fixture-drill Completed h3-fixture', 'h3-fixture-missing FailedValidation h3-no-such-backup']);
  });

  it('fails with the server\'s words when a list is refused', async () => {
    vi.mocked(kubeList).mockResolvedValue({ status: 403, body: { kind: 'Status', message: 'backups.velero.io is forbidden' } as never });
    await expect(veleroOverview(access(() => Promise.resolve({})), 'c1')).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('backups.velero.io is forbidden') });
  });
});

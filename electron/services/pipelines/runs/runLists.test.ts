import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiResource } from '../../../../shared/contract';
import { kubeConfigFor } from '../../../../test/support/localKube';
import type { KubeAccess } from '../../kube/client/kubeAccess';
import { listRuns, NewestKept } from './runLists';

it('keeps the newest of a long list and counts the older ones it left out', () => {
  const kept = new NewestKept<{ name: string; createdAt?: string }>(3);
  const at = (day: number) => `2026-12-${String(day).padStart(2, '0')}T00:00:00Z`;
  // Out of order, as the server pages by name; more than twice the bound, so it trims along the way too.
  for (const day of [5, 1, 9, 3, 7, 2, 8, 6, 4]) kept.add({ name: `job-${day}`, createdAt: at(day) });
  kept.add({ name: 'no-time' });
  expect(kept.result()).toEqual({ items: [9, 8, 7].map((d) => ({ name: `job-${d}`, createdAt: at(d) })), leftOut: 7 });
});

it('leaves nothing out of a list within the bound', () => {
  const kept = new NewestKept<{ name: string; createdAt?: string }>(3);
  kept.add({ name: 'b', createdAt: '2026-12-01T00:00:00Z' });
  kept.add({ name: 'a', createdAt: '2026-12-01T00:00:00Z' });
  expect(kept.result()).toEqual({ items: [{ name: 'a', createdAt: '2026-12-01T00:00:00Z' }, { name: 'b', createdAt: '2026-12-01T00:00:00Z' }], leftOut: 0 });
});

describe('listing runs, against a fake apiserver', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  const job = (i: number, owner?: string) => ({
    metadata: { name: `job-${i}`, namespace: 'ml', uid: `u${i}`, creationTimestamp: `2026-12-01T00:${String(i).padStart(2, '0')}:00Z`, ...(owner ? { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: owner, uid: 'c', controller: true }] } : {}) },
    status: { conditions: [{ type: 'Complete', status: 'True' }] },
  });

  /** Serves `collections` (path → items) two items a page, and records the paths asked. */
  async function cluster(collections: Record<string, unknown[]>, served: Partial<ApiResource>[] = []) {
    const asked: string[] = [];
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '', 'http://x');
      asked.push(`${url.pathname}${url.search}`);
      const items = collections[url.pathname];
      if (!items) return res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 404 }));
      const from = Number(url.searchParams.get('continue') ?? 0);
      const next = from + 2 < items.length ? String(from + 2) : undefined;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'List', metadata: next ? { continue: next } : {}, items: items.slice(from, from + 2) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      server.closeAllConnections();
      server.close();
    });
    const kc = kubeConfigFor(server);
    const access = {
      config: async () => kc,
      discover: async () => ({ serverVersion: 'v1.34.4', resources: served as ApiResource[], at: Date.now() }),
      resolve: async () => {
        throw new Error('a list goes by the last discovery');
      },
    } satisfies Pick<KubeAccess, 'config' | 'discover' | 'resolve'>;
    return { access, asked };
  }

  it('pages through every Job, keeps the newest, says how many were left out, and leaves Argo out when not served', async () => {
    const { access, asked } = await cluster({
      '/apis/batch/v1/namespaces/ml/jobs': [1, 2, 3, 4, 5].map((i) => job(i, i > 3 ? 'nightly' : undefined)),
      '/apis/batch/v1/namespaces/ml/cronjobs': [{ metadata: { name: 'nightly', namespace: 'ml', uid: 'c' }, spec: { schedule: '@daily' } }],
    });
    const list = await listRuns(access, 'k', 'ml', 4);
    expect(list.jobs.map((j) => j.name)).toEqual(['job-5', 'job-4', 'job-3', 'job-2']);
    expect(list.leftOut).toEqual({ jobs: 1, cronJobs: 0, workflows: 0, cronWorkflows: 0 });
    expect(list.cronJobs[0].history).toEqual(['job-5', 'job-4']);
    expect(list.argo).toEqual({ installed: false, workflows: [], cronWorkflows: [] });
    expect(asked.filter((p) => p.startsWith('/apis/batch/v1/namespaces/ml/jobs'))).toEqual([
      '/apis/batch/v1/namespaces/ml/jobs?limit=500',
      '/apis/batch/v1/namespaces/ml/jobs?limit=500&continue=2',
      '/apis/batch/v1/namespaces/ml/jobs?limit=500&continue=4',
    ]);
  });

  it('lists Workflows where served, and says why beside the rest when they cannot be read', async () => {
    const argo = [{ group: 'argoproj.io', version: 'v1alpha1', resource: 'workflows' }];
    const served = await cluster(
      {
        '/apis/batch/v1/jobs': [],
        '/apis/batch/v1/cronjobs': [],
        '/apis/argoproj.io/v1alpha1/workflows': [{ metadata: { name: 'wf', namespace: 'ml', uid: 'w' }, status: { phase: 'Running' } }],
        '/apis/argoproj.io/v1alpha1/cronworkflows': [],
      },
      argo,
    );
    expect((await listRuns(served.access, 'k', undefined)).argo).toMatchObject({ installed: true, workflows: [{ name: 'wf', phase: 'Running' }] });

    const unreadable = await cluster({ '/apis/batch/v1/jobs': [], '/apis/batch/v1/cronjobs': [] }, argo);
    const list = await listRuns(unreadable.access, 'k', undefined);
    expect(list.argo).toMatchObject({ installed: true, workflows: [], problem: expect.any(String) });
  });
});

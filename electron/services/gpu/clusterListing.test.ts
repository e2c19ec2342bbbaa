import type { KubeConfig } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it, vi, type MockedFunction } from 'vitest';
import { AppError } from '../../../shared/result';
import { kubeList } from '../kube/client/kubeHttp';
import { listClusterGpus } from './clusterGpus';

vi.mock('../kube/client/kubeHttp', () => ({ kubeList: vi.fn() }));
const mocked = kubeList as MockedFunction<typeof kubeList>;
const kc = {} as KubeConfig;

type Page = { status: number; items?: unknown[]; continue?: string; body?: unknown };
/** Pages by collection path, handed out in order; every request is recorded with its query. */
let pages: Record<string, Page[]>;
let sent: string[];

beforeEach(() => {
  pages = {};
  sent = [];
  mocked.mockReset();
  mocked.mockImplementation(async (_kc, path, options) => {
    sent.push(path);
    const next = pages[path.split('?')[0]]?.shift();
    if (!next) throw new Error(`unexpected GET ${path}`);
    if (next.status !== 200) return { status: next.status, body: (next.body ?? { kind: 'Status', message: 'refused' }) as never };
    for (const item of next.items ?? []) options.onItem(item);
    return { status: 200, body: { kind: 'List', metadata: next.continue ? { continue: next.continue } : {} } };
  });
});

const gpuNode = (name: string) => ({ metadata: { name, labels: {} }, status: { capacity: { 'nvidia.com/gpu': '8' }, allocatable: { 'nvidia.com/gpu': '8' }, conditions: [{ type: 'Ready', status: 'True' }] } });
const cpuNode = (name: string) => ({ metadata: { name }, status: { capacity: { cpu: '8' } } });
const gpuPod = (name: string, gpus: number) => ({ metadata: { namespace: 'ml', name }, spec: { nodeName: 'g-0', containers: [{ name: 'c', resources: { limits: { 'nvidia.com/gpu': String(gpus) } } }] }, status: { phase: 'Running' } });
const namespace = (name: string, team: string) => ({ metadata: { name, labels: { team } } });

describe('listClusterGpus', () => {
  it('follows every page, keeps only GPU nodes and pods holding GPUs, and asks for unfinished pods only', async () => {
    pages['/api/v1/nodes'] = [{ status: 200, items: [gpuNode('g-0'), cpuNode('c-0')], continue: 'n2' }, { status: 200, items: [gpuNode('g-1')] }];
    pages['/api/v1/pods'] = [{ status: 200, items: [gpuPod('a-0', 8), { metadata: { namespace: 'ml', name: 'web' }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Running' } }], continue: 'p2' }, { status: 200, items: [gpuPod('b-0', 2)] }];
    pages['/api/v1/namespaces'] = [{ status: 200, items: [namespace('ml', 'platform')] }];
    const snapshot = await listClusterGpus(kc);
    expect(snapshot.nodes.map((n) => n.name)).toEqual(['g-0', 'g-1']);
    expect(Array.isArray(snapshot.pods) && snapshot.pods.map((p) => [p.name, p.gpus])).toEqual([
      ['a-0', 8],
      ['b-0', 2],
    ]);
    expect(snapshot.namespaceLabels).toEqual(new Map([['ml', { team: 'platform' }]]));
    expect(sent).toContain('/api/v1/nodes?limit=500&continue=n2');
    const podQueries = sent.filter((p) => p.startsWith('/api/v1/pods'));
    expect(podQueries).toEqual([
      `/api/v1/pods?limit=500&fieldSelector=${encodeURIComponent('status.phase!=Succeeded,status.phase!=Failed')}`,
      `/api/v1/pods?limit=500&fieldSelector=${encodeURIComponent('status.phase!=Succeeded,status.phase!=Failed')}&continue=p2`,
    ]);
  });

  it('reports pods and namespaces it may not list instead of failing', async () => {
    pages['/api/v1/nodes'] = [{ status: 200, items: [gpuNode('g-0')] }];
    pages['/api/v1/pods'] = [{ status: 403, body: { kind: 'Status', message: 'pods is forbidden: User "viewer" cannot list resource "pods"' } }];
    pages['/api/v1/namespaces'] = [{ status: 403 }];
    const snapshot = await listClusterGpus(kc);
    expect(snapshot.pods).toEqual({ forbidden: 'No access (403) while listing pods in every namespace: pods is forbidden: User "viewer" cannot list resource "pods"' });
    expect(snapshot.namespaceLabels).toBe('forbidden');
  });

  it('fails when nodes cannot be listed, or the server errs', async () => {
    pages['/api/v1/nodes'] = [{ status: 403 }];
    pages['/api/v1/pods'] = [{ status: 200, items: [] }];
    pages['/api/v1/namespaces'] = [{ status: 200, items: [] }];
    await expect(listClusterGpus(kc)).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/listing nodes/) });

    pages['/api/v1/nodes'] = [{ status: 200, items: [] }];
    pages['/api/v1/pods'] = [{ status: 500 }];
    pages['/api/v1/namespaces'] = [{ status: 200, items: [] }];
    const err = await listClusterGpus(kc).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'UNREACHABLE' });
  });

  it('starts a list over when its continue token has expired (410), keeping nothing twice', async () => {
    pages['/api/v1/nodes'] = [
      { status: 200, items: [gpuNode('g-0')], continue: 'old' },
      { status: 410, body: { kind: 'Status', message: 'The provided continue parameter is too old' } },
      { status: 200, items: [gpuNode('g-0')], continue: 'fresh' },
      { status: 200, items: [gpuNode('g-1')] },
    ];
    pages['/api/v1/pods'] = [{ status: 200, items: [] }];
    pages['/api/v1/namespaces'] = [{ status: 200, items: [] }];
    expect((await listClusterGpus(kc)).nodes.map((n) => n.name)).toEqual(['g-0', 'g-1']);
  });

  it('gives up on a list whose token keeps expiring', async () => {
    pages['/api/v1/nodes'] = Array.from({ length: 3 }, () => [{ status: 200, items: [gpuNode('g-0')], continue: 'old' }, { status: 410 }] as Page[]).flat();
    pages['/api/v1/pods'] = [{ status: 200, items: [] }];
    pages['/api/v1/namespaces'] = [{ status: 200, items: [] }];
    await expect(listClusterGpus(kc)).rejects.toMatchObject({ code: 'UNREACHABLE', message: expect.stringMatching(/410/) });
  });
});

/**
 * Test kit: Prometheus answered from bodies a real Prometheus sent (see
 * fixtures/prometheus/record.py), through the real client, so queries are
 * encoded and answers parsed as in the app; a query that was not recorded
 * fails the test. Also a migrated in-memory data file and cluster snapshots.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createPrometheusClient, type PrometheusAccess, type PrometheusClient, type PrometheusClientOptions } from '../metrics/prometheusClient';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import type { GpuClusterSnapshot, GpuNodeFacts, GpuPodFacts } from './clusterGpus';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'prometheus');

interface RecordedIndex {
  start: number;
  end: number;
  queries: Record<string, { path: string; params: Record<string, string> }>;
}

/** Where the recorded series begin and end (unix s), and what was asked. */
export const recorded: RecordedIndex = JSON.parse(readFileSync(join(FIXTURES, 'index.json'), 'utf8'));

/**
 * A client answering the recorded queries, and `connect`, which makes more
 * (as GpuServiceDeps.prometheus does), adding its options to `options`;
 * `asked` names each query answered, in order.
 */
export function recordedPrometheus(options: Omit<PrometheusClientOptions, 'fetch'> = {}): {
  client: PrometheusClient;
  connect: (access: PrometheusAccess, more?: PrometheusClientOptions) => PrometheusClient;
  asked: string[];
} {
  const asked: string[] = [];
  const replay = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const params = new URLSearchParams(init?.method === 'POST' ? String(init.body) : url.search);
    params.delete('timeout');
    const want = Object.fromEntries(params);
    const hit = Object.entries(recorded.queries).find(
      ([, q]) => q.path === url.pathname && Object.keys(q.params).length === Object.keys(want).length && Object.entries(q.params).every(([k, v]) => want[k] === v),
    );
    if (!hit) throw new Error(`not recorded: ${url.pathname} ${JSON.stringify(want)}`);
    asked.push(hit[0]);
    return new Response(readFileSync(join(FIXTURES, `${hit[0]}.json`)), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const connect = (access: PrometheusAccess, more: PrometheusClientOptions = {}) => createPrometheusClient(access, { ...more, ...options, fetch: replay as typeof fetch });
  return { client: connect({ url: 'http://prometheus.test:9090', headers: {} }), connect, asked };
}

/** A data file with every migration applied (the seeded prices included). */
export function migratedDb(): Database.Database {
  const db = new Database(':memory:');
  migrate(db, migrations);
  return db;
}

/** A GPU node as the lister keeps it. */
export function gpuNode(name: string, labels: Record<string, string>, gpus = 8, extra: Record<string, string> = {}): GpuNodeFacts {
  const resources = { 'nvidia.com/gpu': String(gpus), cpu: '192', ...extra };
  return { name, labels, ready: true, unschedulable: false, capacity: resources, allocatable: resources };
}

/** A pod holding GPUs as the lister keeps it. */
export function gpuPod(namespace: string, name: string, node: string | null, gpus: number, more: Partial<GpuPodFacts> = {}): GpuPodFacts {
  return { namespace, name, node, gpus, mig: {}, labels: {}, ownerKind: 'StatefulSet', ownerName: name.replace(/-\d+$/, ''), phase: 'Running', since: '2025-12-03T12:00:00Z', ...more };
}

/** The cluster the recorded series describe: gpu-h200-0 in pool `training`, gpu-h200-2 in pool `notebooks`, both p5en.48xlarge. */
export function recordedCluster(): GpuClusterSnapshot {
  const h200 = (pool: string) => ({ 'eks.amazonaws.com/nodegroup': pool, 'node.kubernetes.io/instance-type': 'p5en.48xlarge', 'nvidia.com/gpu.product': 'NVIDIA-H200', 'nvidia.com/gpu.memory': '143771' });
  return {
    nodes: [gpuNode('gpu-h200-0', h200('training'), 4), gpuNode('gpu-h200-2', h200('notebooks'), 4)],
    pods: [gpuPod('ml-training', 'llm-pretrain-0', 'gpu-h200-0', 4), gpuPod('team-a', 'research-notebook-0', 'gpu-h200-2', 2, { labels: { team: 'research' } })],
    namespaceLabels: new Map([
      ['ml-training', { team: 'ml-platform' }],
      ['team-a', { team: 'team-a' }],
    ]),
    listedAt: '2025-12-04T02:00:00.000Z',
  };
}

/**
 * Tests of the test bed itself: each kind of user, GPU scheduling, the pod
 * stages, the fault controls, moto and Prometheus. Runs in the integration
 * project with test/testbed/globalSetup.ts.
 *
 * Fault tests break the secondary cluster only, so other test files working
 * against the primary cluster at the same time are not disturbed.
 */
import { readFileSync } from 'node:fs';
import { CoreV1Api, KubeConfig, ApiException, type V1Pod } from '@kubernetes/client-node';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { parse } from 'yaml';
import { describe, expect, inject, it } from 'vitest';
import {
  H200,
  MOTO_ACCOUNT_ID,
  expireRestrictedToken,
  pauseApiserver,
  readyzStatus,
  renewRestrictedToken,
  resetMoto,
  resumeApiserver,
  seedCostExplorer,
  startApiserver,
  stopApiserver,
  type CostAndUsageResult,
  type ClusterInfo,
} from './index';
import { ARGO_ROLLOUTS_VERSION, BINARIES } from './paths';
import { run, waitFor } from './proc';
import { KWOK_TOLERATION } from './seed';

const bed = inject('testbed');
const { primary, secondary } = bed.clusters;

function core(kubeconfig: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kc.makeApiClient(CoreV1Api);
}

async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    if (e instanceof ApiException) return e.code;
    throw e;
  }
}

function kubectl(cluster: ClusterInfo, args: string[]): Promise<string> {
  return run(bed.kubectl, ['--kubeconfig', cluster.kubeconfigs.admin, ...args]).then((r) => r.stdout);
}

async function waitPod(api: CoreV1Api, namespace: string, name: string, ok: (p: V1Pod) => boolean): Promise<V1Pod> {
  return waitFor(`pod ${namespace}/${name}`, async () => {
    const p = await api.readNamespacedPod({ name, namespace });
    return ok(p) ? p : undefined;
  }, 30_000);
}

describe('kubernetes users', () => {
  it('admin authenticates with a client certificate and sees 8 allocatable GPUs on GPU nodes', async () => {
    const kc = parse(readFileSync(primary.kubeconfigs.admin, 'utf8'));
    const user = kc.users[0].user;
    expect(user['client-certificate'] ?? user['client-certificate-data']).toBeTruthy();
    expect(user.token).toBeUndefined();

    const nodes = await core(primary.kubeconfigs.admin).listNode();
    const gpuNodes = nodes.items.filter((n) => n.metadata?.labels?.['nvidia.com/gpu.present'] === 'true');
    expect(gpuNodes.map((n) => n.metadata?.name).sort()).toEqual([...primary.nodes.gpu].sort());
    for (const n of gpuNodes) {
      expect(n.status?.allocatable?.['nvidia.com/gpu']).toBe('8');
      expect(n.status?.capacity?.['nvidia.com/gpu']).toBe('8');
      expect(n.metadata?.labels?.['nvidia.com/gpu.product']).toBe(H200.product);
      expect(n.metadata?.labels?.['node.kubernetes.io/instance-type']).toBe('p5en.48xlarge');
      expect(n.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
  });

  it('restricted token user may act in its namespaces and is Forbidden elsewhere', async () => {
    const api = core(primary.kubeconfigs.restricted);
    for (const ns of primary.restrictedNamespaces) {
      expect(await statusOf(api.listNamespacedPod({ namespace: ns }))).toBe(200);
    }
    expect(await statusOf(api.listNamespacedPod({ namespace: 'kube-system' }))).toBe(403);
    expect(await statusOf(api.listNamespacedSecret({ namespace: 'team-b' }))).toBe(403);
    expect(await statusOf(api.listNode())).toBe(403);
  });

  it('exec-plugin user gets its token from the committed script', async () => {
    const kc = parse(readFileSync(primary.kubeconfigs.exec, 'utf8'));
    expect(kc.users[0].user.exec.command).toMatch(/test\/testbed\/exec-credential\.sh$/);
    const who = JSON.parse(
      (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.exec, 'auth', 'whoami', '-o', 'json'])).stdout,
    );
    expect(who.status.userInfo.username).toBe('system:serviceaccount:pilothouse-testbed:exec-user');
    expect((await core(primary.kubeconfigs.exec).listNode()).items.length).toBeGreaterThan(0);
  });

  it('the secondary cluster is a separate cluster', async () => {
    expect(secondary.server).not.toBe(primary.server);
    const nodes = await core(secondary.kubeconfigs.admin).listNode();
    expect(nodes.items.map((n) => n.metadata?.name).sort()).toEqual([...secondary.nodes.gpu, ...secondary.nodes.cpu].sort());
    // The seed only touches the primary cluster.
    expect(await statusOf(core(secondary.kubeconfigs.admin).readNamespace({ name: 'ml-training' }))).toBe(404);
  });
});

describe('kwok workloads', () => {
  it('schedules a GPU pod onto a GPU node and counts the GPU as allocated', async () => {
    const api = core(primary.kubeconfigs.admin);
    const name = `gpu-smoke-${Date.now()}`;
    await api.createNamespacedPod({
      namespace: 'team-a',
      body: {
        metadata: { name },
        spec: {
          tolerations: [KWOK_TOLERATION],
          nodeSelector: { 'nvidia.com/gpu.present': 'true' },
          containers: [{ name: 'cuda', image: 'nvidia/cuda:13.0.1-base-ubuntu24.04', resources: { limits: { 'nvidia.com/gpu': '1' } } }],
        },
      },
    });
    try {
      const pod = await waitPod(api, 'team-a', name, (p) => p.status?.phase === 'Running');
      expect(primary.nodes.gpu).toContain(pod.spec?.nodeName);
      expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    } finally {
      await api.deleteNamespacedPod({ name, namespace: 'team-a', gracePeriodSeconds: 0 });
    }
    const seeded = await api.readNamespacedPod({ name: 'llm-pretrain-0', namespace: 'ml-training' });
    expect(seeded.spec?.nodeName).toBe('gpu-h200-0');
    expect(seeded.status?.phase).toBe('Running');
  });

  it('steers pods with pilothouse.test/fail and pilothouse.test/unready', async () => {
    const api = core(primary.kubeconfigs.admin);
    const stamp = Date.now();
    const mk = (name: string, labels: Record<string, string>) =>
      api.createNamespacedPod({
        namespace: 'team-a',
        body: {
          metadata: { name, labels },
          spec: { tolerations: [KWOK_TOLERATION], containers: [{ name: 'app', image: 'busybox:1.37' }] },
        },
      });
    const failing = `crash-${stamp}`;
    const unready = `unready-${stamp}`;
    await Promise.all([mk(failing, { 'pilothouse.test/fail': 'true' }), mk(unready, { 'pilothouse.test/unready': 'true' })]);
    try {
      const f = await waitPod(api, 'team-a', failing, (p) => p.status?.podIP !== undefined);
      expect(f.status?.containerStatuses?.[0].state?.waiting?.reason).toBe('CrashLoopBackOff');
      const u = await waitPod(api, 'team-a', unready, (p) => p.status?.phase === 'Running');
      expect(u.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    } finally {
      await Promise.all([failing, unready].map((name) => api.deleteNamespacedPod({ name, namespace: 'team-a', gracePeriodSeconds: 0 })));
    }
    // The seed's last payments-worker rollout uses the fail label.
    const d = JSON.parse(await kubectl(primary, ['get', 'deployment', 'payments-worker', '-n', 'team-b', '-o', 'json']));
    expect(d.status.availableReplicas).toBe(2);
    expect(d.status.updatedReplicas).toBeLessThan(2);
  });

  it('keeps rollout history for seeded Deployments', async () => {
    const out = await kubectl(primary, ['rollout', 'history', 'deployment/web-frontend', '-n', 'team-a']);
    expect(out.trim().split('\n').filter((l) => /^\d+\s/.test(l)).length).toBeGreaterThanOrEqual(3);
  });

  it('serves pod logs, exec and port-forward through kwok', async () => {
    const logs = await kubectl(primary, ['logs', '-n', 'ml-training', 'llm-pretrain-0']);
    expect(logs).toContain('pilothouse test bed container starting');
    const pwd = await kubectl(primary, ['exec', '-n', 'ml-training', 'llm-pretrain-0', '--', 'pwd']);
    expect(pwd.trim()).toBe(primary.execWorkDir);
    const res = await fetch(`http://${primary.portForwardTarget.address}:${primary.portForwardTarget.port}/`);
    expect(await res.text()).toContain('port-forward target');
  });
});

describe('fault controls (secondary cluster)', () => {
  it('stop makes the apiserver refuse connections; start brings it back', async () => {
    const api = core(secondary.kubeconfigs.admin);
    await stopApiserver(secondary);
    try {
      const err = await api.listNamespace().then(() => undefined, (e: Error) => e);
      expect(String(err?.message) + String((err as { code?: string })?.code)).toMatch(/ECONNREFUSED/);
    } finally {
      await startApiserver(secondary);
    }
    expect(await readyzStatus(secondary)).toBe(200);
    expect((await api.listNamespace()).items.length).toBeGreaterThan(0);
  }, 90_000);

  it('pause makes the apiserver hang; resume answers again', async () => {
    await pauseApiserver(secondary);
    try {
      await expect(readyzStatus(secondary, 1000)).rejects.toThrow();
    } finally {
      await resumeApiserver(secondary);
    }
    expect(await readyzStatus(secondary)).toBe(200);
  }, 60_000);

  it('an expired restricted token gets 401, a renewed one works', async () => {
    const ns = secondary.restrictedNamespaces[0];
    await expireRestrictedToken(secondary);
    try {
      expect(await statusOf(core(secondary.kubeconfigs.restricted).listNamespacedPod({ namespace: ns }))).toBe(401);
    } finally {
      await renewRestrictedToken(secondary);
    }
    expect(await statusOf(core(secondary.kubeconfigs.restricted).listNamespacedPod({ namespace: ns }))).toBe(200);
  }, 60_000);
});

describe('moto', () => {
  it('answers STS GetCallerIdentity', async () => {
    const sts = new STSClient({
      endpoint: bed.moto.endpoint,
      region: bed.moto.region,
      credentials: { accessKeyId: bed.moto.accessKeyId, secretAccessKey: bed.moto.secretAccessKey },
    });
    const id = await sts.send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe(MOTO_ACCOUNT_ID);
  });

  it('returns seeded Cost Explorer results from GetCostAndUsage', async () => {
    const seeded: CostAndUsageResult = {
      GroupDefinitions: [{ Type: 'TAG', Key: 'team' }],
      ResultsByTime: [
        {
          TimePeriod: { Start: '2026-11-01', End: '2026-11-02' },
          Total: {},
          Groups: [{ Keys: ['team$ml-platform'], Metrics: { UnblendedCost: { Amount: '1234.5', Unit: 'USD' } } }],
          Estimated: false,
        },
      ],
      DimensionValueAttributes: [],
    };
    await resetMoto(bed.moto);
    await seedCostExplorer(bed.moto, [seeded]);
    // Cost Explorer's JSON protocol; moto routes on the credential scope and does not check signatures.
    const res = await fetch(bed.moto.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSInsightsIndexService.GetCostAndUsage',
        authorization: `AWS4-HMAC-SHA256 Credential=${bed.moto.accessKeyId}/20261101/us-east-1/ce/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify({
        TimePeriod: { Start: '2026-11-01', End: '2026-11-02' },
        Granularity: 'DAILY',
        Metrics: ['UnblendedCost'],
        GroupBy: [{ Type: 'TAG', Key: 'team' }],
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(seeded);
    const bucket = await fetch(`${bed.moto.endpoint}/${bed.moto.backupBucket}`);
    expect(bucket.status).toBe(200);
  });
});

describe('prometheus', () => {
  it('answers a 24 h range query of DCGM_FI_DEV_GPU_UTIL for every GPU node', async () => {
    // The history ends when the bed backfilled it; a reused bed may have been up for a while since.
    const end = bed.prometheus.historyEnd;
    const url = new URL('/api/v1/query_range', bed.prometheus.url);
    url.searchParams.set('query', 'avg by (Hostname) (DCGM_FI_DEV_GPU_UTIL)');
    url.searchParams.set('start', String(end - 24 * 3600));
    url.searchParams.set('end', String(end));
    url.searchParams.set('step', '300');
    const body = (await (await fetch(url)).json()) as {
      status: string;
      data: { result: { metric: { Hostname: string }; values: [number, string][] }[] };
    };
    expect(body.status).toBe('success');
    const byHost = new Map(body.data.result.map((r) => [r.metric.Hostname, r.values]));
    expect([...byHost.keys()].sort()).toEqual([...primary.nodes.gpu].sort());
    for (const values of byHost.values()) {
      expect(values.length).toBeGreaterThanOrEqual(24 * 12);
      expect(values[0][0]).toBeLessThanOrEqual(end - 24 * 3600 + 300);
    }
    const mean = (h: string) => byHost.get(h)!.reduce((s, [, v]) => s + Number(v), 0) / byHost.get(h)!.length;
    // Training saturates its node; the node with no pods is idle.
    expect(mean('gpu-h200-0')).toBeGreaterThan(80);
    expect(mean('gpu-h200-3')).toBe(0);
  });
});

describe('Argo Rollouts', () => {
  it('the controller built from its module runs a canary Rollout on the primary cluster through its steps, and its kubectl plugin promotes it', async () => {
    const kubectl = (...args: string[]) => run(BINARIES.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args]);
    const ns = `bed-rollouts-${Date.now().toString(36)}`;
    const rollout = (image: string) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'web', namespace: ns },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { tolerations: [KWOK_TOLERATION], containers: [{ name: 'web', image }] } },
        strategy: { canary: { steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 75 }, { pause: {} }] } },
      },
    });
    const status = async () => JSON.parse((await kubectl('get', 'rollout', 'web', '-n', ns, '-o', 'jsonpath={.status}')).stdout) as { phase?: string; currentStepIndex?: number };
    await kubectl('create', 'namespace', ns);
    try {
      await run(BINARIES.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, 'apply', '-f', '-'], { input: JSON.stringify(rollout('registry.k8s.io/pause:3.9')) });
      await waitFor('the Rollout healthy', async () => ((await status()).phase === 'Healthy' ? true : undefined), 60_000, 250);
      await run(BINARIES.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, 'apply', '-f', '-'], { input: JSON.stringify(rollout('registry.k8s.io/pause:3.10')) });
      await waitFor('paused at step 1', async () => ((await status()).currentStepIndex === 1 && (await status()).phase === 'Paused' ? true : undefined), 60_000, 250);
      await run(BINARIES.kubectlArgoRollouts, ['--kubeconfig', primary.kubeconfigs.admin, 'promote', 'web', '-n', ns]);
      await waitFor('paused at step 3', async () => ((await status()).currentStepIndex === 3 ? true : undefined), 60_000, 250);
      expect((await run(BINARIES.kubectlArgoRollouts, ['--kubeconfig', primary.kubeconfigs.admin, 'version', '--short'])).stdout).toContain(ARGO_ROLLOUTS_VERSION);
    } finally {
      await kubectl('delete', 'namespace', ns, '--wait=false');
    }
    expect(await fetch(bed.argoRollouts.healthz).then((r) => r.status)).toBe(200);
  });
});

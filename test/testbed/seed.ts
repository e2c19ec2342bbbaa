/**
 * Seed data for the primary cluster: the workloads an ML platform team runs,
 * with enough history and variety (rollout revisions, blue/green, canary,
 * failing and unready rollouts, GPU StatefulSets, a CRD) for the UI to show.
 *
 * Everything is server-side applied, so seeding again converges instead of
 * failing; revision histories are only played once, on first creation.
 *
 * Every pod template tolerates kwok's `kwok.x-k8s.io/node` taint: without it
 * no pod schedules onto the fake nodes.
 */
import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
  type V1Deployment,
} from '@kubernetes/client-node';
import { secs, waitFor } from './proc';
import { PRIMARY_NODES, type GpuPod } from './topology';

const FIELD_MANAGER = 'pilothouse-testbed-seed';

/** Lets pods onto kwok nodes; every seeded pod template carries it. */
export const KWOK_TOLERATION = { key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' };
const CPU_NODES = { 'eks.amazonaws.com/nodegroup': 'general' };

/** Namespaces the seed creates, with the team that owns each. */
export const SEED_NAMESPACES: Record<string, string> = {
  'team-a': 'team-a',
  'team-b': 'team-b',
  'ml-serving': 'ml-platform',
  'ml-training': 'ml-platform',
  platform: 'platform',
  'data-pipelines': 'data',
};

type Obj = KubernetesObject & Record<string, unknown>;

function client(kubeconfigPath: string): { kc: KubeConfig; objects: KubernetesObjectApi } {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return { kc, objects: KubernetesObjectApi.makeApiClient(kc) };
}

async function apply(objects: KubernetesObjectApi, obj: Obj): Promise<void> {
  await objects.patch(obj, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
}

async function exists(objects: KubernetesObjectApi, obj: Obj): Promise<boolean> {
  try {
    await objects.read({ apiVersion: obj.apiVersion!, kind: obj.kind!, metadata: { name: obj.metadata!.name!, namespace: obj.metadata!.namespace } });
    return true;
  } catch (e) {
    if (e instanceof ApiException && e.code === 404) return false;
    throw e;
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

interface Container {
  name: string;
  image: string;
  port?: number;
  cpu?: string;
  memory?: string;
  gpus?: number;
}

function container(c: Container): object {
  const requests: Record<string, string> = { cpu: c.cpu ?? '250m', memory: c.memory ?? '256Mi' };
  const limits: Record<string, string> = { memory: c.memory ?? '256Mi' };
  if (c.gpus) limits['nvidia.com/gpu'] = String(c.gpus);
  return {
    name: c.name,
    image: c.image,
    ...(c.port ? { ports: [{ name: 'http', containerPort: c.port }] } : {}),
    resources: { requests, limits },
  };
}

interface PodTemplateOptions {
  labels: Record<string, string>;
  containers: Container[];
  nodeSelector?: Record<string, string>;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
}

function podTemplate(o: PodTemplateOptions): object {
  return {
    metadata: { labels: o.labels },
    spec: {
      containers: o.containers.map(container),
      nodeSelector: o.nodeSelector ?? CPU_NODES,
      tolerations: [KWOK_TOLERATION],
      ...(o.restartPolicy ? { restartPolicy: o.restartPolicy } : {}),
    },
  };
}

function namespace(name: string, team: string): Obj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { team } } };
}

interface DeploymentOptions {
  namespace: string;
  name: string;
  app: string;
  image: string;
  replicas: number;
  port?: number;
  /** Extra pod labels (e.g. `pilothouse.test/fail`, a blue/green slot). */
  podLabels?: Record<string, string>;
  changeCause?: string;
}

function deployment(o: DeploymentOptions): Obj {
  const selector = { app: o.app, ...(o.podLabels?.slot ? { slot: o.podLabels.slot } : {}), ...(o.podLabels?.track ? { track: o.podLabels.track } : {}) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      labels: { app: o.app },
      ...(o.changeCause ? { annotations: { 'kubernetes.io/change-cause': o.changeCause } } : {}),
    },
    spec: {
      replicas: o.replicas,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 30,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      selector: { matchLabels: selector },
      template: podTemplate({
        labels: { ...selector, ...(o.podLabels ?? {}) },
        containers: [{ name: o.app, image: o.image, port: o.port }],
      }),
    },
  };
}

function service(ns: string, name: string, selector: Record<string, string>, port = 80, targetPort = 8080, headless = false): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, labels: { app: selector.app ?? name } },
    spec: {
      selector,
      ...(headless ? { clusterIP: 'None' } : {}),
      ports: [{ name: 'http', port, targetPort }],
    },
  };
}

/** A Deployment whose image changes over several rollouts, leaving a revision history. */
interface History {
  base: Omit<DeploymentOptions, 'image' | 'changeCause'>;
  images: string[];
  /** Pod labels for the last revision only (to make that rollout fail). */
  lastPodLabels?: Record<string, string>;
}

const HISTORIES: History[] = [
  {
    base: { namespace: 'team-a', name: 'web-frontend', app: 'web-frontend', replicas: 3, port: 8080 },
    images: ['nginx:1.27.0', 'nginx:1.27.1', 'nginx:1.27.2', 'nginx:1.27.3'],
  },
  {
    base: { namespace: 'team-b', name: 'api-gateway', app: 'api-gateway', replicas: 2, port: 8080 },
    images: ['envoyproxy/envoy:v1.31.0', 'envoyproxy/envoy:v1.31.2', 'envoyproxy/envoy:v1.32.1'],
  },
  {
    base: { namespace: 'ml-serving', name: 'embedding-service', app: 'embedding-service', replicas: 2, port: 8000 },
    images: [
      'ghcr.io/pilothouse-demo/embedder:2.3.0',
      'ghcr.io/pilothouse-demo/embedder:2.4.0',
      'ghcr.io/pilothouse-demo/embedder:2.4.1',
    ],
  },
  {
    // The last rollout crash-loops: stuck with ProgressDeadlineExceeded, old pods still serving.
    base: { namespace: 'team-b', name: 'payments-worker', app: 'payments-worker', replicas: 2, port: 8080 },
    images: [
      'ghcr.io/pilothouse-demo/payments:3.1.0',
      'ghcr.io/pilothouse-demo/payments:3.2.0',
      'ghcr.io/pilothouse-demo/payments:3.3.0',
    ],
    lastPodLabels: { 'pilothouse.test/fail': 'true' },
  },
];

function historyStep(h: History, i: number): Obj {
  const last = i === h.images.length - 1;
  return deployment({
    ...h.base,
    image: h.images[i],
    changeCause: `image set to ${h.images[i]}`,
    podLabels: last ? h.lastPodLabels : undefined,
  });
}

function rolledOut(d: V1Deployment): boolean {
  const s = d.status ?? {};
  const want = d.spec?.replicas ?? 1;
  return (
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
    s.updatedReplicas === want &&
    s.availableReplicas === want &&
    (s.replicas ?? 0) === want
  );
}

async function playHistory(objects: KubernetesObjectApi, apps: AppsV1Api, h: History): Promise<void> {
  const final = historyStep(h, h.images.length - 1);
  if (await exists(objects, final)) return apply(objects, final);
  for (let i = 0; i < h.images.length; i++) {
    await apply(objects, historyStep(h, i));
    if (i === h.images.length - 1) break;
    // Each revision must roll out before the next change, or the controller
    // skips the intermediate template and the history has a gap.
    await waitFor(
      `${h.base.namespace}/${h.base.name} revision ${i + 1}`,
      async () => (rolledOut(await apps.readNamespacedDeployment({ name: h.base.name, namespace: h.base.namespace })) ? true : undefined),
      60_000,
      100,
    );
  }
}

function gpuStatefulSets(): Obj[] {
  const bySts = new Map<string, { pod: GpuPod; node: string; replicas: number }>();
  for (const n of PRIMARY_NODES)
    for (const p of n.gpuPods) {
      const key = `${p.namespace}/${p.statefulSet}`;
      const e = bySts.get(key);
      if (e && e.node !== n.name) throw new Error(`${key}: all replicas must share one node in topology.ts`);
      bySts.set(key, { pod: p, node: n.name, replicas: (e?.replicas ?? 0) + 1 });
    }
  return [...bySts.values()].flatMap(({ pod, node, replicas }) => [
    service(pod.namespace, pod.statefulSet, { app: pod.statefulSet }, 80, 8080, true),
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: pod.statefulSet, namespace: pod.namespace, labels: { app: pod.statefulSet } },
      spec: {
        serviceName: pod.statefulSet,
        replicas,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: { app: pod.statefulSet } },
        // Pinned to the node that topology.ts (and the DCGM history) puts them on.
        template: podTemplate({
          labels: { app: pod.statefulSet },
          nodeSelector: { 'kubernetes.io/hostname': node },
          containers: [{ name: pod.container, image: pod.image, cpu: '16', memory: '256Gi', gpus: pod.gpus, port: 8080 }],
        }),
      },
    },
  ]);
}

const TRAINING_JOB_CRD: Obj = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'trainingjobs.ml.pilothouse.dev' },
  spec: {
    group: 'ml.pilothouse.dev',
    scope: 'Namespaced',
    names: { plural: 'trainingjobs', singular: 'trainingjob', kind: 'TrainingJob', shortNames: ['tj'], listKind: 'TrainingJobList' },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        additionalPrinterColumns: [
          { name: 'Model', type: 'string', jsonPath: '.spec.model' },
          { name: 'GPUs', type: 'integer', jsonPath: '.spec.gpus' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['model', 'gpus'],
                properties: {
                  model: { type: 'string' },
                  image: { type: 'string' },
                  gpus: { type: 'integer', minimum: 0 },
                  nodes: { type: 'integer', minimum: 1 },
                  dataset: { type: 'string' },
                },
              },
              // No status subresource, so the seed can write status directly.
              status: {
                type: 'object',
                properties: {
                  phase: { type: 'string', enum: ['Pending', 'Running', 'Succeeded', 'Failed'] },
                  progress: { type: 'number' },
                  message: { type: 'string' },
                },
              },
            },
          },
        },
      },
    ],
  },
};

function trainingJob(ns: string, name: string, spec: Record<string, unknown>, status: Record<string, unknown>): Obj {
  return { apiVersion: 'ml.pilothouse.dev/v1alpha1', kind: 'TrainingJob', metadata: { name, namespace: ns }, spec, status };
}

function job(ns: string, name: string, image: string, opts: { completions?: number; fail?: boolean } = {}): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: {
      completions: opts.completions ?? 1,
      parallelism: opts.completions ?? 1,
      // Zero retries: a failing Job fails at once instead of backing off for minutes.
      backoffLimit: opts.fail ? 0 : 2,
      template: podTemplate({
        labels: { app: name, ...(opts.fail ? { 'pilothouse.test/fail': 'true' } : {}) },
        containers: [{ name: 'main', image }],
        restartPolicy: 'Never',
      }),
    },
  };
}

function cronJob(ns: string, name: string, schedule: string, image: string, suspend = false): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: ns },
    spec: {
      schedule,
      suspend,
      concurrencyPolicy: 'Forbid',
      jobTemplate: {
        spec: {
          template: podTemplate({ labels: { app: name }, containers: [{ name: 'main', image }], restartPolicy: 'OnFailure' }),
        },
      },
    },
  };
}

function configMap(ns: string, name: string, data: Record<string, string>): Obj {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
}

function secret(ns: string, name: string, type: string, data: Record<string, string>): Obj {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, type, stringData: data };
}

/** Everything besides namespaces, the CRD and the revision histories. */
function workloads(): Obj[] {
  return [
    // Blue/green: the Service points at blue; green waits behind a preview Service.
    deployment({ namespace: 'ml-serving', name: 'recommender-blue', app: 'recommender', image: 'ghcr.io/pilothouse-demo/recommender:1.8.0', replicas: 3, port: 8080, podLabels: { slot: 'blue' } }),
    deployment({ namespace: 'ml-serving', name: 'recommender-green', app: 'recommender', image: 'ghcr.io/pilothouse-demo/recommender:1.9.0', replicas: 3, port: 8080, podLabels: { slot: 'green' } }),
    service('ml-serving', 'recommender', { app: 'recommender', slot: 'blue' }),
    service('ml-serving', 'recommender-preview', { app: 'recommender', slot: 'green' }),
    // Canary: stable and canary Deployments behind one Service selecting both tracks.
    deployment({ namespace: 'team-b', name: 'checkout', app: 'checkout', image: 'ghcr.io/pilothouse-demo/checkout:1.4.0', replicas: 4, port: 8080, podLabels: { track: 'stable' } }),
    deployment({ namespace: 'team-b', name: 'checkout-canary', app: 'checkout', image: 'ghcr.io/pilothouse-demo/checkout:1.5.0-rc.1', replicas: 1, port: 8080, podLabels: { track: 'canary' } }),
    service('team-b', 'checkout', { app: 'checkout' }),
    // Never becomes Ready: a readiness probe that keeps failing.
    deployment({ namespace: 'ml-serving', name: 'feature-store', app: 'feature-store', image: 'feastdev/feature-server:0.40.1', replicas: 2, port: 6566, podLabels: { 'pilothouse.test/unready': 'true' } }),
    service('ml-serving', 'feature-store', { app: 'feature-store' }, 6566, 6566),
    service('team-a', 'web-frontend', { app: 'web-frontend' }),
    service('team-b', 'api-gateway', { app: 'api-gateway' }),
    service('ml-serving', 'embedding-service', { app: 'embedding-service' }, 80, 8000),
    service('team-b', 'payments-worker', { app: 'payments-worker' }),
    ...gpuStatefulSets(),
    service('platform', 'redis', { app: 'redis' }, 6379, 6379, true),
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'redis', namespace: 'platform', labels: { app: 'redis' } },
      spec: {
        serviceName: 'redis',
        replicas: 3,
        selector: { matchLabels: { app: 'redis' } },
        template: podTemplate({ labels: { app: 'redis' }, containers: [{ name: 'redis', image: 'redis:7.4.1', port: 6379, memory: '1Gi' }] }),
      },
    },
    job('ml-training', 'dataset-prep', 'ghcr.io/pilothouse-demo/dataset-tools:0.9.2'),
    job('data-pipelines', 'backfill-features', 'ghcr.io/pilothouse-demo/etl:2026.11.1', { completions: 3 }),
    job('ml-training', 'eval-regression', 'ghcr.io/pilothouse-demo/evaluator:1.2.0', { fail: true }),
    cronJob('data-pipelines', 'nightly-etl', '0 2 * * *', 'ghcr.io/pilothouse-demo/etl:2026.11.1'),
    cronJob('ml-training', 'checkpoint-gc', '*/30 * * * *', 'ghcr.io/pilothouse-demo/dataset-tools:0.9.2'),
    cronJob('platform', 'cert-rotation', '0 0 1 * *', 'ghcr.io/pilothouse-demo/certbot:2.11.0', true),
    configMap('team-a', 'web-frontend-config', {
      'nginx.conf': 'server {\n  listen 8080;\n  location / { root /usr/share/nginx/html; }\n}\n',
      LOG_LEVEL: 'info',
    }),
    configMap('ml-serving', 'model-registry', {
      'models.yaml': 'models:\n  - name: llama-3.1-8b-instruct\n    revision: 2026-10-01\n  - name: bge-large-en-v1.5\n    revision: 2026-08-14\n',
    }),
    configMap('ml-training', 'training-defaults', { NCCL_DEBUG: 'WARN', CHECKPOINT_EVERY_STEPS: '500', MIXED_PRECISION: 'bf16' }),
    secret('team-a', 'web-frontend-db', 'Opaque', { username: 'frontend', password: 'not-a-real-password' }),
    secret('ml-serving', 'hf-token', 'Opaque', { token: 'hf_testbed_not_a_real_token' }),
    secret('team-b', 'checkout-stripe', 'Opaque', { apiKey: 'sk_test_not_a_real_key' }),
    secret('platform', 'registry-pull', 'kubernetes.io/dockerconfigjson', {
      '.dockerconfigjson': JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from('bot:not-a-real-token').toString('base64') } } }),
    }),
    trainingJob('ml-training', 'llama-3-8b-sft', { model: 'meta-llama/Llama-3.1-8B', image: 'nvcr.io/nvidia/pytorch:25.10-py3', gpus: 8, nodes: 1, dataset: 's3://pilothouse-datasets/sft/v3' }, { phase: 'Running', progress: 0.42 }),
    trainingJob('ml-training', 'mixtral-8x7b-dpo', { model: 'mistralai/Mixtral-8x7B-v0.1', gpus: 16, nodes: 2, dataset: 's3://pilothouse-datasets/dpo/v1' }, { phase: 'Pending', message: 'waiting for 16 free GPUs' }),
    trainingJob('ml-training', 'bert-base-distill', { model: 'google-bert/bert-base-uncased', gpus: 1, nodes: 1 }, { phase: 'Succeeded', progress: 1 }),
    trainingJob('team-a', 'vision-finetune', { model: 'facebook/dinov2-large', gpus: 4, nodes: 1 }, { phase: 'Failed', message: 'CUDA out of memory at step 1200' }),
  ];
}

/** Options for {@link seedTestbed}. */
export interface SeedOptions {
  log?: (line: string) => void;
}

async function waitSettled(kc: KubeConfig): Promise<void> {
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const pending = new Set<string>();
  await waitFor(
    'seeded workloads to settle',
    async () => {
      pending.clear();
      const [deps, stss, jobs] = await Promise.all([
        apps.listDeploymentForAllNamespaces(),
        apps.listStatefulSetForAllNamespaces(),
        batch.listJobForAllNamespaces(),
      ]);
      for (const d of deps.items) {
        const name = `${d.metadata?.namespace}/${d.metadata?.name}`;
        const started = (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1);
        // The failing and never-ready rollouts only need to have started.
        const deliberate = ['team-b/payments-worker', 'ml-serving/feature-store'].includes(name);
        if (!(deliberate ? started : rolledOut(d))) pending.add(`deployment ${name}`);
      }
      for (const s of stss.items)
        if ((s.status?.readyReplicas ?? 0) !== (s.spec?.replicas ?? 1)) pending.add(`statefulset ${s.metadata?.namespace}/${s.metadata?.name}`);
      for (const j of jobs.items)
        if (!j.status?.conditions?.some((c) => ['Complete', 'Failed'].includes(c.type) && c.status === 'True'))
          pending.add(`job ${j.metadata?.namespace}/${j.metadata?.name}`);
      return pending.size === 0 ? true : undefined;
    },
    120_000,
    250,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; still waiting for: ${[...pending].join(', ')}`);
  });
}

/**
 * Seeds the cluster behind `kubeconfigPath` (the primary cluster's admin
 * kubeconfig) and waits until the workloads have settled. Idempotent.
 */
export async function seedTestbed(kubeconfigPath: string, opts: SeedOptions = {}): Promise<void> {
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  const { kc, objects } = client(kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  await Promise.all([
    ...Object.entries(SEED_NAMESPACES).map(([ns, team]) => apply(objects, namespace(ns, team))),
    apply(objects, TRAINING_JOB_CRD),
  ]);
  // Pods are rejected until the namespace's default ServiceAccount exists,
  // and CRs until the CRD is established.
  await Promise.all(
    Object.keys(SEED_NAMESPACES).map((ns) =>
      waitFor(`default ServiceAccount in ${ns}`, async () => (await core.readNamespacedServiceAccount({ name: 'default', namespace: ns }), true), 30_000),
    ),
  );
  await waitFor('CRD trainingjobs.ml.pilothouse.dev established', async () => {
    const crd = (await objects.read({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'trainingjobs.ml.pilothouse.dev' } })) as Obj & { status?: { conditions?: { type: string; status: string }[] } };
    return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
  });
  await Promise.all([
    pool(workloads(), 8, (o) => apply(objects, o)),
    ...HISTORIES.map((h) => playHistory(objects, apps, h)),
  ]);
  await waitSettled(kc);
  log(`seeded primary cluster in ${secs(Date.now() - t0)}`);
}

/** Options for {@link seedLarge}. */
export interface LargeSeedOptions {
  nodes: number;
  pods: number;
  /** Requests in flight; default 32. */
  concurrency?: number;
  log?: (line: string) => void;
}

/** Figures from one {@link seedLarge} run. */
export interface LargeSeedResult {
  nodes: number;
  pods: number;
  /** Time to create the nodes, ms. */
  nodesMs: number;
  /** Time to create the pods, ms. */
  podsMs: number;
  /** Time from the first pod created until all were Running, ms. */
  runningMs: number;
  totalMs: number;
}

const LARGE_LABEL = 'pilothouse.test/seed';
const LARGE_NAMESPACES = 20;

function isConflict(e: unknown): boolean {
  return e instanceof ApiException && e.code === 409;
}

/**
 * Adds `nodes` kwok CPU nodes and `pods` pods (spread over 20 `bench-NN`
 * namespaces, bound round-robin to those nodes) for benchmarks, printing
 * progress, and waits until every pod is Running. Re-running skips what
 * exists.
 */
export async function seedLarge(kubeconfigPath: string, opts: LargeSeedOptions): Promise<LargeSeedResult> {
  const log = opts.log ?? console.log;
  const concurrency = opts.concurrency ?? 32;
  const { kc } = client(kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const t0 = Date.now();
  const nodeNames = Array.from({ length: opts.nodes }, (_, i) => `bench-node-${String(i).padStart(4, '0')}`);
  const resources = { cpu: '32', memory: '130080Mi', pods: '110' };
  await pool(nodeNames, concurrency, async (name) => {
    await core
      .createNode({
        body: {
          metadata: {
            name,
            annotations: { 'kwok.x-k8s.io/node': 'fake' },
            labels: { 'kubernetes.io/hostname': name, type: 'kwok', [LARGE_LABEL]: 'large', 'node.kubernetes.io/instance-type': 'm7i.8xlarge' },
          },
          spec: { taints: [{ key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' }] },
          status: { allocatable: resources, capacity: resources },
        },
      })
      .catch((e) => {
        if (!isConflict(e)) throw e;
      });
  });
  const nodesMs = Date.now() - t0;
  log(`bench: ${opts.nodes} nodes in ${secs(nodesMs)}`);
  const namespaces = Array.from({ length: LARGE_NAMESPACES }, (_, i) => `bench-${String(i).padStart(2, '0')}`);
  for (const ns of namespaces)
    await core.createNamespace({ body: { metadata: { name: ns, labels: { [LARGE_LABEL]: 'large' } } } }).catch((e) => {
      if (!isConflict(e)) throw e;
    });
  await Promise.all(
    namespaces.map((ns) =>
      waitFor(`default ServiceAccount in ${ns}`, async () => (await core.readNamespacedServiceAccount({ name: 'default', namespace: ns }), true), 30_000),
    ),
  );
  const t1 = Date.now();
  let done = 0;
  await pool(Array.from({ length: opts.pods }, (_, i) => i), concurrency, async (i) => {
    const ns = namespaces[i % namespaces.length];
    await core
      .createNamespacedPod({
        namespace: ns,
        body: {
          metadata: {
            name: `bench-pod-${String(i).padStart(5, '0')}`,
            labels: { app: `bench-app-${i % 50}`, [LARGE_LABEL]: 'large' },
          },
          spec: {
            // Bound directly: the benchmark measures listing, not scheduling.
            nodeName: nodeNames[i % nodeNames.length],
            tolerations: [KWOK_TOLERATION],
            containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
          },
        },
      })
      .catch((e) => {
        if (!isConflict(e)) throw e;
      });
    if (++done % 1000 === 0) log(`bench: ${done}/${opts.pods} pods created (${secs(Date.now() - t1)})`);
  });
  const podsMs = Date.now() - t1;
  log(`bench: ${opts.pods} pods created in ${secs(podsMs)}`);
  let running = 0;
  await waitFor(
    `${opts.pods} bench pods Running`,
    async () => {
      running = 0;
      let cont: string | undefined;
      do {
        const page = await core.listPodForAllNamespaces({ labelSelector: `${LARGE_LABEL}=large`, limit: 2000, _continue: cont });
        running += page.items.filter((p) => p.status?.phase === 'Running').length;
        cont = page.metadata?._continue;
      } while (cont);
      log(`bench: ${running}/${opts.pods} pods Running (${secs(Date.now() - t1)})`);
      return running >= opts.pods ? true : undefined;
    },
    20 * 60_000,
    2000,
  );
  const runningMs = Date.now() - t1;
  const totalMs = Date.now() - t0;
  log(`bench: large seed done in ${secs(totalMs)} (nodes ${secs(nodesMs)}, pods ${secs(podsMs)}, all Running ${secs(runningMs)})`);
  return { nodes: opts.nodes, pods: opts.pods, nodesMs, podsMs, runningMs, totalMs };
}

/**
 * Removes what {@link seedLarge} added (its namespaces, with their pods, and
 * its nodes) so the bed is back to its normal seed; returns when the API no
 * longer lists them.
 */
export async function removeLarge(kubeconfigPath: string, opts: { log?: (line: string) => void } = {}): Promise<void> {
  const { kc } = client(kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const selector = `${LARGE_LABEL}=large`;
  const t0 = Date.now();
  const namespaces = await core.listNamespace({ labelSelector: selector });
  // Pods first, force-deleted (grace period 0): they leave etcd at once. Deleted gracefully, each waits for its
  // kwok node to confirm, and with the nodes going at the same moment the pod GC takes them one by one, which
  // ran past five minutes for 10,000 pods.
  await Promise.all(
    namespaces.items.map((ns) =>
      core.deleteCollectionNamespacedPod({ namespace: ns.metadata!.name!, gracePeriodSeconds: 0 }).catch((e: unknown) => {
        if (!(e instanceof ApiException && e.code === 404)) throw e;
      }),
    ),
  );
  await Promise.all(namespaces.items.map((ns) => core.deleteNamespace({ name: ns.metadata!.name! }).catch(() => undefined)));
  await core.deleteCollectionNode({ labelSelector: selector });
  await waitFor('the large seed to be gone', async () => ((await core.listNamespace({ labelSelector: selector })).items.length === 0 ? true : undefined), 300_000);
  (opts.log ?? console.log)(`bench: large seed removed in ${secs(Date.now() - t0)}`);
}

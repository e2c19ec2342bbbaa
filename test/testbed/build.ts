/**
 * Builds the pinned control-plane, etcd and kwok binaries from the Go module
 * proxy into per-version wrapper modules under `~/.cache/pilothouse/testbed`.
 *
 * Each component is skipped when its binaries exist, so the step is cheap to
 * repeat. Network access is only to the Go module proxy: no release downloads.
 */
import { existsSync, mkdirSync, readFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BINARIES,
  BUILD_DIRS,
  ETCD_VERSION,
  KUBE_STAGING_VERSION,
  KUBE_VERSION,
  KWOK_VERSION,
} from './paths';
import { run, secs } from './proc';

/** The 31 Kubernetes staging modules that `k8s.io/kubernetes` requires at v0.0.0. */
const STAGING_MODULES = [
  'api', 'apiextensions-apiserver', 'apimachinery', 'apiserver', 'cli-runtime',
  'client-go', 'cloud-provider', 'cluster-bootstrap', 'code-generator',
  'component-base', 'component-helpers', 'controller-manager', 'cri-api',
  'cri-client', 'csi-translation-lib', 'dynamic-resource-allocation',
  'endpointslice', 'externaljwt', 'kms', 'kube-aggregator',
  'kube-controller-manager', 'kube-proxy', 'kube-scheduler', 'kubectl',
  'kubelet', 'metrics', 'mount-utils', 'pod-security-admission',
  'sample-apiserver', 'sample-cli-plugin', 'sample-controller',
] as const;

const KUBE_COMMANDS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'] as const;

/** Time one component took, or that it was already built. */
export interface BuildTiming {
  component: string;
  skipped: boolean;
  ms: number;
}

function goEnv(): NodeJS.ProcessEnv {
  // A toolchain switch would download a Go release, which this network cannot reach.
  return { ...process.env, GOTOOLCHAIN: 'local' };
}

async function go(dir: string, args: string[], env: NodeJS.ProcessEnv = goEnv()): Promise<void> {
  await run('go', args, { cwd: dir, env });
}

async function initModule(dir: string, name: string, extra = ''): Promise<void> {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  if (existsSync(join(dir, 'go.mod'))) return;
  await go(dir, ['mod', 'init', name]);
  if (extra) appendFileSync(join(dir, 'go.mod'), extra);
}

async function buildKubernetes(): Promise<void> {
  const dir = BUILD_DIRS.kubernetes;
  // godebug keeps the defaults k8s 1.34 was released with; the replaces pin
  // the staging modules that k8s.io/kubernetes itself lists as v0.0.0.
  const replaces = STAGING_MODULES.map((m) => `\tk8s.io/${m} => k8s.io/${m} ${KUBE_STAGING_VERSION}`).join('\n');
  await initModule(dir, 'pilothouse.local/testbed/k8s', `godebug default=go1.24\nreplace (\n${replaces}\n)\n`);
  const gomod = readFileSync(join(dir, 'go.mod'), 'utf8');
  for (const cmd of KUBE_COMMANDS) {
    if (!gomod.includes(`k8s.io/kubernetes/cmd/${cmd}\n`)) {
      await go(dir, ['get', '-tool', `k8s.io/kubernetes/cmd/${cmd}@${KUBE_VERSION}`]);
    }
  }
  const [major, minor] = KUBE_VERSION.slice(1).split('.');
  const ldflags = [
    '-s -w',
    `-X k8s.io/component-base/version.gitVersion=${KUBE_VERSION}`,
    `-X k8s.io/component-base/version.gitMajor=${major}`,
    `-X k8s.io/component-base/version.gitMinor=${minor}`,
    '-X k8s.io/component-base/version.gitTreeState=clean',
    `-X k8s.io/client-go/pkg/version.gitVersion=${KUBE_VERSION}`,
  ].join(' ');
  await go(
    dir,
    [
      'build', '-trimpath', '-tags', 'selinux,notest', '-ldflags', ldflags, '-o', 'bin/',
      ...KUBE_COMMANDS.map((c) => `k8s.io/kubernetes/cmd/${c}`),
    ],
    { ...goEnv(), CGO_ENABLED: '0' },
  );
}

async function buildEtcd(): Promise<void> {
  const dir = BUILD_DIRS.etcd;
  await initModule(dir, 'pilothouse.local/testbed/etcd');
  await go(dir, ['get', '-tool', `go.etcd.io/etcd/server/v3@${ETCD_VERSION}`]);
  await go(dir, ['build', '-o', 'bin/etcd', 'go.etcd.io/etcd/server/v3']);
}

async function buildKwok(): Promise<void> {
  const dir = BUILD_DIRS.kwok;
  await initModule(dir, 'pilothouse.local/testbed/kwok');
  await go(dir, [
    'get', '-tool', `sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}`, `sigs.k8s.io/kwok/cmd/kwokctl@${KWOK_VERSION}`,
  ]);
  await go(dir, ['build', '-o', 'bin/', 'sigs.k8s.io/kwok/cmd/kwok', 'sigs.k8s.io/kwok/cmd/kwokctl']);
}

const COMPONENTS = [
  {
    name: `kwok ${KWOK_VERSION}`,
    outputs: [BINARIES.kwok, BINARIES.kwokctl],
    build: buildKwok,
  },
  { name: `etcd ${ETCD_VERSION}`, outputs: [BINARIES.etcd], build: buildEtcd },
  {
    name: `kubernetes ${KUBE_VERSION}`,
    outputs: [BINARIES.kubeApiserver, BINARIES.kubeControllerManager, BINARIES.kubeScheduler, BINARIES.kubectl],
    build: buildKubernetes,
  },
];

/**
 * Builds whatever binaries are missing, one component after the other (two
 * cores gain nothing from parallel Go builds), and reports each timing.
 */
export async function buildBinaries(log: (line: string) => void = console.log): Promise<BuildTiming[]> {
  const timings: BuildTiming[] = [];
  for (const c of COMPONENTS) {
    const t0 = Date.now();
    const skipped = c.outputs.every((p) => existsSync(p));
    if (!skipped) {
      log(`building ${c.name} …`);
      await c.build();
      const missing = c.outputs.filter((p) => !existsSync(p));
      if (missing.length) throw new Error(`build of ${c.name} finished without ${missing.join(', ')}`);
    }
    const ms = Date.now() - t0;
    timings.push({ component: c.name, skipped, ms });
    log(`${c.name}: ${skipped ? 'cached' : 'built'} in ${secs(ms)}`);
  }
  return timings;
}

/**
 * Builds the pinned control-plane, etcd, kwok, helm, Argo and Velero binaries from the Go module
 * proxy into per-version wrapper modules under `~/.cache/pilothouse/testbed`.
 *
 * Each component is skipped when its binaries exist, so the step is cheap to
 * repeat. Network access is only to the Go module proxy: no release downloads.
 */
import { appendFileSync, chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ARGO_CD_CRDS,
  ARGO_CD_VERSION,
  ARGO_ROLLOUTS_CRDS,
  ARGO_ROLLOUTS_VERSION,
  ARGO_WORKFLOWS_CRD_FILES,
  ARGO_WORKFLOWS_CRDS,
  ARGO_WORKFLOWS_VERSION,
  BINARIES,
  BUILD_DIRS,
  ETCD_VERSION,
  HELM_VERSION,
  KUBE_STAGING_VERSION,
  KUBE_VERSION,
  KWOK_VERSION,
} from './paths';
import { duration, run, secs } from './proc';
import { buildVelero, VELERO_AWS_PLUGIN_VERSION, VELERO_OUTPUTS, VELERO_VERSION } from './velero';

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

/** What a component's build is doing, for the progress lines of a long build. */
interface Activity {
  /** "fetching modules", "compiling". */
  doing: string;
  /** What each line Go prints in this phase stands for ("modules downloaded" by `go get`, "packages compiled" by `go build -v`). */
  counted?: string;
  lines: number;
}

/** One pinned component: the binaries it makes, and how. */
export interface BuildComponent {
  /** "kubernetes v1.34.4". */
  name: string;
  outputs: string[];
  /** How long a build from an empty cache took on the 2-core development machine. */
  cold: string;
  build(activity: Activity): Promise<void>;
}

/** Between two progress lines of one component's build. */
const HEARTBEAT_MS = 30_000;

function goEnv(): NodeJS.ProcessEnv {
  // A toolchain switch would download a Go release, which this network cannot reach.
  return { ...process.env, GOTOOLCHAIN: 'local' };
}

async function go(dir: string, args: string[], activity: Activity, env: NodeJS.ProcessEnv = goEnv()): Promise<void> {
  const phases: Record<string, [string, string]> = { get: ['fetching modules', 'modules downloaded'], build: ['compiling', 'packages compiled'] };
  [activity.doing, activity.counted] = phases[args[0]] ?? [`go ${args[0]}`, undefined];
  activity.lines = 0;
  await run('go', args, { cwd: dir, env, onOutput: (chunk) => (activity.lines += chunk.split('\n').length - 1) });
}

async function initModule(dir: string, name: string, activity: Activity, extra = ''): Promise<void> {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  if (existsSync(join(dir, 'go.mod'))) return;
  await go(dir, ['mod', 'init', name], activity);
  if (extra) appendFileSync(join(dir, 'go.mod'), extra);
}

async function buildKubernetes(activity: Activity): Promise<void> {
  const dir = BUILD_DIRS.kubernetes;
  // godebug keeps the defaults k8s 1.34 was released with; the replaces pin
  // the staging modules that k8s.io/kubernetes itself lists as v0.0.0.
  const replaces = STAGING_MODULES.map((m) => `\tk8s.io/${m} => k8s.io/${m} ${KUBE_STAGING_VERSION}`).join('\n');
  await initModule(dir, 'pilothouse.local/testbed/k8s', activity, `godebug default=go1.24\nreplace (\n${replaces}\n)\n`);
  const gomod = readFileSync(join(dir, 'go.mod'), 'utf8');
  for (const cmd of KUBE_COMMANDS) {
    if (!gomod.includes(`k8s.io/kubernetes/cmd/${cmd}\n`)) {
      await go(dir, ['get', '-tool', `k8s.io/kubernetes/cmd/${cmd}@${KUBE_VERSION}`], activity);
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
      'build', '-v', '-trimpath', '-tags', 'selinux,notest', '-ldflags', ldflags, '-o', 'bin/',
      ...KUBE_COMMANDS.map((c) => `k8s.io/kubernetes/cmd/${c}`),
    ],
    activity,
    { ...goEnv(), CGO_ENABLED: '0' },
  );
}

async function buildEtcd(activity: Activity): Promise<void> {
  const dir = BUILD_DIRS.etcd;
  await initModule(dir, 'pilothouse.local/testbed/etcd', activity);
  await go(dir, ['get', '-tool', `go.etcd.io/etcd/server/v3@${ETCD_VERSION}`], activity);
  await go(dir, ['build', '-v', '-o', 'bin/etcd', 'go.etcd.io/etcd/server/v3'], activity);
}

async function buildKwok(activity: Activity): Promise<void> {
  const dir = BUILD_DIRS.kwok;
  await initModule(dir, 'pilothouse.local/testbed/kwok', activity);
  await go(dir, [
    'get', '-tool', `sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}`, `sigs.k8s.io/kwok/cmd/kwokctl@${KWOK_VERSION}`,
  ], activity);
  await go(dir, ['build', '-v', '-o', 'bin/', 'sigs.k8s.io/kwok/cmd/kwok', 'sigs.k8s.io/kwok/cmd/kwokctl'], activity);
}

async function buildHelm(activity: Activity): Promise<void> {
  const dir = BUILD_DIRS.helm;
  await initModule(dir, 'pilothouse.local/testbed/helm', activity);
  await go(dir, ['get', '-tool', `helm.sh/helm/v3/cmd/helm@${HELM_VERSION}`], activity);
  // helm reads its own version from this variable; without it `helm version` says v3.x-dev.
  const ldflags = `-s -w -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}`;
  await go(dir, ['build', '-v', '-trimpath', '-ldflags', ldflags, '-o', 'bin/helm', 'helm.sh/helm/v3/cmd/helm'], activity);
}

/** Makes a copied read-only module-cache tree writable, so it can be patched and later removed. */
function makeWritable(path: string): void {
  const mode = statSync(path).mode;
  chmodSync(path, mode | 0o200);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}

/**
 * Argo Rollouts' controller and kubectl plugin, built inside a copy of the
 * released module (its own go.mod, replaces and go.sum, as upstream builds
 * it), with one change: the controller's metrics and health servers listen
 * on 127.0.0.1 instead of the hard-coded 0.0.0.0, as every bed process does.
 * The module's CRDs are kept beside the binaries for the bed to install.
 */
async function buildArgoRollouts(activity: Activity): Promise<void> {
  const dir = BUILD_DIRS.argoRollouts;
  const module = `github.com/argoproj/argo-rollouts@${ARGO_ROLLOUTS_VERSION}`;
  mkdirSync(join(dir, 'bin'), { recursive: true });
  activity.doing = 'fetching the module';
  const src = join(dir, 'src');
  rmSync(src, { recursive: true, force: true });
  cpSync(await downloadModule(module, dir), src, { recursive: true });
  makeWritable(src);
  const controller = join(src, 'controller', 'controller.go');
  const code = readFileSync(controller, 'utf8');
  const bound = code.replace('listenAddr                         = "0.0.0.0:%d"', 'listenAddr                         = "127.0.0.1:%d"');
  if (bound === code) throw new Error(`argo-rollouts ${ARGO_ROLLOUTS_VERSION}: the controller's listen address was not found to bind it to 127.0.0.1`);
  writeFileSync(controller, bound);
  mkdirSync(ARGO_ROLLOUTS_CRDS, { recursive: true });
  for (const crd of readdirSync(join(src, 'manifests', 'crds')).filter((f) => f.endsWith('-crd.yaml'))) cpSync(join(src, 'manifests', 'crds', crd), join(ARGO_ROLLOUTS_CRDS, crd));
  const v = 'github.com/argoproj/argo-rollouts/utils/version';
  const ldflags = [
    '-s -w',
    `-X ${v}.version=${ARGO_ROLLOUTS_VERSION.slice(1)}`,
    `-X ${v}.gitTag=${ARGO_ROLLOUTS_VERSION}`,
    // Empty, the plugin prints a "dirty" build; the release's commit is not in the module.
    `-X ${v}.gitCommit=unknown`,
    `-X ${v}.gitTreeState=clean`,
  ].join(' ');
  await go(src, ['build', '-v', '-trimpath', '-ldflags', ldflags, '-o', join(dir, 'bin') + '/', './cmd/rollouts-controller', './cmd/kubectl-argo-rollouts'], activity, {
    ...goEnv(),
    CGO_ENABLED: '0',
  });
}

/** The Go module of `module@version` fetched from the proxy: its directory in the module cache. */
async function downloadModule(module: string, cwd: string): Promise<string> {
  const { stdout } = await run('go', ['mod', 'download', '-json', module], { cwd, env: goEnv() });
  return (JSON.parse(stdout) as { Dir: string }).Dir;
}

/** Argo CD's Application and AppProject CRDs, from its released module (nothing of Argo CD runs: Applications are objects the tests write). */
async function fetchArgoCdCrds(activity: Activity): Promise<void> {
  activity.doing = 'fetching the module';
  mkdirSync(ARGO_CD_CRDS, { recursive: true });
  const dir = await downloadModule(`github.com/argoproj/argo-cd/v3@${ARGO_CD_VERSION}`, BUILD_DIRS.argoCd);
  for (const crd of ['application-crd.yaml', 'appproject-crd.yaml']) cpSync(join(dir, 'manifests', 'crds', crd), join(ARGO_CD_CRDS, crd));
}

/** The line of the controller's `main.go` that serves `/healthz` on every interface, at a fixed port. */
const WORKFLOW_CONTROLLER_LISTEN = 'http.ListenAndServe(":6060", nil)';
/** Its replacement: 127.0.0.1, at the port the bed picks (`PILOTHOUSE_HEALTHZ_ADDR`; `main.go` already imports Argo's `env`). */
const WORKFLOW_CONTROLLER_LISTEN_LOCAL = 'http.ListenAndServe(env.LookupEnvStringOr("PILOTHOUSE_HEALTHZ_ADDR", "127.0.0.1:6060"), nil)';

/**
 * Argo Workflows' controller, built inside a copy of the released module (its
 * own go.mod and go.sum, as upstream builds it), with one line changed: its
 * `/healthz` server listens on 127.0.0.1 at a port the bed chooses instead of
 * the hard-coded `:6060` on every interface. (Its only other listener, the
 * metrics server, is turned off in the ConfigMap the bed gives it.) The CRDs
 * kept beside it are the minimal ones (the schemas of Workflow, CronWorkflow
 * and the templates left open, as the upstream install does): the full ones
 * are 1.1 MB each as JSON, near etcd's request limit once server-side apply
 * adds its managed fields.
 */
async function buildArgoWorkflows(activity: Activity): Promise<void> {
  const dir = BUILD_DIRS.argoWorkflows;
  mkdirSync(join(dir, 'bin'), { recursive: true });
  activity.doing = 'fetching the module';
  const src = join(dir, 'src');
  rmSync(src, { recursive: true, force: true });
  cpSync(await downloadModule(`github.com/argoproj/argo-workflows/v4@${ARGO_WORKFLOWS_VERSION}`, dir), src, { recursive: true });
  makeWritable(src);
  mkdirSync(ARGO_WORKFLOWS_CRDS, { recursive: true });
  for (const crd of ARGO_WORKFLOWS_CRD_FILES) cpSync(join(src, 'manifests', 'base', 'crds', 'minimal', crd), join(ARGO_WORKFLOWS_CRDS, crd));
  const main = join(src, 'cmd', 'workflow-controller', 'main.go');
  const code = readFileSync(main, 'utf8');
  const bound = code.replace(WORKFLOW_CONTROLLER_LISTEN, WORKFLOW_CONTROLLER_LISTEN_LOCAL);
  if (bound === code) throw new Error(`argo-workflows ${ARGO_WORKFLOWS_VERSION}: the controller's health listener was not found to bind it to 127.0.0.1`);
  writeFileSync(main, bound);
  const v = 'github.com/argoproj/argo-workflows/v4';
  const ldflags = [
    '-s -w',
    `-X ${v}.version=${ARGO_WORKFLOWS_VERSION}`,
    `-X ${v}.gitTag=${ARGO_WORKFLOWS_VERSION}`,
    // With a tag, a commit and a clean tree the controller calls itself the release; the release's commit is not in the module.
    `-X ${v}.gitCommit=unknown`,
    `-X ${v}.gitTreeState=clean`,
  ].join(' ');
  await go(src, ['build', '-v', '-trimpath', '-ldflags', ldflags, '-o', BINARIES.workflowController, './cmd/workflow-controller'], activity, { ...goEnv(), CGO_ENABLED: '0' });
}

const COMPONENTS: readonly BuildComponent[] = [
  {
    name: `kwok ${KWOK_VERSION}`,
    outputs: [BINARIES.kwok, BINARIES.kwokctl],
    cold: '~4 min',
    build: buildKwok,
  },
  { name: `etcd ${ETCD_VERSION}`, outputs: [BINARIES.etcd], cold: '~1 min', build: buildEtcd },
  {
    name: `kubernetes ${KUBE_VERSION}`,
    outputs: [BINARIES.kubeApiserver, BINARIES.kubeControllerManager, BINARIES.kubeScheduler, BINARIES.kubectl],
    cold: '~7 min',
    build: buildKubernetes,
  },
  { name: `helm ${HELM_VERSION}`, outputs: [BINARIES.helm], cold: '~2.5 min', build: buildHelm },
  {
    name: `argo-rollouts ${ARGO_ROLLOUTS_VERSION}`,
    outputs: [BINARIES.rolloutsController, BINARIES.kubectlArgoRollouts, join(ARGO_ROLLOUTS_CRDS, 'rollout-crd.yaml')],
    cold: '~5 min',
    build: buildArgoRollouts,
  },
  {
    name: `argo-cd CRDs ${ARGO_CD_VERSION}`,
    outputs: [join(ARGO_CD_CRDS, 'application-crd.yaml'), join(ARGO_CD_CRDS, 'appproject-crd.yaml')],
    cold: '~30 s (a 25 MB module)',
    build: fetchArgoCdCrds,
  },
  {
    name: `argo-workflows ${ARGO_WORKFLOWS_VERSION}`,
    outputs: [BINARIES.workflowController, ...ARGO_WORKFLOWS_CRD_FILES.map((f) => join(ARGO_WORKFLOWS_CRDS, f))],
    cold: '~6 min, ~9 min with an empty module cache',
    build: buildArgoWorkflows,
  },
  {
    name: `velero ${VELERO_VERSION} + velero-plugin-for-aws ${VELERO_AWS_PLUGIN_VERSION}`,
    outputs: VELERO_OUTPUTS,
    cold: '~11 min for the server, ~9 min for the plugin (module cache warm)',
    build: buildVelero,
  },
];

/** The components lacking a binary, in build order. */
export function componentsToBuild(): BuildComponent[] {
  return COMPONENTS.filter((c) => !c.outputs.every((p) => existsSync(p)));
}

/**
 * Builds one component, saying every 30 s what it is doing (a cold build is
 * minutes of silence otherwise); throws if a binary is still missing after.
 */
export async function buildComponent(c: BuildComponent, log: (line: string) => void): Promise<void> {
  const t0 = Date.now();
  const activity: Activity = { doing: 'starting', lines: 0 };
  const beat = setInterval(() => {
    const count = activity.counted ? `, ${activity.lines} ${activity.counted}` : '';
    log(`… ${c.name}: ${activity.doing}${count}, ${duration(Date.now() - t0)} so far`);
  }, HEARTBEAT_MS);
  try {
    await c.build(activity);
  } finally {
    clearInterval(beat);
  }
  const missing = c.outputs.filter((p) => !existsSync(p));
  if (missing.length) throw new Error(`build of ${c.name} finished without ${missing.join(', ')}`);
}

/**
 * Builds whatever binaries are missing, one component after the other (two
 * cores gain nothing from parallel Go builds), and reports each timing.
 */
export async function buildBinaries(log: (line: string) => void = console.log): Promise<BuildTiming[]> {
  const timings: BuildTiming[] = [];
  const todo = componentsToBuild();
  for (const c of COMPONENTS) {
    const t0 = Date.now();
    const skipped = !todo.includes(c);
    if (!skipped) {
      log(`building ${c.name} …`);
      await buildComponent(c, log);
    }
    const ms = Date.now() - t0;
    timings.push({ component: c.name, skipped, ms });
    log(`${c.name}: ${skipped ? 'cached' : 'built'} in ${secs(ms)}`);
  }
  return timings;
}

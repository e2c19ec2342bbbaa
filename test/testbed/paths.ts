/**
 * Pinned versions and the on-disk layout of the test bed.
 *
 * Binaries live in a per-version cache outside the repository so a checkout
 * never carries them and a version bump never reuses a stale build.
 */
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Kubernetes release the control-plane binaries and kubectl are built from. */
export const KUBE_VERSION = 'v1.34.4';
/** Staging-module version matching {@link KUBE_VERSION}. */
export const KUBE_STAGING_VERSION = 'v0.34.4';
/** etcd release built from the Go module proxy. */
export const ETCD_VERSION = 'v3.6.4';
/** kwok / kwokctl release built from the Go module proxy. */
export const KWOK_VERSION = 'v0.7.0';
/** Helm release built from the Go module proxy, for the Helm rollback tests. */
export const HELM_VERSION = 'v3.22.0';
/** Argo Rollouts release whose controller and kubectl plugin the bed builds and runs. */
export const ARGO_ROLLOUTS_VERSION = 'v1.10.1';
/** Argo CD release whose Application and AppProject CRDs the bed installs (no Argo CD controller runs). */
export const ARGO_CD_VERSION = 'v3.2.0';
/** Argo Workflows release whose CRDs the bed installs and whose controller it builds and runs. v3 is refused by the Go module proxy; v4.0.5 is the release it serves. */
export const ARGO_WORKFLOWS_VERSION = 'v4.0.5';
/** moto release installed into the test-bed venv. */
export const MOTO_VERSION = '5.2.5';

/** Directory holding this module (test/testbed). */
export const TESTBED_SRC_DIR = dirname(fileURLToPath(import.meta.url));

/** Root of everything the test bed caches: `~/.cache/pilothouse`. */
export const CACHE_ROOT = join(homedir(), '.cache', 'pilothouse');
/** Root of the per-version binary caches. */
export const BIN_CACHE_ROOT = join(CACHE_ROOT, 'testbed');
/** Python venv with moto. */
export const VENV_DIR = join(CACHE_ROOT, 'venv');

/** Go wrapper-module directories, one per pinned component. */
export const BUILD_DIRS = {
  kubernetes: join(BIN_CACHE_ROOT, `k8s-${KUBE_VERSION}`),
  etcd: join(BIN_CACHE_ROOT, `etcd-${ETCD_VERSION}`),
  kwok: join(BIN_CACHE_ROOT, `kwok-${KWOK_VERSION}`),
  helm: join(BIN_CACHE_ROOT, `helm-${HELM_VERSION}`),
  argoRollouts: join(BIN_CACHE_ROOT, `argo-rollouts-${ARGO_ROLLOUTS_VERSION}`),
  argoCd: join(BIN_CACHE_ROOT, `argo-cd-${ARGO_CD_VERSION}`),
  argoWorkflows: join(BIN_CACHE_ROOT, `argo-workflows-${ARGO_WORKFLOWS_VERSION}`),
} as const;

/** Absolute paths of every binary the bed runs. */
export const BINARIES = {
  kubeApiserver: join(BUILD_DIRS.kubernetes, 'bin', 'kube-apiserver'),
  kubeControllerManager: join(BUILD_DIRS.kubernetes, 'bin', 'kube-controller-manager'),
  kubeScheduler: join(BUILD_DIRS.kubernetes, 'bin', 'kube-scheduler'),
  kubectl: join(BUILD_DIRS.kubernetes, 'bin', 'kubectl'),
  etcd: join(BUILD_DIRS.etcd, 'bin', 'etcd'),
  kwok: join(BUILD_DIRS.kwok, 'bin', 'kwok'),
  kwokctl: join(BUILD_DIRS.kwok, 'bin', 'kwokctl'),
  helm: join(BUILD_DIRS.helm, 'bin', 'helm'),
  rolloutsController: join(BUILD_DIRS.argoRollouts, 'bin', 'rollouts-controller'),
  kubectlArgoRollouts: join(BUILD_DIRS.argoRollouts, 'bin', 'kubectl-argo-rollouts'),
  workflowController: join(BUILD_DIRS.argoWorkflows, 'bin', 'workflow-controller'),
  motoServer: join(VENV_DIR, 'bin', 'moto_server'),
  python: join(VENV_DIR, 'bin', 'python'),
  prometheus: '/usr/bin/prometheus',
  promtool: '/usr/bin/promtool',
  chromium: '/usr/bin/chromium',
} as const;

/**
 * The state directory of the running bed: `PILOTHOUSE_TESTBED_DIR`, else
 * `~/.cache/pilothouse/testbed/run`.
 */
export function stateDir(): string {
  return process.env.PILOTHOUSE_TESTBED_DIR ?? join(BIN_CACHE_ROOT, 'run');
}

/** Path of `state.json` inside {@link stateDir}. */
export function stateFile(): string {
  return join(stateDir(), 'state.json');
}

/** The Argo Rollouts CRDs (Rollout, AnalysisTemplate, …) of {@link ARGO_ROLLOUTS_VERSION}, copied from its module at build time. */
export const ARGO_ROLLOUTS_CRDS = join(BUILD_DIRS.argoRollouts, 'crds');

/** Argo CD's Application and AppProject CRDs of {@link ARGO_CD_VERSION}, copied from its module. */
export const ARGO_CD_CRDS = join(BUILD_DIRS.argoCd, 'crds');

/** Argo Workflows' CRDs of {@link ARGO_WORKFLOWS_VERSION} (Workflow, CronWorkflow, the templates and the controller's own kinds), copied from its module. */
export const ARGO_WORKFLOWS_CRDS = join(BUILD_DIRS.argoWorkflows, 'crds');

/** The CRD files the bed applies, from the module's `manifests/base/crds/minimal`. */
export const ARGO_WORKFLOWS_CRD_FILES = [
  'argoproj.io_clusterworkflowtemplates.yaml',
  'argoproj.io_cronworkflows.yaml',
  'argoproj.io_workflowartifactgctasks.yaml',
  'argoproj.io_workfloweventbindings.yaml',
  'argoproj.io_workflows.yaml',
  'argoproj.io_workflowtaskresults.yaml',
  'argoproj.io_workflowtasksets.yaml',
  'argoproj.io_workflowtemplates.yaml',
] as const;

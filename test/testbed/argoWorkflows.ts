/**
 * Argo Workflows on the primary cluster: its CRDs, and its controller built
 * from the Go module, watching every namespace with the cluster's admin
 * kubeconfig, its health server on a free 127.0.0.1 port. kwok completes the
 * pods it creates for steps (the `pod-complete` stage takes pods a Workflow
 * owns), so Workflows really run to Succeeded, or Failed for a step whose pod
 * template has `pilothouse.test/fail: "true"`.
 */
import { join } from 'node:path';
import type { ClusterInfo } from './clusters';
import { ARGO_WORKFLOWS_CRD_FILES, ARGO_WORKFLOWS_CRDS, BINARIES } from './paths';
import { freePort, run, spawnDaemon, waitFor } from './proc';
import { KWOK_TOLERATION } from './seed';

/** Where the controller keeps its ConfigMap, as upstream's install does. */
export const ARGO_WORKFLOWS_NAMESPACE = 'argo';

/**
 * Entrypoints of the images Argo's examples run, told to the controller: for a
 * container template without `command` it otherwise asks the image's registry,
 * which this network cannot reach, and the step fails. Another image needs
 * `command` in its template.
 */
const IMAGE_ENTRYPOINTS: Record<string, { entrypoint?: string[]; cmd?: string[] }> = {
  busybox: { cmd: ['sh'] },
  'busybox:latest': { cmd: ['sh'] },
  alpine: { cmd: ['/bin/sh'] },
  'alpine:latest': { cmd: ['/bin/sh'] },
  'argoproj/argosay:v2': { entrypoint: ['/argosay'] },
  'docker/whalesay': { cmd: ['/bin/bash'] },
  'docker/whalesay:latest': { cmd: ['/bin/bash'] },
  'python:alpine3.6': { cmd: ['python3'] },
};

/**
 * The controller's configuration (`workflow-controller-configmap`). The
 * metrics and telemetry servers are off: they would listen on every
 * interface, at a fixed port. Every Workflow tolerates the kwok nodes' taint,
 * so a spec written for a real cluster runs here unchanged.
 */
function controllerConfigMap(): object {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'workflow-controller-configmap', namespace: ARGO_WORKFLOWS_NAMESPACE },
    data: {
      metricsConfig: JSON.stringify({ enabled: false }),
      telemetryConfig: JSON.stringify({ enabled: false }),
      images: JSON.stringify(IMAGE_ENTRYPOINTS),
      workflowDefaults: JSON.stringify({ spec: { tolerations: [KWOK_TOLERATION] } }),
    },
  };
}

/** Where the bed's Argo Workflows controller answers. */
export interface ArgoWorkflowsInfo {
  /** The cluster it controls (by name); it watches every namespace there. */
  cluster: string;
  /** The namespace of its ConfigMap. */
  namespace: string;
  /** Its `/healthz`, e.g. `http://127.0.0.1:41234/healthz`. */
  healthz: string;
  /** Its log, for a test that wants to know why a Workflow did not move. */
  logFile: string;
}

/** Applies the CRDs (server-side, so again is a no-op) and waits until Workflows are served. */
export async function installArgoWorkflowsCrds(cluster: ClusterInfo): Promise<void> {
  const kubectl = (...args: string[]) => run(BINARIES.kubectl, ['--kubeconfig', cluster.kubeconfigs.admin, ...args]);
  await kubectl('apply', '--server-side', ...ARGO_WORKFLOWS_CRD_FILES.flatMap((f) => ['-f', join(ARGO_WORKFLOWS_CRDS, f)]));
  const established = ['get', 'crd', 'workflows.argoproj.io', '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}'];
  await waitFor('the Workflow CRD to be established', async () => ((await kubectl(...established)).stdout === 'True' ? true : undefined), 60_000);
}

/** Installs the CRDs and the controller's ConfigMap on `cluster`, then starts the controller; resolves once it answers its health check. */
export async function startArgoWorkflows(stateDir: string, cluster: ClusterInfo): Promise<{ info: ArgoWorkflowsInfo; pid: number }> {
  await installArgoWorkflowsCrds(cluster);
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ARGO_WORKFLOWS_NAMESPACE } };
  const list = { apiVersion: 'v1', kind: 'List', items: [namespace, controllerConfigMap()] };
  // The ConfigMap is read at start: applied first, so the metrics server never opens.
  await run(BINARIES.kubectl, ['--kubeconfig', cluster.kubeconfigs.admin, 'apply', '--server-side', '-f', '-'], { input: JSON.stringify(list) });
  const healthzPort = await freePort();
  const logFile = join(stateDir, 'argo-workflows.log');
  const pid = spawnDaemon(BINARIES.workflowController, ['--kubeconfig', cluster.kubeconfigs.admin, '--namespace', ARGO_WORKFLOWS_NAMESPACE, '--loglevel', 'info'], {
    logFile,
    env: {
      ...process.env,
      // One controller, no Lease to hold.
      LEADER_ELECTION_DISABLE: 'true',
      // Read by the bed's one-line patch of the controller (see build.ts).
      PILOTHOUSE_HEALTHZ_ADDR: `127.0.0.1:${healthzPort}`,
      // A running Workflow is looked at again after this; upstream's 10 s makes each step of a kwok pod take 10 s.
      DEFAULT_REQUEUE_TIME: '1s',
    },
  });
  const info: ArgoWorkflowsInfo = { cluster: cluster.name, namespace: ARGO_WORKFLOWS_NAMESPACE, healthz: `http://127.0.0.1:${healthzPort}/healthz`, logFile };
  await waitFor('the Argo Workflows controller /healthz', async () => ((await argoWorkflowsHealthy(info)) ? true : undefined), 60_000);
  return { info, pid };
}

/** The controller answers its health check (it fails it, too, when Workflows wait unreconciled for minutes). */
export async function argoWorkflowsHealthy(info: ArgoWorkflowsInfo): Promise<boolean> {
  return fetch(info.healthz).then(
    (r) => r.ok,
    () => false,
  );
}

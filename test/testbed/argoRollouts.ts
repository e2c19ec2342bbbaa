/**
 * The Argo Rollouts controller, built from its Go module, running against the
 * primary cluster: its CRDs applied, then the controller with the cluster's
 * admin kubeconfig, its health and metrics servers on free 127.0.0.1 ports.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterInfo } from './clusters';
import { ARGO_ROLLOUTS_CRDS, BINARIES } from './paths';
import { freePort, run, spawnDaemon, waitFor } from './proc';

/** Where the bed's Argo Rollouts controller answers. */
export interface ArgoRolloutsInfo {
  /** The cluster it controls (by name). */
  cluster: string;
  /** Its `/healthz`, e.g. `http://127.0.0.1:41234/healthz`. */
  healthz: string;
  /** Its log, for a test that wants to know why a Rollout did not move. */
  logFile: string;
}

/** Installs the CRDs on `cluster` and starts the controller; resolves once it answers its health check. */
export async function startArgoRollouts(stateDir: string, cluster: ClusterInfo): Promise<{ info: ArgoRolloutsInfo; pid: number }> {
  const crds = readdirSync(ARGO_ROLLOUTS_CRDS).map((f) => join(ARGO_ROLLOUTS_CRDS, f));
  // Server-side: the Rollout CRD's schema is too large for the last-applied annotation of a client-side apply.
  await run(BINARIES.kubectl, ['--kubeconfig', cluster.kubeconfigs.admin, 'apply', '--server-side', ...crds.flatMap((f) => ['-f', f])]);
  // `kubectl wait` fails outright while a new CRD has no conditions yet: ask until it is Established.
  const established = ['--kubeconfig', cluster.kubeconfigs.admin, 'get', 'crd', 'rollouts.argoproj.io', '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}'];
  await waitFor('the Rollout CRD to be established', async () => ((await run(BINARIES.kubectl, established)).stdout === 'True' ? true : undefined), 60_000);
  const [healthzPort, metricsPort] = [await freePort(), await freePort()];
  const logFile = join(stateDir, 'argo-rollouts.log');
  const pid = spawnDaemon(
    BINARIES.rolloutsController,
    ['--kubeconfig', cluster.kubeconfigs.admin, `--healthzPort=${healthzPort}`, `--metricsPort=${metricsPort}`, '--leader-elect=false', '--loglevel=info'],
    { logFile },
  );
  const info: ArgoRolloutsInfo = { cluster: cluster.name, healthz: `http://127.0.0.1:${healthzPort}/healthz`, logFile };
  await waitFor('the Argo Rollouts controller /healthz', async () => ((await argoRolloutsHealthy(info)) ? true : undefined), 60_000);
  return { info, pid };
}

/** The controller answers its health check. */
export async function argoRolloutsHealthy(info: ArgoRolloutsInfo): Promise<boolean> {
  return fetch(info.healthz).then(
    (r) => r.ok,
    () => false,
  );
}

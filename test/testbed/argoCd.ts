/**
 * Argo CD's Application and AppProject CRDs on the primary cluster, so
 * Applications can be written and read as Argo CD keeps them. No Argo CD
 * controller runs: it needs Redis and a repository server, so tests check
 * the objects (an Application's history, a sync operation requested), not
 * a sync carried out.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterInfo } from './clusters';
import { ARGO_CD_CRDS, BINARIES } from './paths';
import { run, waitFor } from './proc';

/** Applies the CRDs (server-side, so again is a no-op) and waits until Applications are served. */
export async function installArgoCdCrds(cluster: ClusterInfo): Promise<void> {
  const kubectl = (...args: string[]) => run(BINARIES.kubectl, ['--kubeconfig', cluster.kubeconfigs.admin, ...args]);
  await kubectl('apply', '--server-side', ...readdirSync(ARGO_CD_CRDS).flatMap((f) => ['-f', join(ARGO_CD_CRDS, f)]));
  const established = ['get', 'crd', 'applications.argoproj.io', '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}'];
  await waitFor('the Application CRD to be established', async () => ((await kubectl(...established)).stdout === 'True' ? true : undefined), 60_000);
}

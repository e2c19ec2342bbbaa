/**
 * Argo Workflows' CRDs on the primary cluster, so Workflows, CronWorkflows
 * and WorkflowTemplates can be written and read as Argo keeps them. No Argo
 * Workflows controller runs: a kwok pod never runs the executor that reports
 * a step's outcome, so tests write a Workflow's status themselves where they
 * need one.
 */
import { join } from 'node:path';
import type { ClusterInfo } from './clusters';
import { ARGO_WORKFLOWS_CRD_FILES, ARGO_WORKFLOWS_CRDS, BINARIES } from './paths';
import { run, waitFor } from './proc';

/** Applies the CRDs (server-side, so again is a no-op) and waits until Workflows are served. */
export async function installArgoWorkflowsCrds(cluster: ClusterInfo): Promise<void> {
  const kubectl = (...args: string[]) => run(BINARIES.kubectl, ['--kubeconfig', cluster.kubeconfigs.admin, ...args]);
  await kubectl('apply', '--server-side', ...ARGO_WORKFLOWS_CRD_FILES.flatMap((f) => ['-f', join(ARGO_WORKFLOWS_CRDS, f)]));
  const established = ['get', 'crd', 'workflows.argoproj.io', '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}'];
  await waitFor('the Workflow CRD to be established', async () => ((await kubectl(...established)).stdout === 'True' ? true : undefined), 60_000);
}

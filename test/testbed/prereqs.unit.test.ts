import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { madeTempDir } from '../support/tempDirs';

let home = '';

/** The prerequisite modules over a cache in an empty `$HOME`: paths are fixed when `paths.ts` loads. */
async function load() {
  vi.resetModules();
  const [paths, prereqs, velero] = await Promise.all([import('./paths'), import('./prereqs'), import('./velero')]);
  return { ...paths, ...prereqs, ...velero };
}

/** An empty executable at `path`: the checks look at files only. */
function touch(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '');
  chmodSync(path, 0o755);
}

beforeEach(() => {
  home = madeTempDir('ph-prereqs-');
  vi.stubEnv('HOME', home);
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(home, { recursive: true, force: true });
});

describe('missingPrerequisites', () => {
  it('builds every component in an empty cache, and only those lacking a binary once some are there', async () => {
    const { ARGO_CD_CRDS, ARGO_CD_VERSION, ARGO_ROLLOUTS_CRDS, ARGO_ROLLOUTS_VERSION, ARGO_WORKFLOWS_CRD_FILES, ARGO_WORKFLOWS_CRDS, ARGO_WORKFLOWS_VERSION, BINARIES, ETCD_VERSION, HELM_VERSION, KUBE_VERSION, KWOK_VERSION, VELERO_AWS_PLUGIN_VERSION, VELERO_OUTPUTS, VELERO_VERSION, missingPrerequisites } = await load();
    expect(BINARIES.kubeApiserver.startsWith(home)).toBe(true);
    expect(missingPrerequisites().builds.map((c) => c.name)).toEqual([`kwok ${KWOK_VERSION}`, `etcd ${ETCD_VERSION}`, `kubernetes ${KUBE_VERSION}`, `helm ${HELM_VERSION}`, `argo-rollouts ${ARGO_ROLLOUTS_VERSION}`, `argo-cd CRDs ${ARGO_CD_VERSION}`, `argo-workflows ${ARGO_WORKFLOWS_VERSION}`, `velero ${VELERO_VERSION} + velero-plugin-for-aws ${VELERO_AWS_PLUGIN_VERSION}`]);

    // One kubernetes binary short is a kubernetes build.
    for (const p of [BINARIES.kwok, BINARIES.kwokctl, BINARIES.etcd, BINARIES.kubeApiserver, BINARIES.kubeControllerManager, BINARIES.kubectl, BINARIES.helm, BINARIES.rolloutsController, BINARIES.kubectlArgoRollouts, BINARIES.workflowController, join(ARGO_ROLLOUTS_CRDS, 'rollout-crd.yaml'), join(ARGO_CD_CRDS, 'application-crd.yaml'), join(ARGO_CD_CRDS, 'appproject-crd.yaml'), ...ARGO_WORKFLOWS_CRD_FILES.map((f) => join(ARGO_WORKFLOWS_CRDS, f)), ...VELERO_OUTPUTS]) touch(p);
    expect(missingPrerequisites().builds.map((c) => c.name)).toEqual([`kubernetes ${KUBE_VERSION}`]);
    touch(BINARIES.kubeScheduler);
    expect(missingPrerequisites().builds).toEqual([]);

    // A cache from before the bed ran Argo's controller holds its CRDs only: the controller is built then.
    rmSync(BINARIES.workflowController);
    expect(missingPrerequisites().builds.map((c) => c.name)).toEqual([`argo-workflows ${ARGO_WORKFLOWS_VERSION}`]);
  });

  it('wants the venv made until it holds moto at the pinned version', async () => {
    const { BINARIES, MOTO_VERSION, VENV_DIR, missingPrerequisites } = await load();
    expect(missingPrerequisites().venv).toBe(true);
    touch(BINARIES.python);
    touch(BINARIES.motoServer);
    const sitePackages = join(VENV_DIR, 'lib', 'python3.11', 'site-packages');
    mkdirSync(join(sitePackages, 'moto-5.0.0.dist-info'), { recursive: true });
    expect(missingPrerequisites().venv).toBe(true);
    mkdirSync(join(sitePackages, `moto-${MOTO_VERSION}.dist-info`));
    expect(missingPrerequisites().venv).toBe(false);
  });

  it('names what is missing and the one command that installs it', async () => {
    const { KUBE_VERSION, checkPrerequisites } = await load();
    expect(() => checkPrerequisites()).toThrow(new RegExp(`test-bed binaries of .*kubernetes ${KUBE_VERSION}[\\s\\S]*moto\\[server\\][\\s\\S]*npm run testbed:prereqs`));
  });
});

import { describe, expect, it } from 'vitest';
import { ManagedBy } from '../../../shared/contract';
import { managedBy } from './managedBy';

const marked = (labels: Record<string, string> = {}, annotations: Record<string, string> = {}, managers: string[] = []) => ({
  metadata: { name: 'web', labels, annotations, managedFields: managers.map((manager) => ({ manager, operation: 'Apply' })) },
});

describe('who else manages a workload', () => {
  it('finds an Argo CD Application by its tracking annotation (v3 default) or a tracking label, and says it reverts', () => {
    expect(managedBy(marked({}, { 'argocd.argoproj.io/tracking-id': 'ranker-prod:apps/Deployment:ml-serving/ranker' }))).toEqual({
      tool: 'Argo CD',
      name: 'ranker-prod',
      evidence: 'annotation argocd.argoproj.io/tracking-id',
      reverts: true,
    });
    expect(managedBy(marked({ 'argocd.argoproj.io/instance': 'ranker-prod' }))).toMatchObject({ tool: 'Argo CD', name: 'ranker-prod', reverts: true });
  });

  it('finds a Flux Kustomization or HelmRelease by its owner labels, or Flux by its field manager alone', () => {
    expect(managedBy(marked({ 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' }))).toEqual({
      tool: 'Flux',
      name: 'Kustomization flux-system/apps',
      evidence: 'label kustomize.toolkit.fluxcd.io/name',
      reverts: true,
    });
    expect(managedBy(marked({ 'helm.toolkit.fluxcd.io/name': 'ranker' }))).toMatchObject({ tool: 'Flux', name: 'HelmRelease ranker' });
    expect(managedBy(marked({}, {}, ['kubectl-client-side-apply', 'kustomize-controller']))).toEqual({ tool: 'Flux', evidence: 'field manager kustomize-controller', reverts: true });
    expect(managedBy(marked({}, {}, ['argocd-controller']))).toMatchObject({ tool: 'Argo CD', reverts: true });
  });

  it('puts a GitOps tool before the Helm chart it renders, and finds plain Helm releases, which do not revert by themselves', () => {
    const helmByFlux = marked({ 'helm.toolkit.fluxcd.io/name': 'ranker', 'app.kubernetes.io/managed-by': 'Helm' }, { 'meta.helm.sh/release-name': 'ranker' });
    expect(managedBy(helmByFlux)?.tool).toBe('Flux');
    expect(managedBy(marked({}, { 'meta.helm.sh/release-name': 'ranker', 'meta.helm.sh/release-namespace': 'ml' }))).toEqual({
      tool: 'Helm',
      name: 'ml/ranker',
      evidence: 'annotation meta.helm.sh/release-name',
      reverts: false,
    });
    expect(managedBy(marked({ 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': 'ranker' }))).toMatchObject({ tool: 'Helm', name: 'ranker' });
  });

  it('claims nothing from marks anyone sets (app.kubernetes.io/instance alone, kubectl, empty values)', () => {
    expect(managedBy(marked({ 'app.kubernetes.io/instance': 'ranker' }, {}, ['kubectl-set', 'kube-controller-manager']))).toBeUndefined();
    expect(managedBy(marked({ 'argocd.argoproj.io/instance': '' }, { 'argocd.argoproj.io/tracking-id': '' }))).toBeUndefined();
    expect(managedBy({})).toBeUndefined();
  });
});

describe('hostile marks', () => {
  it('takes no tool from a field manager named like an object property, and keeps every name within the contract', () => {
    expect(managedBy(marked({}, {}, ['constructor', 'toString', '__proto__']))).toBeUndefined();
    const long = 'x'.repeat(600);
    for (const found of [
      managedBy(marked({}, { 'argocd.argoproj.io/tracking-id': long })),
      managedBy(marked({ 'argocd.argoproj.io/instance': long })),
      managedBy(marked({ 'kustomize.toolkit.fluxcd.io/name': long, 'kustomize.toolkit.fluxcd.io/namespace': long })),
      managedBy(marked({}, { 'meta.helm.sh/release-name': long, 'meta.helm.sh/release-namespace': long })),
      managedBy(marked({ 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': long })),
    ]) {
      expect(ManagedBy.safeParse(found).success).toBe(true);
      expect(found?.name?.length).toBeLessThanOrEqual(512);
    }
  });
});

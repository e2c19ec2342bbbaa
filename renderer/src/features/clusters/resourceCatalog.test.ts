import { describe, expect, it } from 'vitest';
import type { ApiResource } from '../../../../shared/contract';
import { resourceEntries, type Discovery } from './resourceCatalog';

const api = (r: Partial<ApiResource> & Pick<ApiResource, 'group' | 'version' | 'resource' | 'kind'>): ApiResource => ({
  namespaced: true,
  verbs: ['get', 'list', 'watch'],
  builtin: true,
  ...r,
});

const discovery: Discovery = {
  serverVersion: 'v1.34.4',
  discoveredAt: new Date().toISOString(),
  resources: [
    api({ group: '', version: 'v1', resource: 'pods', kind: 'Pod' }),
    api({ group: '', version: 'v1', resource: 'pods/log', kind: 'Pod' }),
    api({ group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false }),
    api({ group: 'batch', version: 'v2', resource: 'cronjobs', kind: 'CronJob' }),
    api({ group: 'argoproj.io', version: 'v1alpha1', resource: 'rollouts', kind: 'Rollout', builtin: false }),
    api({ group: 'argoproj.io', version: 'v1alpha1', resource: 'analysisruns', kind: 'AnalysisRun', builtin: false }),
    api({ group: 'argoproj.io', version: 'v1beta1', resource: 'rollouts', kind: 'Rollout', builtin: false }),
    api({ group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods', kind: 'PodMetrics', builtin: false, verbs: ['get', 'list'] }),
    api({ group: 'kubeflow.org', version: 'v1', resource: 'pytorchjobs', kind: 'PyTorchJob', builtin: false }),
  ],
};

describe('resource entries', () => {
  it('resolves built-ins to the version and scope discovery reports, and marks what is not served', () => {
    const entries = resourceEntries(discovery);
    const byLabel = (label: string) => entries.find((e) => e.label === label)!;
    expect(byLabel('Pods').ref).toEqual({ group: '', version: 'v1', resource: 'pods' });
    expect(byLabel('CronJobs').ref.version).toBe('v2');
    expect(byLabel('Nodes').namespaced).toBe(false);
    expect(byLabel('Deployments').served).toBe(false);
  });

  it('opens events newest first with their made-up names last; everything else by name', () => {
    const entries = resourceEntries(discovery);
    expect(entries.find((e) => e.label === 'Events')).toMatchObject({ sort: { key: 'cell:lastSeen', dir: 'asc' }, nameLast: true });
    expect(entries.filter((e) => e.label !== 'Events').every((e) => e.sort.key === 'name' && e.sort.dir === 'asc' && !e.nameLast)).toBe(true);
  });

  it('offers every built-in until discovery answers: as v1, HPAs as autoscaling/v2', () => {
    const entries = resourceEntries();
    expect(entries.every((e) => e.builtin && e.served)).toBe(true);
    expect(entries.filter((e) => e.ref.version !== 'v1').map((e) => [e.key, e.ref.version])).toEqual([['autoscaling/horizontalpodautoscalers', 'v2']]);
    expect(entries.map((e) => [e.section, e.label])).toEqual([
      ['Cluster', 'Nodes'], ['Cluster', 'Namespaces'], ['Cluster', 'Events'],
      ['Workloads', 'Pods'], ['Workloads', 'Deployments'], ['Workloads', 'StatefulSets'], ['Workloads', 'ReplicaSets'], ['Workloads', 'DaemonSets'],
      ['Workloads', 'Jobs'], ['Workloads', 'CronJobs'], ['Workloads', 'HPAs'],
      ['Network', 'Services'], ['Network', 'Ingresses'], ['Network', 'EndpointSlices'], ['Network', 'NetworkPolicies'],
      ['Config & storage', 'ConfigMaps'], ['Config & storage', 'Secrets'], ['Config & storage', 'PVCs'], ['Config & storage', 'PersistentVolumes'], ['Config & storage', 'StorageClasses'],
      ['Access control', 'ServiceAccounts'], ['Access control', 'Roles'], ['Access control', 'RoleBindings'], ['Access control', 'ClusterRoles'], ['Access control', 'ClusterRoleBindings'],
      ['Policy', 'PodDisruptionBudgets'], ['Policy', 'ResourceQuotas'], ['Policy', 'LimitRanges'], ['Policy', 'PriorityClasses'],
    ]);
  });

  it('cluster-scoped kinds open without a namespace before discovery answers', () => {
    const clusterScoped = resourceEntries().filter((e) => !e.namespaced).map((e) => e.label);
    expect(clusterScoped).toEqual(['Nodes', 'Namespaces', 'PersistentVolumes', 'StorageClasses', 'ClusterRoles', 'ClusterRoleBindings', 'PriorityClasses']);
  });

  it("knows kubectl's short names and common aliases, and adds those discovery reports", () => {
    const aliases = (entries: ReturnType<typeof resourceEntries>, key: string) => entries.find((e) => e.key === key)?.aliases;
    const offline = resourceEntries();
    expect(aliases(offline, 'autoscaling/horizontalpodautoscalers')).toEqual(['horizontalpodautoscalers', 'hpa']);
    expect(aliases(offline, 'rbac.authorization.k8s.io/clusterrolebindings')).toEqual(['clusterrolebindings', 'crb']);
    expect(aliases(offline, '/resourcequotas')).toEqual(['resourcequotas', 'quota']);
    expect(aliases(offline, '/secrets')).toEqual(['secrets']);
    const served = resourceEntries({
      ...discovery,
      resources: [...discovery.resources, api({ group: '', version: 'v1', resource: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false, shortNames: ['pv'] }), api({ group: 'argoproj.io', version: 'v1alpha1', resource: 'workflows', kind: 'Workflow', builtin: false, shortNames: ['wf'] })],
    });
    expect(aliases(served, '/persistentvolumes')).toEqual(['persistentvolumes', 'pv']);
    expect(aliases(served, 'argoproj.io/workflows')).toEqual(['workflows', 'wf']);
  });

  it('lists watchable custom resources by group and kind, in their preferred version', () => {
    const custom = resourceEntries(discovery).filter((e) => !e.builtin);
    expect(custom.map((e) => [e.section, e.label, e.ref.version])).toEqual([
      ['argoproj.io', 'AnalysisRun', 'v1alpha1'],
      ['argoproj.io', 'Rollout', 'v1alpha1'],
      ['kubeflow.org', 'PyTorchJob', 'v1'],
    ]);
    expect(custom[1]).toMatchObject({ key: 'argoproj.io/rollouts', one: 'rollout', many: 'rollouts' });
  });
});

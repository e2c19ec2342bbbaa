import { describe, expect, it } from 'vitest';
import type { KubeObject, PodObject } from '../model';
import { migSummary, shapeFor, toRow } from './rowShapes';

const at = '2026-01-10T08:00:00Z';

/** The cells of `obj` keyed by column id, for readable assertions. */
function cellsOf(group: string, resource: string, obj: KubeObject) {
  const shape = shapeFor({ group, resource });
  const row = toRow(obj, shape);
  return Object.fromEntries(shape.columns.map((c, i) => [c.id, row.cells[i]]));
}

function pod(status: PodObject['status'], spec: PodObject['spec'] = { containers: [{ name: 'app' }] }, metadata: PodObject['metadata'] = {}): PodObject {
  return { metadata: { name: 'p', namespace: 'ns', uid: 'u1', creationTimestamp: at, ...metadata }, spec, status };
}

describe('pod rows', () => {
  it('a training pod as the apiserver returns it', () => {
    const obj = {
      metadata: { name: 'llm-pretrain-0', namespace: 'ml-training', uid: '0b7c', resourceVersion: '9312', creationTimestamp: at, labels: { app: 'llm-pretrain' } },
      spec: { nodeName: 'gpu-h200-0', containers: [{ name: 'trainer', image: 'nvcr.io/nvidia/pytorch:24.05', resources: { limits: { 'nvidia.com/gpu': '8' }, requests: { 'nvidia.com/gpu': '8' } } }] },
      status: {
        phase: 'Running',
        podIP: '10.0.0.12',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'trainer', ready: true, restartCount: 2, started: true, state: { running: { startedAt: at } }, image: 'x', imageID: 'y' }],
      },
    };
    expect(toRow(obj, shapeFor({ group: '', resource: 'pods' }))).toEqual({
      uid: '0b7c',
      name: 'llm-pretrain-0',
      namespace: 'ml-training',
      cells: ['Running', '1/1', 2, 8, 'gpu-h200-0', 'Running', at],
    });
  });

  it('a running pod that is not ready does not read plain Running', () => {
    const cells = cellsOf('', 'pods', pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: false, state: { running: { startedAt: at } } }] }));
    expect(cells).toMatchObject({ status: 'Running (0/1 ready)', ready: '0/1' });
  });

  it('no GPUs is an empty cell, not 0', () => {
    expect(cellsOf('', 'pods', pod({ phase: 'Running' })).gpus).toBeNull();
  });
});

describe('node rows', () => {
  const h200 = {
    metadata: {
      name: 'gpu-h200-0',
      uid: 'n1',
      creationTimestamp: at,
      labels: { 'nvidia.com/gpu.product': 'NVIDIA-H200', 'node-role.kubernetes.io/gpu-worker': '', 'kubernetes.io/hostname': 'gpu-h200-0' },
    },
    spec: { taints: [{ key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' }, { key: 'nvidia.com/gpu', effect: 'NoSchedule' }] },
    status: {
      capacity: { cpu: '192', memory: '2Ti', 'nvidia.com/gpu': '8', pods: '110' },
      allocatable: { cpu: '191', memory: '2000Gi', 'nvidia.com/gpu': '7', pods: '110' },
      conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
      nodeInfo: { kubeletVersion: 'v1.34.4' },
    },
  };

  it('a GPU node: GPUs allocatable and capacity, product, roles, taints, version', () => {
    expect(cellsOf('', 'nodes', h200)).toEqual({
      status: 'Ready',
      roles: 'gpu-worker',
      gpuAllocatable: 7,
      gpuCapacity: 8,
      mig: null,
      gpuProduct: 'NVIDIA-H200',
      taints: 2,
      version: 'v1.34.4',
      age: at,
    });
  });

  it('a CPU node has empty GPU cells', () => {
    const cpu = { metadata: { name: 'cpu-0', uid: 'n2', creationTimestamp: at }, status: { capacity: { cpu: '32' }, allocatable: { cpu: '32' }, conditions: [{ type: 'Ready', status: 'True' }] } };
    const cells = cellsOf('', 'nodes', cpu);
    expect([cells.gpuAllocatable, cells.gpuCapacity, cells.gpuProduct, cells.roles, cells.taints]).toEqual([null, null, null, null, 0]);
  });

  it('MIG slices from nvidia.com/mig-* resources', () => {
    const mig = { 'nvidia.com/gpu': '0', 'nvidia.com/mig-1g.18gb': '7', 'nvidia.com/mig-3g.71gb': '2', 'nvidia.com/mig-2g.35gb': '0' };
    expect(migSummary(mig)).toBe('7× 1g.18gb, 2× 3g.71gb');
    expect(migSummary({ cpu: '8' })).toBeNull();
  });

});

describe('workload rows', () => {
  it('deployments: ready/desired, up-to-date, available', () => {
    const d = {
      metadata: { name: 'web-frontend', namespace: 'team-a', uid: 'd1', creationTimestamp: at },
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
      status: { replicas: 4, readyReplicas: 2, updatedReplicas: 1, availableReplicas: 2 },
    };
    expect(cellsOf('apps', 'deployments', d)).toEqual({ status: 'Progressing', ready: '2/3', upToDate: 1, available: 2, age: at });
  });

  it('a deployment short of available replicas, or whose rollout stalled, says so in its status', () => {
    const d = (status: object) => ({ metadata: { uid: 'd3' }, spec: { replicas: 3 }, status: { replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, ...status } });
    expect(cellsOf('apps', 'deployments', d({})).status).toBe('Available');
    expect(cellsOf('apps', 'deployments', d({ readyReplicas: 1, availableReplicas: 1 })).status).toBe('1/3 available');
    const stalled = d({ conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] });
    expect(cellsOf('apps', 'deployments', stalled).status).toBe('ProgressDeadlineExceeded');
  });

  it('a scaled-to-zero deployment with no status numbers', () => {
    expect(cellsOf('apps', 'deployments', { metadata: { uid: 'd2' }, spec: { replicas: 0 }, status: {} })).toMatchObject({ status: 'Scaled to 0', ready: '0/0', upToDate: 0, available: 0 });
  });

  it('statefulsets and daemonsets', () => {
    expect(cellsOf('apps', 'statefulsets', { metadata: { uid: 's' }, spec: { replicas: 3 }, status: { readyReplicas: 3, updatedReplicas: 3, availableReplicas: 3 } })).toMatchObject({ status: 'Available', ready: '3/3' });
    const ds = { metadata: { uid: 'ds' }, status: { desiredNumberScheduled: 7, numberReady: 6, updatedNumberScheduled: 7, numberAvailable: 6 } };
    expect(cellsOf('apps', 'daemonsets', ds)).toMatchObject({ status: '6/7 available', ready: '6/7', upToDate: 7, available: 6 });
  });

  it('replicasets: desired, current, ready', () => {
    const rs = { metadata: { uid: 'rs' }, spec: { replicas: 3 }, status: { replicas: 2, readyReplicas: 1 } };
    expect(cellsOf('apps', 'replicasets', rs)).toMatchObject({ status: 'Unavailable', desired: 3, current: 2, ready: 1 });
  });

  it('cronjobs: schedule, suspend, active, last schedule', () => {
    const cj = { metadata: { uid: 'c' }, spec: { schedule: '0 3 * * *', timeZone: 'Etc/UTC', suspend: true }, status: { active: [{ name: 'x' }], lastScheduleTime: at } };
    expect(cellsOf('batch', 'cronjobs', cj)).toMatchObject({ schedule: '0 3 * * * (Etc/UTC)', suspend: 'True', active: 1, lastSchedule: at });
  });
});

describe('network, config and storage rows', () => {
  it('services: type, cluster IP, external address, ports', () => {
    const lb = {
      metadata: { uid: 's' },
      spec: { type: 'LoadBalancer', clusterIP: '10.96.0.10', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] },
      status: { loadBalancer: { ingress: [{ hostname: 'a1b2.elb.amazonaws.com' }] } },
    };
    expect(cellsOf('', 'services', lb)).toMatchObject({ type: 'LoadBalancer', clusterIP: '10.96.0.10', externalIP: 'a1b2.elb.amazonaws.com', ports: '80:30080/TCP,53/UDP' });
    expect(cellsOf('', 'services', { metadata: { uid: 'h' }, spec: { type: 'ClusterIP', clusterIP: 'None' } })).toMatchObject({ externalIP: null, ports: null });
  });

  it('ingresses: class, hosts, address, ports', () => {
    const ing = {
      metadata: { uid: 'i' },
      spec: { ingressClassName: 'alb', rules: [{ host: 'api.example.com' }, {}], tls: [{ hosts: ['api.example.com'] }] },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } },
    };
    expect(cellsOf('networking.k8s.io', 'ingresses', ing)).toMatchObject({ class: 'alb', hosts: 'api.example.com,*', address: '203.0.113.7', ports: '80, 443' });
  });

  it('configmaps count data and binaryData keys', () => {
    expect(cellsOf('', 'configmaps', { metadata: { uid: 'c' }, data: { a: '1', b: '2' }, binaryData: { c: 'AAE=' } }).data).toBe(3);
  });

  it('secrets show type and key count, never a value', () => {
    const secret = { metadata: { uid: 's', name: 'db' }, type: 'kubernetes.io/basic-auth', data: { username: 'YWRtaW4=', password: 'aHVudGVyMg==' } };
    const row = toRow(secret, shapeFor({ group: '', resource: 'secrets' }));
    expect(row.cells).toEqual(['kubernetes.io/basic-auth', 2, null]);
    expect(JSON.stringify(row)).not.toMatch(/YWRtaW4|aHVudGVyMg|username|password/);
  });

  it('PVCs: status, volume, capacity, access modes, storage class', () => {
    const pvc = {
      metadata: { uid: 'p' },
      spec: { volumeName: 'pvc-1f2e', storageClassName: 'gp3', accessModes: ['ReadWriteOnce', 'ReadWriteOncePod'], resources: { requests: { storage: '100Gi' } } },
      status: { phase: 'Bound', capacity: { storage: '100Gi' } },
    };
    expect(cellsOf('', 'persistentvolumeclaims', pvc)).toMatchObject({ status: 'Bound', volume: 'pvc-1f2e', capacity: '100Gi', accessModes: 'RWO,RWOP', storageClass: 'gp3' });
  });

  it('namespaces show their phase', () => {
    expect(cellsOf('', 'namespaces', { metadata: { uid: 'n' }, status: { phase: 'Terminating' } }).status).toBe('Terminating');
  });
});

describe('event rows', () => {
  it('core/v1 events', () => {
    const e = {
      metadata: { name: 'web.17a', namespace: 'team-a', uid: 'e1', creationTimestamp: '2026-01-10T07:00:00Z' },
      type: 'Warning',
      reason: 'BackOff',
      involvedObject: { kind: 'Pod', name: 'web-7d9f' },
      message: 'Back-off restarting failed container',
      count: 12,
      firstTimestamp: '2026-01-10T07:00:00Z',
      lastTimestamp: '2026-01-10T07:30:00Z',
    };
    const shape = shapeFor({ group: '', resource: 'events' });
    expect(shape.columns.map((c) => c.title)).toEqual(['Last seen', 'Type', 'Reason', 'Object', 'Message', 'Count']);
    expect(cellsOf('', 'events', e)).toEqual({
      lastSeen: '2026-01-10T07:30:00Z',
      type: 'Warning',
      reason: 'BackOff',
      object: 'pod/web-7d9f',
      message: 'Back-off restarting failed container',
      count: 12,
    });
  });

  it('events.k8s.io/v1 events with a series, and long messages cut', () => {
    const e = {
      metadata: { uid: 'e2' },
      type: 'Normal',
      reason: 'Scheduled',
      regarding: { kind: 'Pod', name: 'x' },
      note: 'n'.repeat(800),
      series: { count: 3, lastObservedTime: '2026-01-10T07:31:00.000000Z' },
      eventTime: '2026-01-10T07:00:00.000000Z',
    };
    const cells = cellsOf('events.k8s.io', 'events', e);
    expect(cells).toMatchObject({ object: 'pod/x', count: 3, lastSeen: '2026-01-10T07:31:00.000000Z' });
    expect(String(cells.message)).toHaveLength(501);
  });
});

describe("kinds shown with kubectl's columns", () => {
  const titles = (group: string, resource: string) => shapeFor({ group, resource }).columns.map((c) => c.title);

  it('keep the names and order of `kubectl get` (Name is the row itself)', () => {
    expect(titles('autoscaling', 'horizontalpodautoscalers')).toEqual(['Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
    expect(titles('policy', 'poddisruptionbudgets')).toEqual(['Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']);
    expect(titles('', 'serviceaccounts')).toEqual(['Secrets', 'Age']);
    expect(titles('rbac.authorization.k8s.io', 'roles')).toEqual(['Created At']);
    expect(titles('rbac.authorization.k8s.io', 'clusterroles')).toEqual(['Created At']);
    expect(titles('rbac.authorization.k8s.io', 'rolebindings')).toEqual(['Role', 'Age']);
    expect(titles('rbac.authorization.k8s.io', 'clusterrolebindings')).toEqual(['Role', 'Age']);
    expect(titles('networking.k8s.io', 'networkpolicies')).toEqual(['Pod-Selector', 'Age']);
    expect(titles('', 'persistentvolumes')).toEqual(['Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age']);
    expect(titles('storage.k8s.io', 'storageclasses')).toEqual(['Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age']);
    expect(titles('scheduling.k8s.io', 'priorityclasses')).toEqual(['Value', 'Global-Default', 'Age', 'PreemptionPolicy']);
    expect(titles('discovery.k8s.io', 'endpointslices')).toEqual(['AddressType', 'Ports', 'Endpoints', 'Age']);
    expect(titles('', 'limitranges')).toEqual(['Created At']);
    expect(titles('', 'resourcequotas')).toEqual(['Request', 'Limit', 'Age']);
  });

  it('an HPA as the apiserver returns it with no metrics server: <unknown> current CPU, no replicas yet', () => {
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'team-a', uid: 'h1', creationTimestamp: at },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      },
      status: {
        desiredReplicas: 0,
        currentReplicas: 0,
        conditions: [{ type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale' }, { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric' }],
      },
    };
    expect(toRow(hpa, shapeFor({ group: 'autoscaling', resource: 'horizontalpodautoscalers' }))).toEqual({
      uid: 'h1',
      name: 'web',
      namespace: 'team-a',
      cells: ['Deployment/web', 'cpu: <unknown>/80%', 2, 10, 0, at],
    });
  });

  it('an HPA just created, before the controller wrote any status', () => {
    const hpa = { metadata: { uid: 'h2' }, spec: { scaleTargetRef: { kind: 'StatefulSet', name: 'db' }, maxReplicas: 3 } };
    expect(cellsOf('autoscaling', 'horizontalpodautoscalers', hpa)).toMatchObject({ reference: 'StatefulSet/db', targets: null, minPods: null, maxPods: 3, replicas: 0 });
  });

  it('PDBs: a count or a percentage, the other one empty (N/A), disruptions allowed', () => {
    const pdb = { metadata: { uid: 'p1' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } }, status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 } };
    expect(cellsOf('policy', 'poddisruptionbudgets', pdb)).toEqual({ minAvailable: '2', maxUnavailable: null, allowedDisruptions: 1, age: null });
    expect(cellsOf('policy', 'poddisruptionbudgets', { metadata: { uid: 'p2' }, spec: { maxUnavailable: '25%' } })).toMatchObject({ minAvailable: null, maxUnavailable: '25%', allowedDisruptions: 0 });
  });

  it('service accounts count their secrets; bindings name their role; roles and limit ranges show when they were created', () => {
    expect(cellsOf('', 'serviceaccounts', { metadata: { uid: 's1' } }).secrets).toBe(0);
    expect(cellsOf('', 'serviceaccounts', { metadata: { uid: 's2' }, secrets: [{ name: 'ci-token-x7k2p' }] }).secrets).toBe(1);
    const crb = {
      metadata: { uid: 'b1', name: 'ml-admins' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
      subjects: [{ kind: 'Group', name: 'ml-platform' }],
    };
    expect(cellsOf('rbac.authorization.k8s.io', 'clusterrolebindings', crb).role).toBe('ClusterRole/admin');
    expect(cellsOf('rbac.authorization.k8s.io', 'rolebindings', { ...crb, roleRef: { kind: 'Role', name: 'pod-reader' } }).role).toBe('Role/pod-reader');
    expect(cellsOf('rbac.authorization.k8s.io', 'roles', { metadata: { uid: 'r1', creationTimestamp: at }, rules: [] })).toEqual({ createdAt: at });
    expect(cellsOf('', 'limitranges', { metadata: { uid: 'l1', creationTimestamp: at }, spec: { limits: [] } })).toEqual({ createdAt: at });
  });

  it('network policies show their pod selector; an empty one (every pod) is empty', () => {
    const np = { metadata: { uid: 'n1' }, spec: { podSelector: { matchLabels: { app: 'trainer' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['gpu', 'cpu'] }] } } };
    expect(cellsOf('networking.k8s.io', 'networkpolicies', np).podSelector).toBe('app=trainer,tier in (cpu,gpu)');
    expect(cellsOf('networking.k8s.io', 'networkpolicies', { metadata: { uid: 'n2' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }).podSelector).toBeNull();
  });

  it('persistent volumes: capacity, modes, policy, status, claim, class', () => {
    const pv = {
      metadata: { uid: 'v1', name: 'pvc-1f2e' },
      spec: {
        capacity: { storage: '100Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Delete',
        claimRef: { kind: 'PersistentVolumeClaim', namespace: 'ml-training', name: 'checkpoints' },
        storageClassName: 'gp3',
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound' },
    };
    expect(cellsOf('', 'persistentvolumes', pv)).toEqual({
      capacity: '100Gi',
      accessModes: 'RWO',
      reclaimPolicy: 'Delete',
      status: 'Bound',
      claim: 'ml-training/checkpoints',
      storageClass: 'gp3',
      volumeAttributesClass: null,
      reason: null,
      age: null,
    });
    const failed = { metadata: { uid: 'v2' }, spec: { capacity: { storage: '1Ti' } }, status: { phase: 'Failed', reason: 'VolumeFailedRecycle' } };
    expect(cellsOf('', 'persistentvolumes', failed)).toMatchObject({ status: 'Failed', reason: 'VolumeFailedRecycle', claim: null, storageClass: null, accessModes: null });
  });

  it("storage classes fill in Kubernetes' defaults; priority classes their value and policy", () => {
    expect(cellsOf('storage.k8s.io', 'storageclasses', { metadata: { uid: 'c1' }, provisioner: 'ebs.csi.aws.com' })).toEqual({
      provisioner: 'ebs.csi.aws.com',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
      allowVolumeExpansion: 'false',
      age: null,
    });
    const gp3 = { metadata: { uid: 'c2' }, provisioner: 'ebs.csi.aws.com', reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true };
    expect(cellsOf('storage.k8s.io', 'storageclasses', gp3)).toMatchObject({ reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: 'true' });
    const pc = { metadata: { uid: 'pc', creationTimestamp: at }, value: 2000000000, preemptionPolicy: 'PreemptLowerPriority' };
    expect(toRow(pc, shapeFor({ group: 'scheduling.k8s.io', resource: 'priorityclasses' })).cells).toEqual([2000000000, 'false', at, 'PreemptLowerPriority']);
  });

  it('endpoint slices and resource quotas', () => {
    const slice = { metadata: { uid: 'e1' }, addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], endpoints: [{ addresses: ['10.0.0.12'] }] };
    expect(cellsOf('discovery.k8s.io', 'endpointslices', slice)).toEqual({ addressType: 'IPv4', ports: '8080', endpoints: '10.0.0.12', age: null });
    const quota = { metadata: { uid: 'q1' }, status: { hard: { 'requests.nvidia.com/gpu': '16', 'limits.cpu': '64' }, used: { 'requests.nvidia.com/gpu': '8' } } };
    expect(cellsOf('', 'resourcequotas', quota)).toEqual({ request: 'requests.nvidia.com/gpu: 8/16', limit: 'limits.cpu: 0/64', age: null });
  });
});

describe('generic and CRD rows', () => {
  it('any other resource: age only; cluster-scoped rows have no namespace', () => {
    const shape = shapeFor({ group: 'coordination.k8s.io', resource: 'leases' });
    expect(shape.columns.map((c) => c.id)).toEqual(['age']);
    expect(toRow({ metadata: { name: 'kube-scheduler', uid: 'r', creationTimestamp: at } }, shape)).toEqual({ uid: 'r', name: 'kube-scheduler', cells: [at] });
  });

  it('a CRD with printer columns', () => {
    const shape = shapeFor({ group: 'ml.pilothouse.dev', resource: 'trainingjobs' }, [
      { name: 'Model', type: 'string', jsonPath: '.spec.model' },
      { name: 'GPUs', type: 'integer', jsonPath: '.spec.gpus' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    ]);
    expect(shape.columns.map((c) => [c.title, c.kind])).toEqual([
      ['Model', 'text'],
      ['GPUs', 'number'],
      ['Phase', 'status'],
      ['Age', 'age'],
    ]);
    const tj = { metadata: { name: 'llama', namespace: 'ml-training', uid: 't', creationTimestamp: at }, spec: { model: 'llama-3-70b', gpus: 64 }, status: { phase: 'Running' } };
    expect(toRow(tj, shape).cells).toEqual(['llama-3-70b', 64, 'Running', at]);
  });

  it('objects without a uid still get a stable key', () => {
    expect(toRow({ metadata: { name: 'x', namespace: 'y' } }, shapeFor({ group: 'g', resource: 'r' })).uid).toBe('y/x');
  });
});

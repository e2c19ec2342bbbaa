/**
 * Table rows for each kind of object: the few fields a list view shows,
 * computed in the services so the UI never receives whole objects (and never
 * a Secret's data). A shape's `columns` describe the row's `cells`; the name
 * and namespace travel in the row itself. What the objects are, and what
 * kubectl computes from them, is the model's (./model); this is only the
 * trimming for tables.
 *
 * The kinds added with kubectl's columns keep its column names and order.
 * Where kubectl fills a whole cell with a placeholder ("<none>", "<unset>",
 * "N/A"), the cell is empty (null), as in every other table here.
 */
import type { Column, ResourceRef, Row } from '../../../../shared/contract';
import {
  accessModesText,
  bindingRole,
  countQuantity,
  endpointSliceAddresses,
  endpointSlicePorts,
  eventCount,
  eventLastSeen,
  eventObject,
  GPU_RESOURCE,
  hpaReference,
  hpaTargets,
  jobSummary,
  MIG_RESOURCE_PREFIX,
  nodeRoles,
  nodeStatus,
  podGpus,
  podStatus,
  podSummary,
  pvStatus,
  pvStorageClass,
  quotaUsage,
  type CronJobObject,
  type DataObject,
  type EndpointSliceObject,
  type EventObject,
  type HpaObject,
  type IngressObject,
  type JobObject,
  type KubeObject,
  type LoadBalancerIngress,
  type NetworkPolicyObject,
  type NodeObject,
  type PdbObject,
  type PodObject,
  type PriorityClassObject,
  type PvcObject,
  type PvObject,
  type ResourceQuotaObject,
  type RoleBindingObject,
  type ServiceAccountObject,
  type ServiceObject,
  type StorageClassObject,
  type WorkloadObject,
  workloadStatus,
} from '../model';
import { labelSelectorString } from '../objects/objectRelations';
import { printerColumnsShape, type PrinterColumn } from './printerColumns';

/** One table cell: text, a number, an ISO timestamp for `age` columns, or nothing. */
export type CellValue = string | number | null;

/** How objects of one resource become rows. */
export interface RowShape {
  columns: Column[];
  cells(obj: KubeObject): CellValue[];
}

/** The row for `obj`; its uid falls back to namespace/name for objects that lack one. */
export function toRow(obj: KubeObject, shape: RowShape): Row {
  const m = obj.metadata ?? {};
  const name = m.name ?? '';
  return { uid: m.uid ?? `${m.namespace ?? ''}/${name}`, name, ...(m.namespace ? { namespace: m.namespace } : {}), cells: shape.cells(obj) };
}

const col = (id: string, title: string, kind: Column['kind'] = 'text'): Column => ({ id, title, kind });
const AGE = col('age', 'Age', 'age');
const created = (o: KubeObject): CellValue => o.metadata?.creationTimestamp ?? null;
const count = (record: object | undefined): number => (record ? Object.keys(record).length : 0);
const orNull = (s: string | undefined): CellValue => (s ? s : null);

// ---------------------------------------------------------------- pods

/**
 * Phase beside Status: Status is kubectl's reason ("CrashLoopBackOff",
 * "Init:0/1"), which does not say whether the pod runs or has finished; the
 * cluster overview counts pods by phase, and only unfinished pods hold GPUs.
 */
const podShape: RowShape = {
  columns: [
    col('status', 'Status', 'status'),
    col('ready', 'Ready'),
    col('restarts', 'Restarts', 'number'),
    col('gpus', 'GPUs', 'number'),
    col('node', 'Node'),
    { ...col('phase', 'Phase'), optional: true },
    AGE,
  ],
  cells(obj) {
    const pod = obj as PodObject;
    const s = podSummary(pod);
    const gpus = podGpus(pod);
    return [podStatus(pod), s.ready, s.restarts, gpus || null, orNull(pod.spec?.nodeName), orNull(pod.status?.phase), created(obj)];
  },
};

// ---------------------------------------------------------------- nodes

/** MIG slices a node offers, e.g. "7× 1g.18gb, 1× 3g.71gb" (allocatable counts). */
export function migSummary(allocatable: Record<string, string> = {}): string | null {
  const parts = Object.entries(allocatable)
    .filter(([k, v]) => k.startsWith(MIG_RESOURCE_PREFIX) && countQuantity(v) > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${countQuantity(v)}× ${k.slice(MIG_RESOURCE_PREFIX.length)}`);
  return parts.length ? parts.join(', ') : null;
}

const nodeShape: RowShape = {
  columns: [
    col('status', 'Status', 'status'),
    col('roles', 'Roles'),
    col('gpuAllocatable', 'GPUs', 'number'),
    col('gpuCapacity', 'GPU capacity', 'number'),
    col('mig', 'MIG'),
    col('gpuProduct', 'GPU product'),
    col('taints', 'Taints', 'number'),
    col('version', 'Version'),
    AGE,
  ],
  cells(obj) {
    const node = obj as NodeObject;
    const st = node.status ?? {};
    const hasGpu = st.capacity?.[GPU_RESOURCE] !== undefined;
    return [
      nodeStatus(node),
      orNull(nodeRoles(node.metadata?.labels).join(',')),
      hasGpu ? countQuantity(st.allocatable?.[GPU_RESOURCE]) : null,
      hasGpu ? countQuantity(st.capacity?.[GPU_RESOURCE]) : null,
      migSummary(st.allocatable),
      orNull(node.metadata?.labels?.['nvidia.com/gpu.product']),
      node.spec?.taints?.length ?? 0,
      orNull(st.nodeInfo?.kubeletVersion),
      created(obj),
    ];
  },
};

// ---------------------------------------------------------------- workloads

const workloadColumns = [col('status', 'Status', 'status'), col('ready', 'Ready'), col('upToDate', 'Up-to-date', 'number'), col('available', 'Available', 'number'), AGE];

/** Deployments and StatefulSets: how they stand, ready/desired replicas. */
function replicasShape(kind: 'Deployment' | 'StatefulSet'): RowShape {
  return {
    columns: workloadColumns,
    cells(obj) {
      const w = obj as WorkloadObject;
      const st = w.status ?? {};
      return [workloadStatus(kind, w), `${st.readyReplicas ?? 0}/${w.spec?.replicas ?? 1}`, st.updatedReplicas ?? 0, st.availableReplicas ?? 0, created(obj)];
    },
  };
}

/** ReplicaSets, as kubectl shows them: desired, current and ready pods; and how they stand. */
const replicaSetShape: RowShape = {
  columns: [col('status', 'Status', 'status'), col('desired', 'Desired', 'number'), col('current', 'Current', 'number'), col('ready', 'Ready', 'number'), AGE],
  cells(obj) {
    const w = obj as WorkloadObject;
    const st = w.status ?? {};
    return [workloadStatus('ReplicaSet', w), w.spec?.replicas ?? 1, st.replicas ?? 0, st.readyReplicas ?? 0, created(obj)];
  },
};

const daemonSetShape: RowShape = {
  columns: workloadColumns,
  cells(obj) {
    const w = obj as WorkloadObject;
    const st = w.status ?? {};
    return [workloadStatus('DaemonSet', w), `${st.numberReady ?? 0}/${st.desiredNumberScheduled ?? 0}`, st.updatedNumberScheduled ?? 0, st.numberAvailable ?? 0, created(obj)];
  },
};

// ---------------------------------------------------------------- jobs

const jobShape: RowShape = {
  columns: [col('status', 'Status', 'status'), col('completions', 'Completions'), col('duration', 'Duration'), AGE],
  cells(obj) {
    const j = jobSummary(obj as JobObject);
    return [j.status, j.completions, j.duration, created(obj)];
  },
};

const cronJobShape: RowShape = {
  columns: [col('schedule', 'Schedule'), col('suspend', 'Suspend', 'status'), col('active', 'Active', 'number'), col('lastSchedule', 'Last schedule', 'age'), AGE],
  cells(obj) {
    const c = obj as CronJobObject;
    const schedule = c.spec?.schedule ? (c.spec.timeZone ? `${c.spec.schedule} (${c.spec.timeZone})` : c.spec.schedule) : null;
    return [schedule, c.spec?.suspend ? 'True' : 'False', c.status?.active?.length ?? 0, c.status?.lastScheduleTime ?? null, created(obj)];
  },
};

// ---------------------------------------------------------------- networking

const addresses = (ingress: LoadBalancerIngress = []) => ingress.map((i) => i.ip ?? i.hostname).filter((a): a is string => Boolean(a));

/** "80/TCP,443:30443/TCP" as kubectl prints a Service's ports. */
export function servicePorts(svc: ServiceObject): string | null {
  const ports = (svc.spec?.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`);
  return ports.length ? ports.join(',') : null;
}

const serviceShape: RowShape = {
  columns: [col('type', 'Type'), col('clusterIP', 'Cluster IP'), col('externalIP', 'External IP'), col('ports', 'Ports'), AGE],
  cells(obj) {
    const svc = obj as ServiceObject;
    const external = [...addresses(svc.status?.loadBalancer?.ingress), ...(svc.spec?.externalIPs ?? [])];
    if (svc.spec?.type === 'ExternalName' && svc.spec.externalName) external.push(svc.spec.externalName);
    return [orNull(svc.spec?.type), orNull(svc.spec?.clusterIP), orNull(external.join(',')), servicePorts(svc), created(obj)];
  },
};

const ingressShape: RowShape = {
  columns: [col('class', 'Class'), col('hosts', 'Hosts'), col('address', 'Address'), col('ports', 'Ports'), AGE],
  cells(obj) {
    const ing = obj as IngressObject;
    const cls = ing.spec?.ingressClassName ?? ing.metadata?.annotations?.['kubernetes.io/ingress.class'];
    const hosts = (ing.spec?.rules ?? []).map((r) => r.host || '*');
    return [orNull(cls), orNull(hosts.join(',')), orNull(addresses(ing.status?.loadBalancer?.ingress).join(',')), ing.spec?.tls?.length ? '80, 443' : '80', created(obj)];
  },
};

/** An empty pod selector, which selects every pod of the namespace, is kubectl's "<none>". */
const networkPolicyShape: RowShape = {
  columns: [col('podSelector', 'Pod-Selector'), AGE],
  cells: (obj) => [labelSelectorString((obj as NetworkPolicyObject).spec?.podSelector) ?? null, created(obj)],
};

const endpointSliceShape: RowShape = {
  columns: [col('addressType', 'AddressType'), col('ports', 'Ports'), col('endpoints', 'Endpoints'), AGE],
  cells(obj) {
    const slice = obj as EndpointSliceObject;
    return [orNull(slice.addressType), endpointSlicePorts(slice), endpointSliceAddresses(slice), created(obj)];
  },
};

// ---------------------------------------------------------------- config and storage

const configMapShape: RowShape = {
  columns: [col('data', 'Data', 'number'), AGE],
  cells: (obj) => [count((obj as DataObject).data) + count((obj as DataObject).binaryData), created(obj)],
};

/** Type and number of keys: a Secret's values never leave this function. */
const secretShape: RowShape = {
  columns: [col('type', 'Type'), col('data', 'Data', 'number'), AGE],
  cells: (obj) => [orNull((obj as DataObject).type), count((obj as DataObject).data), created(obj)],
};

const pvcShape: RowShape = {
  columns: [col('status', 'Status', 'status'), col('volume', 'Volume'), col('capacity', 'Capacity', 'quantity'), col('accessModes', 'Access modes'), col('storageClass', 'Storage class'), AGE],
  cells(obj) {
    const pvc = obj as PvcObject;
    return [orNull(pvc.status?.phase), orNull(pvc.spec?.volumeName), orNull(pvc.status?.capacity?.storage), accessModesText(pvc.spec?.accessModes), orNull(pvc.spec?.storageClassName), created(obj)];
  },
};

const pvShape: RowShape = {
  columns: [
    col('capacity', 'Capacity', 'quantity'),
    col('accessModes', 'Access Modes'),
    col('reclaimPolicy', 'Reclaim Policy'),
    col('status', 'Status', 'status'),
    col('claim', 'Claim'),
    col('storageClass', 'StorageClass'),
    col('volumeAttributesClass', 'VolumeAttributesClass'),
    col('reason', 'Reason'),
    AGE,
  ],
  cells(obj) {
    const pv = obj as PvObject;
    const claim = pv.spec?.claimRef;
    return [
      orNull(pv.spec?.capacity?.storage),
      accessModesText(pv.spec?.accessModes),
      orNull(pv.spec?.persistentVolumeReclaimPolicy),
      pvStatus(pv),
      claim ? `${claim.namespace ?? ''}/${claim.name ?? ''}` : null,
      pvStorageClass(pv),
      orNull(pv.spec?.volumeAttributesClassName),
      orNull(pv.status?.reason),
      created(obj),
    ];
  },
};

/** kubectl prints booleans as Go does. */
const bool = (b: boolean | undefined): string => (b ? 'true' : 'false');

const storageClassShape: RowShape = {
  columns: [col('provisioner', 'Provisioner'), col('reclaimPolicy', 'ReclaimPolicy'), col('volumeBindingMode', 'VolumeBindingMode'), col('allowVolumeExpansion', 'AllowVolumeExpansion'), AGE],
  cells(obj) {
    const sc = obj as StorageClassObject;
    return [orNull(sc.provisioner), sc.reclaimPolicy ?? 'Delete', sc.volumeBindingMode ?? 'Immediate', bool(sc.allowVolumeExpansion), created(obj)];
  },
};

// ---------------------------------------------------------------- autoscaling, policy and scheduling

const hpaShape: RowShape = {
  columns: [col('reference', 'Reference'), col('targets', 'Targets'), col('minPods', 'MinPods', 'number'), col('maxPods', 'MaxPods', 'number'), col('replicas', 'Replicas', 'number'), AGE],
  cells(obj) {
    const hpa = obj as HpaObject;
    return [hpaReference(hpa), hpaTargets(hpa), hpa.spec?.minReplicas ?? null, hpa.spec?.maxReplicas ?? null, hpa.status?.currentReplicas ?? 0, created(obj)];
  },
};

const intOrPercent = (v: number | string | undefined): CellValue => (v === undefined ? null : String(v));

const pdbShape: RowShape = {
  columns: [col('minAvailable', 'Min Available'), col('maxUnavailable', 'Max Unavailable'), col('allowedDisruptions', 'Allowed Disruptions', 'number'), AGE],
  cells(obj) {
    const pdb = obj as PdbObject;
    return [intOrPercent(pdb.spec?.minAvailable), intOrPercent(pdb.spec?.maxUnavailable), pdb.status?.disruptionsAllowed ?? 0, created(obj)];
  },
};

const resourceQuotaShape: RowShape = {
  columns: [col('request', 'Request'), col('limit', 'Limit'), AGE],
  cells(obj) {
    const usage = quotaUsage(obj as ResourceQuotaObject);
    return [usage.requests, usage.limits, created(obj)];
  },
};

/** PreemptionPolicy after Age, where kubectl puts it. */
const priorityClassShape: RowShape = {
  columns: [col('value', 'Value', 'number'), col('globalDefault', 'Global-Default'), AGE, col('preemptionPolicy', 'PreemptionPolicy')],
  cells(obj) {
    const pc = obj as PriorityClassObject;
    return [pc.value ?? 0, bool(pc.globalDefault), created(obj), orNull(pc.preemptionPolicy)];
  },
};

// ---------------------------------------------------------------- access control

/**
 * Kinds kubectl has no columns for (Roles, ClusterRoles, LimitRanges): the
 * server's default table, whose CREATED AT is the creation time as written.
 */
const createdAtShape: RowShape = { columns: [col('createdAt', 'Created At')], cells: (obj) => [created(obj)] };

const serviceAccountShape: RowShape = {
  columns: [col('secrets', 'Secrets', 'number'), AGE],
  cells: (obj) => [(obj as ServiceAccountObject).secrets?.length ?? 0, created(obj)],
};

const bindingShape: RowShape = {
  columns: [col('role', 'Role'), AGE],
  cells: (obj) => [bindingRole(obj as RoleBindingObject), created(obj)],
};

// ---------------------------------------------------------------- events and namespaces

/** Event messages can be long (scheduler explanations); the table needs the start. */
const MESSAGE_MAX = 500;

/** kubectl's `get events` columns, with COUNT from `-o wide`. */
const eventShape: RowShape = {
  columns: [col('lastSeen', 'Last seen', 'age'), col('type', 'Type', 'status'), col('reason', 'Reason'), col('object', 'Object'), col('message', 'Message', 'message'), col('count', 'Count', 'number')],
  cells(obj) {
    const e = obj as EventObject;
    const message = (e.message ?? e.note ?? '').trim();
    return [
      eventLastSeen(e) ?? null,
      orNull(e.type),
      orNull(e.reason),
      eventObject(e) ?? null,
      orNull(message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX)}…` : message),
      eventCount(e),
    ];
  },
};

const namespaceShape: RowShape = {
  columns: [col('status', 'Status', 'status'), AGE],
  cells: (obj) => [orNull((obj as { status?: { phase?: string } }).status?.phase), created(obj)],
};

const genericShape: RowShape = { columns: [AGE], cells: (obj) => [created(obj)] };

const SHAPES: Record<string, RowShape> = {
  '/pods': podShape,
  '/nodes': nodeShape,
  '/namespaces': namespaceShape,
  '/services': serviceShape,
  '/configmaps': configMapShape,
  '/secrets': secretShape,
  '/persistentvolumeclaims': pvcShape,
  '/events': eventShape,
  'events.k8s.io/events': eventShape,
  'apps/deployments': replicasShape('Deployment'),
  'apps/statefulsets': replicasShape('StatefulSet'),
  'apps/replicasets': replicaSetShape,
  'apps/daemonsets': daemonSetShape,
  'batch/jobs': jobShape,
  'batch/cronjobs': cronJobShape,
  'networking.k8s.io/ingresses': ingressShape,
  'networking.k8s.io/networkpolicies': networkPolicyShape,
  'discovery.k8s.io/endpointslices': endpointSliceShape,
  '/persistentvolumes': pvShape,
  'storage.k8s.io/storageclasses': storageClassShape,
  'autoscaling/horizontalpodautoscalers': hpaShape,
  'policy/poddisruptionbudgets': pdbShape,
  '/resourcequotas': resourceQuotaShape,
  '/limitranges': createdAtShape,
  'scheduling.k8s.io/priorityclasses': priorityClassShape,
  '/serviceaccounts': serviceAccountShape,
  'rbac.authorization.k8s.io/roles': createdAtShape,
  'rbac.authorization.k8s.io/clusterroles': createdAtShape,
  'rbac.authorization.k8s.io/rolebindings': bindingShape,
  'rbac.authorization.k8s.io/clusterrolebindings': bindingShape,
};

/**
 * The shape for a resource: a built-in one for the kinds above, otherwise
 * name/namespace/age plus the CRD's printer columns when given.
 */
export function shapeFor(ref: Pick<ResourceRef, 'group' | 'resource'>, printerColumns: PrinterColumn[] = []): RowShape {
  const known = SHAPES[`${ref.group}/${ref.resource}`];
  if (known) return known;
  if (!printerColumns.length) return genericShape;
  const extra = printerColumnsShape(printerColumns);
  return { columns: [...extra.columns, AGE], cells: (obj) => [...extra.cells(obj), created(obj)] };
}

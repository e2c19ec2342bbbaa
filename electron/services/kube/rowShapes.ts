/**
 * Table rows for each kind of object: the few fields a list view shows,
 * computed in the services so the UI never receives whole objects (and never
 * a Secret's data). A shape's `columns` describe the row's `cells`; the name
 * and namespace travel in the row itself.
 */
import type { Column, ResourceRef, Row } from '../../../shared/contract';
import { printerColumnsShape, type PrinterColumn } from './printerColumns';

/** One table cell: text, a number, an ISO timestamp for `age` columns, or nothing. */
export type CellValue = string | number | null;

/** The metadata every object has; kind-specific parts are read through narrower types below. */
export interface KubeObject {
  [field: string]: unknown;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
}

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

/** `nvidia.com/gpu` is the device plugin's resource; MIG slices are `nvidia.com/mig-<profile>`. */
const GPU = 'nvidia.com/gpu';
const MIG_PREFIX = 'nvidia.com/mig-';

/** Integer value of a count-like quantity ("8", "1k"); GPUs and MIG slices are plain integers in practice. */
export function countQuantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === 'number') return q;
  const m = /^(\d+)(k|M|G)?$/.exec(q.trim());
  if (!m) return 0;
  return Number(m[1]) * (m[2] === 'k' ? 1e3 : m[2] === 'M' ? 1e6 : m[2] === 'G' ? 1e9 : 1);
}

// ---------------------------------------------------------------- pods

/** A container's state, as a pod's status reports it. */
export interface ContainerState {
  waiting?: { reason?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; exitCode?: number; signal?: number };
}
/** One entry of a pod's container statuses. */
export interface ContainerStatus {
  name: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}
type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };
interface PodContainer {
  name: string;
  restartPolicy?: string;
  resources?: Resources;
}
/** The parts of a Pod the table reads. */
export interface PodObject extends KubeObject {
  spec?: { nodeName?: string; containers?: PodContainer[]; initContainers?: PodContainer[] };
  status?: {
    phase?: string;
    reason?: string;
    conditions?: { type: string; status: string; reason?: string }[];
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}

/** Extended resources may set only limits (requests then default to them), so either counts. */
function gpusOf(c: PodContainer): number {
  return countQuantity(c.resources?.requests?.[GPU] ?? c.resources?.limits?.[GPU]);
}

/**
 * GPUs a pod holds: the sum over its containers, or more if an init
 * container alone asks for more (the scheduler reserves the larger).
 */
export function podGpus(pod: PodObject): number {
  const main = (pod.spec?.containers ?? []).reduce((n, c) => n + gpusOf(c), 0);
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').reduce((n, c) => n + gpusOf(c), 0);
  const init = Math.max(0, ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy !== 'Always').map(gpusOf));
  return Math.max(main + sidecars, init);
}

function terminatedReason(t: NonNullable<ContainerState['terminated']>, prefix = ''): string {
  if (t.reason) return prefix + t.reason;
  return t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode ?? 0}`;
}

/** STATUS, READY and RESTARTS as `kubectl get pods` computes them. */
export function podSummary(pod: PodObject): { status: string; ready: string; restarts: number } {
  const status = pod.status ?? {};
  const conditions = status.conditions ?? [];
  const initSpecs = new Map((pod.spec?.initContainers ?? []).map((c) => [c.name, c]));
  const isSidecar = (name: string) => initSpecs.get(name)?.restartPolicy === 'Always';
  let reason = status.reason || status.phase || 'Unknown';
  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';
  const total = (pod.spec?.containers ?? []).length + [...initSpecs.values()].filter((c) => c.restartPolicy === 'Always').length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;

  let initializing = false;
  const inits = status.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i];
    restarts += c.restartCount ?? 0;
    if (isSidecar(c.name)) sidecarRestarts += c.restartCount ?? 0;
    const s = c.state ?? {};
    if (s.terminated && (s.terminated.exitCode ?? 0) === 0) continue;
    if (isSidecar(c.name) && c.started) {
      if (c.ready) ready++;
      continue;
    }
    if (s.terminated) reason = terminatedReason(s.terminated, 'Init:');
    else if (s.waiting?.reason && s.waiting.reason !== 'PodInitializing') reason = `Init:${s.waiting.reason}`;
    else reason = `Init:${i}/${initSpecs.size}`;
    initializing = true;
    break;
  }

  const initialized = conditions.some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    // Last to first, as kubectl does: the first container's reason wins.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      const s = c.state ?? {};
      restarts += c.restartCount ?? 0;
      if (s.waiting?.reason) reason = s.waiting.reason;
      else if (s.terminated) reason = terminatedReason(s.terminated);
      else if (c.ready && s.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata?.deletionTimestamp) {
    if (status.reason === 'NodeLost') reason = 'Unknown';
    else if (status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';
  }
  return { status: reason, ready: `${ready}/${total}`, restarts };
}

const podShape: RowShape = {
  columns: [col('status', 'Status', 'status'), col('ready', 'Ready'), col('restarts', 'Restarts', 'number'), col('gpus', 'GPUs', 'number'), col('node', 'Node'), AGE],
  cells(obj) {
    const pod = obj as PodObject;
    const s = podSummary(pod);
    const gpus = podGpus(pod);
    return [s.status, s.ready, s.restarts, gpus || null, orNull(pod.spec?.nodeName), created(obj)];
  },
};

// ---------------------------------------------------------------- nodes

/** The parts of a Node the table reads. */
export interface NodeObject extends KubeObject {
  spec?: { unschedulable?: boolean; taints?: unknown[] };
  status?: {
    conditions?: { type: string; status: string }[];
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
    nodeInfo?: { kubeletVersion?: string };
  };
}

/** STATUS as kubectl shows it: Ready / NotReady / Unknown, plus SchedulingDisabled when cordoned. */
export function nodeStatus(node: NodeObject): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` labels and the older `kubernetes.io/role`. */
export function nodeRoles(labels: Record<string, string> = {}): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length) || v);
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].filter(Boolean).sort();
}

/** MIG slices a node offers, e.g. "7× 1g.18gb, 1× 3g.71gb" (allocatable counts). */
export function migSummary(allocatable: Record<string, string> = {}): string | null {
  const parts = Object.entries(allocatable)
    .filter(([k, v]) => k.startsWith(MIG_PREFIX) && countQuantity(v) > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${countQuantity(v)}× ${k.slice(MIG_PREFIX.length)}`);
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
    const hasGpu = st.capacity?.[GPU] !== undefined;
    return [
      nodeStatus(node),
      orNull(nodeRoles(node.metadata?.labels).join(',')),
      hasGpu ? countQuantity(st.allocatable?.[GPU]) : null,
      hasGpu ? countQuantity(st.capacity?.[GPU]) : null,
      migSummary(st.allocatable),
      orNull(node.metadata?.labels?.['nvidia.com/gpu.product']),
      node.spec?.taints?.length ?? 0,
      orNull(st.nodeInfo?.kubeletVersion),
      created(obj),
    ];
  },
};

// ---------------------------------------------------------------- workloads

interface WorkloadObject extends KubeObject {
  spec?: { replicas?: number };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    desiredNumberScheduled?: number;
    numberReady?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
  };
}

const workloadColumns = [col('ready', 'Ready'), col('upToDate', 'Up-to-date', 'number'), col('available', 'Available', 'number'), AGE];

/** Deployments and StatefulSets: ready/desired replicas. */
const replicasShape: RowShape = {
  columns: workloadColumns,
  cells(obj) {
    const w = obj as WorkloadObject;
    const st = w.status ?? {};
    return [`${st.readyReplicas ?? 0}/${w.spec?.replicas ?? 1}`, st.updatedReplicas ?? 0, st.availableReplicas ?? 0, created(obj)];
  },
};

/** ReplicaSets, as kubectl shows them: desired, current and ready pods. */
const replicaSetShape: RowShape = {
  columns: [col('desired', 'Desired', 'number'), col('current', 'Current', 'number'), col('ready', 'Ready', 'number'), AGE],
  cells(obj) {
    const w = obj as WorkloadObject;
    const st = w.status ?? {};
    return [w.spec?.replicas ?? 1, st.replicas ?? 0, st.readyReplicas ?? 0, created(obj)];
  },
};

const daemonSetShape: RowShape = {
  columns: workloadColumns,
  cells(obj) {
    const st = (obj as WorkloadObject).status ?? {};
    return [`${st.numberReady ?? 0}/${st.desiredNumberScheduled ?? 0}`, st.updatedNumberScheduled ?? 0, st.numberAvailable ?? 0, created(obj)];
  },
};

// ---------------------------------------------------------------- jobs

/** The parts of a Job the table reads. */
export interface JobObject extends KubeObject {
  spec?: { completions?: number; parallelism?: number; suspend?: boolean };
  status?: {
    succeeded?: number;
    startTime?: string;
    completionTime?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
  };
}

/** A span as kubectl prints ages and durations: "45s", "2m15s", "3h4m", "2d5h". */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const d = Math.floor(h / 24);
  if (s < 120) return `${s}s`;
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (h < 3) return `${m}m`;
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  if (h < 48) return `${h}h`;
  if (d < 8) return `${d}d${h % 24 ? `${h % 24}h` : ''}`;
  return `${d}d`;
}

/** Status (as kubectl ≥ 1.28 prints it), completions and, once finished, the duration. */
export function jobSummary(job: JobObject): { status: string; completions: string; duration: string | null } {
  const st = job.status ?? {};
  const isTrue = (type: string) => st.conditions?.find((c) => c.type === type && c.status === 'True');
  const failed = isTrue('Failed');
  let status = 'Running';
  if (job.metadata?.deletionTimestamp) status = 'Terminating';
  else if (isTrue('Complete')) status = 'Complete';
  else if (failed) status = 'Failed';
  else if (isTrue('FailureTarget')) status = 'FailureTarget';
  else if (isTrue('SuccessCriteriaMet')) status = 'SuccessCriteriaMet';
  else if (job.spec?.suspend) status = 'Suspended';
  const succeeded = st.succeeded ?? 0;
  const parallelism = job.spec?.parallelism ?? 1;
  const completions =
    job.spec?.completions !== undefined ? `${succeeded}/${job.spec.completions}` : parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
  // A running job's duration grows every second; rather than resend rows, it stays empty until the job ends (Age shows how long it has existed).
  const end = st.completionTime ?? failed?.lastTransitionTime;
  const duration = st.startTime && end ? humanDuration(Date.parse(end) - Date.parse(st.startTime)) : null;
  return { status, completions, duration };
}

const jobShape: RowShape = {
  columns: [col('status', 'Status', 'status'), col('completions', 'Completions'), col('duration', 'Duration'), AGE],
  cells(obj) {
    const j = jobSummary(obj as JobObject);
    return [j.status, j.completions, j.duration, created(obj)];
  },
};

interface CronJobObject extends KubeObject {
  spec?: { schedule?: string; timeZone?: string; suspend?: boolean };
  status?: { active?: unknown[]; lastScheduleTime?: string };
}

const cronJobShape: RowShape = {
  columns: [col('schedule', 'Schedule'), col('suspend', 'Suspend', 'status'), col('active', 'Active', 'number'), col('lastSchedule', 'Last schedule', 'age'), AGE],
  cells(obj) {
    const c = obj as CronJobObject;
    const schedule = c.spec?.schedule ? (c.spec.timeZone ? `${c.spec.schedule} (${c.spec.timeZone})` : c.spec.schedule) : null;
    return [schedule, c.spec?.suspend ? 'True' : 'False', c.status?.active?.length ?? 0, c.status?.lastScheduleTime ?? null, created(obj)];
  },
};

// ---------------------------------------------------------------- networking

type LoadBalancerIngress = { ip?: string; hostname?: string }[];
interface ServiceObject extends KubeObject {
  spec?: { type?: string; clusterIP?: string; externalIPs?: string[]; externalName?: string; ports?: { port: number; nodePort?: number; protocol?: string }[] };
  status?: { loadBalancer?: { ingress?: LoadBalancerIngress } };
}

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

interface IngressObject extends KubeObject {
  spec?: { ingressClassName?: string; rules?: { host?: string }[]; tls?: unknown[] };
  status?: { loadBalancer?: { ingress?: LoadBalancerIngress } };
}

const ingressShape: RowShape = {
  columns: [col('class', 'Class'), col('hosts', 'Hosts'), col('address', 'Address'), col('ports', 'Ports'), AGE],
  cells(obj) {
    const ing = obj as IngressObject;
    const cls = ing.spec?.ingressClassName ?? ing.metadata?.annotations?.['kubernetes.io/ingress.class'];
    const hosts = (ing.spec?.rules ?? []).map((r) => r.host || '*');
    return [orNull(cls), orNull(hosts.join(',')), orNull(addresses(ing.status?.loadBalancer?.ingress).join(',')), ing.spec?.tls?.length ? '80, 443' : '80', created(obj)];
  },
};

// ---------------------------------------------------------------- config and storage

interface DataObject extends KubeObject {
  type?: string;
  data?: Record<string, unknown>;
  binaryData?: Record<string, unknown>;
}

const configMapShape: RowShape = {
  columns: [col('data', 'Data', 'number'), AGE],
  cells: (obj) => [count((obj as DataObject).data) + count((obj as DataObject).binaryData), created(obj)],
};

/** Type and number of keys: a Secret's values never leave this function. */
const secretShape: RowShape = {
  columns: [col('type', 'Type'), col('data', 'Data', 'number'), AGE],
  cells: (obj) => [orNull((obj as DataObject).type), count((obj as DataObject).data), created(obj)],
};

interface PvcObject extends KubeObject {
  spec?: { volumeName?: string; storageClassName?: string; accessModes?: string[]; resources?: Resources };
  status?: { phase?: string; capacity?: Record<string, string> };
}

const ACCESS_MODES: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };

const pvcShape: RowShape = {
  columns: [col('status', 'Status', 'status'), col('volume', 'Volume'), col('capacity', 'Capacity', 'quantity'), col('accessModes', 'Access modes'), col('storageClass', 'Storage class'), AGE],
  cells(obj) {
    const pvc = obj as PvcObject;
    const modes = (pvc.spec?.accessModes ?? []).map((m) => ACCESS_MODES[m] ?? m).join(',');
    return [orNull(pvc.status?.phase), orNull(pvc.spec?.volumeName), orNull(pvc.status?.capacity?.storage), orNull(modes), orNull(pvc.spec?.storageClassName), created(obj)];
  },
};

// ---------------------------------------------------------------- events and namespaces

/** core/v1 and events.k8s.io/v1 Events: the same object under two sets of field names. */
interface EventObject extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  note?: string;
  count?: number;
  deprecatedCount?: number;
  involvedObject?: { kind?: string; name?: string };
  regarding?: { kind?: string; name?: string };
  series?: { count?: number; lastObservedTime?: string };
  lastTimestamp?: string;
  deprecatedLastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
}

/** Event messages can be long (scheduler explanations); the table needs the start. */
const MESSAGE_MAX = 500;

const eventShape: RowShape = {
  columns: [col('type', 'Type', 'status'), col('reason', 'Reason'), col('object', 'Object'), col('message', 'Message'), col('count', 'Count', 'number'), col('lastSeen', 'Last seen', 'age')],
  cells(obj) {
    const e = obj as EventObject;
    const about = e.involvedObject ?? e.regarding;
    const message = e.message ?? e.note ?? '';
    const lastSeen = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.deprecatedLastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
    return [
      orNull(e.type),
      orNull(e.reason),
      about ? `${about.kind ?? ''}/${about.name ?? ''}` : null,
      orNull(message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX)}…` : message),
      e.series?.count ?? e.count ?? e.deprecatedCount ?? 1,
      lastSeen ?? null,
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
  'apps/deployments': replicasShape,
  'apps/statefulsets': replicasShape,
  'apps/replicasets': replicaSetShape,
  'apps/daemonsets': daemonSetShape,
  'batch/jobs': jobShape,
  'batch/cronjobs': cronJobShape,
  'networking.k8s.io/ingresses': ingressShape,
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

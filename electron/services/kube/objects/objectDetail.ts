/**
 * One object as the detail view shows it, computed from the object the
 * server returned: YAML without managedFields, a Secret's values replaced by
 * placeholders (they cross only through `kube.revealSecret`), and the parts
 * the view reads directly (containers, replicas, cordon state).
 */
import { stringify } from 'yaml';
import type { ContainerInfo, NodeFacts, ObjectDetail, OwnerLink, ResourceRef } from '../../../../shared/contract';
import { GPU_RESOURCE, MIG_RESOURCE_PREFIX, type ContainerState, type ContainerStatus, type KubeObject, type ObjectMeta } from '../model';

/** kubectl apply keeps the whole applied object here, a Secret's values in clear included. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** OpenShift keeps a service-account token Secret's token here, in clear. */
export const OPENSHIFT_TOKEN = 'openshift.io/token-secret.value';
/** Annotations of a Secret hidden whatever they hold: they are known to repeat its values. */
const ALWAYS_MASKED = [LAST_APPLIED, OPENSHIFT_TOKEN];
const ANNOTATION_MASK = "<hidden: holds the Secret's values>";
/** Shorter values are not looked for in annotations: "on" or "1" would hide most of them. */
const SHORTEST_LOOKED_FOR = 4;

export const isSecretResource = (ref: Pick<ResourceRef, 'group' | 'resource'>): boolean => ref.group === '' && ref.resource === 'secrets';

/** The object as the detail view reads it: managedFields are dropped from its YAML. */
export interface DetailObject extends KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta & { managedFields?: unknown };
  spec?: unknown;
  status?: unknown;
}

/** Bytes of a Secret value: `data` is base64, `stringData` (write-only, rarely returned) is text. */
function secretBytes(value: unknown, encoded: boolean): number {
  if (typeof value !== 'string') return 0;
  return encoded ? Buffer.from(value, 'base64').length : Buffer.byteLength(value, 'utf8');
}

/** The bytes as text when they are valid UTF-8; undefined for binary (keystores, DER certificates). */
export function utf8Text(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

const placeholder = (bytes: number) => `<hidden: ${bytes} byte${bytes === 1 ? '' : 's'}>`;

/** A Secret's keys and sizes, never its values. */
export function secretKeysOf(secret: DetailObject): { key: string; bytes: number }[] {
  const keys = new Map<string, number>();
  for (const [key, value] of Object.entries((secret.stringData as Record<string, unknown> | undefined) ?? {})) keys.set(key, secretBytes(value, false));
  for (const [key, value] of Object.entries((secret.data as Record<string, unknown> | undefined) ?? {})) keys.set(key, secretBytes(value, true));
  return [...keys].map(([key, bytes]) => ({ key, bytes })).sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * Every form in which a Secret's values could be written into an annotation:
 * as text, base64 and JSON-escaped text (inside a JSON annotation), for each
 * value at least {@link SHORTEST_LOOKED_FOR} bytes long.
 */
function secretValueForms(secret: DetailObject): Set<string> {
  const forms = new Set<string>();
  const addForms = (bytes: Buffer) => {
    if (bytes.length < SHORTEST_LOOKED_FOR) return;
    const text = utf8Text(bytes);
    const candidates = text === undefined ? [bytes.toString('base64')] : [text, JSON.stringify(text).slice(1, -1), bytes.toString('base64')];
    for (const form of candidates) if (form.length >= SHORTEST_LOOKED_FOR) forms.add(form);
  };
  for (const value of Object.values((secret.data as Record<string, unknown> | undefined) ?? {})) if (typeof value === 'string') addForms(Buffer.from(value, 'base64'));
  for (const value of Object.values((secret.stringData as Record<string, unknown> | undefined) ?? {})) if (typeof value === 'string') addForms(Buffer.from(value, 'utf8'));
  return forms;
}

/** A Secret's annotations with those known to repeat its values, and any that contains one, hidden. */
function maskAnnotations(secret: DetailObject, annotations: Record<string, string>): Record<string, string> {
  const forms = [...secretValueForms(secret)];
  return Object.fromEntries(
    Object.entries(annotations).map(([key, value]) => [key, ALWAYS_MASKED.includes(key) || forms.some((f) => value.includes(f)) ? ANNOTATION_MASK : value]),
  );
}

/** A copy of a Secret with every value, and every annotation that repeats one, replaced by placeholders. */
export function maskSecret(secret: DetailObject): DetailObject {
  const masked: DetailObject = { ...secret };
  for (const field of ['data', 'stringData'] as const) {
    const values = secret[field] as Record<string, unknown> | undefined;
    if (values) masked[field] = Object.fromEntries(Object.keys(values).map((k) => [k, placeholder(secretBytes(values[k], field === 'data'))]));
  }
  const annotations = secret.metadata?.annotations;
  if (annotations) masked.metadata = { ...secret.metadata, annotations: maskAnnotations(secret, annotations) };
  return masked;
}

/** The object as YAML, without managedFields (server bookkeeping nobody reads). */
export function detailYaml(obj: DetailObject): string {
  const { managedFields: _managedFields, ...metadata } = obj.metadata ?? {};
  return stringify({ ...obj, metadata }, { lineWidth: 0 });
}

// ---------------------------------------------------------------- containers

interface ContainerSpec {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
}
interface PodParts {
  spec?: { nodeName?: string; initContainers?: ContainerSpec[]; containers?: ContainerSpec[]; ephemeralContainers?: ContainerSpec[] };
  status?: { initContainerStatuses?: ContainerStatus[]; containerStatuses?: ContainerStatus[]; ephemeralContainerStatuses?: ContainerStatus[] };
}

/** A container's state as kubectl describe words it: "running", "waiting: CrashLoopBackOff", "terminated: Error (exit 1)". */
export function containerStateText(state: ContainerState | undefined): string {
  if (state?.running) return 'running';
  const t = state?.terminated;
  if (t) {
    const how = [t.exitCode !== undefined ? `exit ${t.exitCode}` : '', t.signal ? `signal ${t.signal}` : ''].filter(Boolean).join(', ');
    return `terminated${t.reason ? `: ${t.reason}` : ''}${how ? ` (${how})` : ''}`;
  }
  // A container without a status yet (the pod is not scheduled) is waiting too.
  return state?.waiting?.reason ? `waiting: ${state.waiting.reason}` : 'waiting';
}

/** Every container of a pod, init containers first, each with its status. */
export function containersOf(pod: DetailObject): ContainerInfo[] {
  const { spec = {}, status = {} } = pod as PodParts;
  const groups: [ContainerInfo['kind'], ContainerSpec[] | undefined, ContainerStatus[] | undefined][] = [
    ['init', spec.initContainers, status.initContainerStatuses],
    ['main', spec.containers, status.containerStatuses],
    ['ephemeral', spec.ephemeralContainers, status.ephemeralContainerStatuses],
  ];
  return groups.flatMap(([kind, specs = [], statuses = []]) =>
    specs.map((c) => {
      const s = statuses.find((st) => st.name === c.name);
      return {
        name: c.name,
        kind,
        image: c.image ?? '',
        ready: s?.ready ?? false,
        restartCount: s?.restartCount ?? 0,
        state: containerStateText(s?.state),
        hasPrevious: Boolean(s?.lastState?.terminated),
        ports: (c.ports ?? []).map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' })),
      };
    }),
  );
}

// ---------------------------------------------------------------- nodes

interface NodeParts {
  spec?: { taints?: { key?: string; value?: string; effect?: string }[] };
  status?: {
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
    conditions?: { type?: string; status?: string; reason?: string; message?: string; lastTransitionTime?: string }[];
  };
}

/** What people look for first on a GPU node; the rest follow by name. */
const RESOURCE_ORDER = ['cpu', 'memory', 'pods', 'ephemeral-storage', GPU_RESOURCE];
const resourceRank = (name: string) => {
  const i = RESOURCE_ORDER.indexOf(name);
  if (i >= 0) return i;
  return name.startsWith(MIG_RESOURCE_PREFIX) ? RESOURCE_ORDER.length : RESOURCE_ORDER.length + 1;
};

/** The pods on a node, as counted by the caller, or why they could not be. */
export type PodsOnNode = { assigned: number; unfinished: number } | { problem: string };

/** A Node's resources (capacity beside allocatable), conditions and taints; `pods` is counted by the caller. */
export function nodeFactsOf(node: DetailObject, pods?: PodsOnNode): NodeFacts {
  const { spec, status } = node as NodeParts;
  const capacity = status?.capacity ?? {};
  const allocatable = status?.allocatable ?? {};
  const names = [...new Set([...Object.keys(capacity), ...Object.keys(allocatable)])];
  names.sort((a, b) => resourceRank(a) - resourceRank(b) || a.localeCompare(b));
  return {
    resources: names.map((name) => ({
      name,
      ...(capacity[name] !== undefined ? { capacity: capacity[name] } : {}),
      ...(allocatable[name] !== undefined ? { allocatable: allocatable[name] } : {}),
    })),
    conditions: (status?.conditions ?? []).map((c) => ({
      type: c.type ?? '',
      status: c.status ?? 'Unknown',
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
      ...(c.lastTransitionTime ? { since: c.lastTransitionTime } : {}),
    })),
    taints: (spec?.taints ?? []).map((t) => ({ key: t.key ?? '', ...(t.value ? { value: t.value } : {}), effect: t.effect ?? '' })),
    ...(pods && 'problem' in pods ? { podsProblem: pods.problem } : pods ? { pods } : {}),
  };
}

// ---------------------------------------------------------------- the detail

/**
 * The detail of `obj` (of resource `ref`), with the owner chain already
 * resolved. Secrets are masked here, so no caller can forget to.
 */
export function toDetail(obj: DetailObject, ref: Pick<ResourceRef, 'group' | 'resource'>, owners: OwnerLink[], podsOnNode?: PodsOnNode): ObjectDetail {
  const secret = isSecretResource(ref);
  const shown = secret ? maskSecret(obj) : obj;
  const m = shown.metadata ?? {};
  const spec = (obj.spec ?? {}) as { replicas?: unknown; unschedulable?: boolean; nodeName?: string };
  const detail: ObjectDetail = {
    uid: m.uid ?? '',
    kind: obj.kind ?? '',
    apiVersion: obj.apiVersion ?? '',
    name: m.name ?? '',
    ...(m.namespace ? { namespace: m.namespace } : {}),
    resourceVersion: m.resourceVersion ?? '',
    ...(m.creationTimestamp ? { creationTimestamp: m.creationTimestamp } : {}),
    labels: m.labels ?? {},
    annotations: m.annotations ?? {},
    yaml: detailYaml(shown),
    owners,
  };
  if (typeof spec.replicas === 'number') detail.replicas = spec.replicas;
  if (ref.group === '' && ref.resource === 'pods') {
    detail.containers = containersOf(obj);
    if (spec.nodeName) detail.nodeName = spec.nodeName;
  }
  if (ref.group === '' && ref.resource === 'nodes') {
    detail.unschedulable = spec.unschedulable === true;
    detail.node = nodeFactsOf(obj, podsOnNode);
  }
  if (secret) detail.secretKeys = secretKeysOf(obj);
  return detail;
}

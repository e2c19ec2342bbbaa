/** Pods and their containers: the parts the services read, and what kubectl computes from them. */
import type { KubeObject } from './kubeObject';
import { countQuantity, GPU_RESOURCE } from './quantities';

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

/** Requests and limits by resource name. */
export interface ContainerResources {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

/** A container of a pod's spec; an init container with `restartPolicy: Always` is a native sidecar. */
export interface PodContainer {
  name: string;
  restartPolicy?: string;
  resources?: ContainerResources;
}

/** A pod's volume, as far as it is read: the claims it mounts, and emptyDir data a drain would lose. */
export interface PodVolume {
  name: string;
  persistentVolumeClaim?: { claimName?: string };
  /** A generic ephemeral volume: a claim named `<pod>-<volume>`. */
  ephemeral?: unknown;
  emptyDir?: object;
}

/** A Pod. */
export interface PodObject extends KubeObject {
  spec?: {
    nodeName?: string;
    containers?: PodContainer[];
    initContainers?: PodContainer[];
    readinessGates?: { conditionType: string }[];
    volumes?: PodVolume[];
  };
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
  return countQuantity(c.resources?.requests?.[GPU_RESOURCE] ?? c.resources?.limits?.[GPU_RESOURCE]);
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
  const s = podState(pod);
  return { status: s.status, ready: `${s.ready}/${s.total}`, restarts: s.restarts };
}

/**
 * STATUS as Pilothouse shows it: kubectl's, except that a Running pod that is
 * not ready says so, "Running (0/1 ready)" or "Running (readiness gates 0/1)",
 * where kubectl leaves that to other columns and the pod looks healthy.
 */
export function podStatus(pod: PodObject): string {
  const s = podState(pod);
  if (s.status !== 'Running') return s.status;
  if (s.ready < s.total) return `Running (${s.ready}/${s.total} ready)`;
  // Gates set by controllers outside the kubelet, e.g. the AWS load balancer controller's target health.
  const gates = pod.spec?.readinessGates ?? [];
  const conditions = pod.status?.conditions ?? [];
  const passed = gates.filter((g) => conditions.some((c) => c.type === g.conditionType && c.status === 'True')).length;
  if (passed < gates.length) return `Running (readiness gates ${passed}/${gates.length})`;
  // A pod on a node that stopped reporting: the node controller sets Ready False, while the container
  // statuses, written by the kubelet that is gone, still say ready.
  const ready = conditions.find((c) => c.type === 'Ready');
  return ready && ready.status !== 'True' ? 'Running (not ready)' : 'Running';
}

/** kubectl's printPod: the status reason, ready and total containers, restarts. */
function podState(pod: PodObject): { status: string; ready: number; total: number; restarts: number } {
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
  return { status: reason, ready, total, restarts };
}

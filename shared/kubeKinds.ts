/**
 * Which kinds of Kubernetes object take which actions, decided once: the UI
 * offers Scale and Restart from these rules, and the services check and ask
 * the server by the same ones.
 */

/** A resource type by group and plural name (the group is empty for the core API). */
export interface KindRef {
  group: string;
  resource: string;
}

/** Built-in resources with a `scale` subresource; for a custom resource, its API group's discovery says. */
const BUILTIN_SCALABLE = new Set(['apps/deployments', 'apps/statefulsets', 'apps/replicasets', '/replicationcontrollers']);
/** Controllers that replace their pods when the pod template changes: what `kubectl rollout restart`, `history` and `undo` work on. */
const RESTARTABLE = new Set(['apps/deployments', 'apps/statefulsets', 'apps/daemonsets']);

const keyOf = (ref: KindRef) => `${ref.group}/${ref.resource}`;

/** True for the built-in resources that scale (Deployments, StatefulSets, ReplicaSets, ReplicationControllers). */
export function isBuiltinScalable(ref: KindRef): boolean {
  return BUILTIN_SCALABLE.has(keyOf(ref));
}

/** True for what a rollout restart works on: Deployments, StatefulSets and DaemonSets. */
export function isRestartable(ref: KindRef): boolean {
  return RESTARTABLE.has(keyOf(ref));
}

/** True for what keeps revisions of its pod template and rolls back to them: Deployments, StatefulSets and DaemonSets. */
export function rollsBack(ref: KindRef): boolean {
  return RESTARTABLE.has(keyOf(ref));
}

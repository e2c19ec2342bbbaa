import type { ConnectionSummary, ObjectAction, ObjectRef, ParamsIn, Row } from '../../../../../shared/contract';
import { isBuiltinScalable, isRestartable, rollsBack } from '../../../../../shared/kubeKinds';
import { productionLabelNow } from '../../connections/productionMarks';
import type { ResourceEntry } from '../resourceCatalog';

/** The actions the detail pane offers (logs and reveal live in the pane's own tabs); `exec` is Shell, a terminal in one of a pod's containers. */
export type PaneAction = Extract<ObjectAction, 'delete' | 'scale' | 'restart' | 'rollback' | 'cordon' | 'drain' | 'portForward' | 'exec'>;

/** What the object's actions need to know about it. */
export interface ActionTarget {
  connection: ConnectionSummary;
  entry: ResourceEntry;
  row: Row;
  ref: ObjectRef;
}

export type ForwardKind = NonNullable<ParamsIn<'portForwards.start'>['kind']>;

const FORWARD_KINDS: Record<string, ForwardKind> = {
  '/pods': 'pod',
  '/services': 'service',
  'apps/deployments': 'deployment',
  'apps/statefulsets': 'statefulset',
  'apps/replicasets': 'replicaset',
};
/** Workloads whose deletion can keep or remove what they own, and what that is. */
const DEPENDENTS: Record<string, string> = {
  'apps/deployments': 'replica sets and pods',
  'apps/statefulsets': 'pods',
  'apps/daemonsets': 'pods',
  'apps/replicasets': 'pods',
  'batch/jobs': 'pods',
  'batch/cronjobs': 'jobs and their pods',
};

export const POD_KEY = '/pods';
export const NODE_KEY = '/nodes';
export const NAMESPACE_KEY = '/namespaces';

/**
 * The actions that may apply to a kind, in button order. Delete is asked for
 * every kind, Scale for every custom resource: the permissions answer leaves
 * out what does not apply (no delete verb, no scale subresource).
 */
export function candidateActions(entry: ResourceEntry): PaneAction[] {
  return [
    entry.key in FORWARD_KINDS && 'portForward',
    entry.key === POD_KEY && 'exec',
    (isBuiltinScalable(entry.ref) || !entry.builtin) && 'scale',
    isRestartable(entry.ref) && 'restart',
    rollsBack(entry.ref) && 'rollback',
    entry.key === NODE_KEY && 'cordon',
    entry.key === NODE_KEY && 'drain',
    'delete',
  ].filter((a): a is PaneAction => Boolean(a));
}

/** Only the permissions answer tells whether a custom resource scales: until it comes, its Scale is not shown. */
export const appliesOnlyIfAnswered = (entry: ResourceEntry, action: PaneAction): boolean => action === 'scale' && !entry.builtin;

/** The port-forward target kind of a resource, if it can be forwarded to. */
export const forwardKind = (entry: ResourceEntry): ForwardKind | undefined => FORWARD_KINDS[entry.key];

/** What a workload owns ("replica sets and pods"), for the propagation choice; undefined for other kinds. */
export const dependentsOf = (entry: ResourceEntry): string | undefined => DEPENDENTS[entry.key];

/** Actions that destroy what cannot be got back: shown as dangerous, and guarded on production connections. */
const DESTRUCTIVE: ReadonlySet<PaneAction> = new Set(['delete', 'drain']);

/** Whether an action destroys what cannot be got back. */
export const isDestructive = (action: PaneAction): boolean => DESTRUCTIVE.has(action);

/**
 * Whether the action waits for the object's name to be typed, as GitHub's
 * repository deletion does: a destructive action on a production connection
 * (#16), and deleting a cluster-scoped object (a node, a namespace…) anywhere.
 */
export function needsTypedName(action: PaneAction, { connection, row }: Pick<ActionTarget, 'connection' | 'row'>): boolean {
  if (!isDestructive(action)) return false;
  return productionLabelNow(connection.labels) !== undefined || (action === 'delete' && row.namespace === undefined);
}

/** The object as the contract addresses it. */
export function objectRef(connectionId: string, entry: ResourceEntry, row: Row): ObjectRef {
  return { connectionId, resource: entry.ref, ...(row.namespace ? { namespace: row.namespace } : {}), name: row.name };
}

/**
 * The precondition that the object is still the one the row showed, for a
 * call on it: a namesake created since (a StatefulSet's pod) is left alone.
 * None when the row's uid was made up from its name (the object had none).
 */
export const sameObject = (row: Row): { ifUid?: string } => (row.uid.includes('/') ? {} : { ifUid: row.uid });

/** The button's text. */
export function actionLabel(action: PaneAction, unschedulable: boolean | undefined): string {
  switch (action) {
    case 'delete':
      return 'Delete';
    case 'scale':
      return 'Scale';
    case 'restart':
      return 'Restart';
    case 'rollback':
      return 'Roll back…';
    case 'cordon':
      return unschedulable ? 'Uncordon' : 'Cordon';
    case 'drain':
      return 'Drain';
    case 'portForward':
      return 'Port-forward';
    case 'exec':
      return 'Shell';
  }
}

/** k9s-like keys: `binding` names the key as a KeyScope does, `aria` is the aria-keyshortcuts value, `hint` what the button shows. */
export const SHORTCUTS: Record<PaneAction, { binding: string; aria: string; hint: string }> = {
  delete: { binding: 'Control+d', aria: 'Control+D', hint: 'Ctrl+D' },
  scale: { binding: 's', aria: 'S', hint: 's' },
  restart: { binding: 'r', aria: 'R', hint: 'r' },
  // u for undo, as in editors: `kubectl rollout undo`.
  rollback: { binding: 'u', aria: 'U', hint: 'u' },
  cordon: { binding: 'c', aria: 'C', hint: 'c' },
  // k9s drains with r on nodes, where there is no restart.
  drain: { binding: 'r', aria: 'R', hint: 'r' },
  portForward: { binding: 'f', aria: 'F', hint: 'f' },
  // k9s opens a container's shell with s, taken here by Scale; x as in `kubectl exec`.
  exec: { binding: 'x', aria: 'X', hint: 'x' },
};

/** What the chosen rows of a table can be given at once: each object still gets its own call and audit entry. */
export type BulkAction = 'delete' | 'restart' | 'cordon' | 'uncordon';

/** A kind's bulk actions, in button order: its single-object actions that need no input per object, with Cordon split in two. */
export function bulkActions(entry: ResourceEntry): BulkAction[] {
  return candidateActions(entry).flatMap((a): BulkAction[] => (a === 'cordon' ? ['cordon', 'uncordon'] : a === 'restart' || a === 'delete' ? [a] : []));
}

/** The single-object action whose permission a bulk action needs. */
export const permissionOf = (action: BulkAction): PaneAction => (action === 'uncordon' ? 'cordon' : action);

/** How a bulk action is named: the button, the progress ("Deleting 2 of 3…") and the outcome ("3 deleted"). */
export const BULK_WORDS: Record<BulkAction, { label: string; busy: string; done: string }> = {
  delete: { label: 'Delete', busy: 'Deleting', done: 'deleted' },
  restart: { label: 'Restart', busy: 'Restarting', done: 'restarted' },
  cordon: { label: 'Cordon', busy: 'Cordoning', done: 'cordoned' },
  uncordon: { label: 'Uncordon', busy: 'Uncordoning', done: 'uncordoned' },
};

/** Whether a node's Status cell says it is cordoned: "Ready,SchedulingDisabled", as kubectl shows it. */
export const cordonedStatus = (status: unknown): boolean => typeof status === 'string' && status.split(',').includes('SchedulingDisabled');

/** "prod-eu, namespace shop" or "prod-eu (cluster-wide)": where an action happens, for toasts. */
export function whereText({ connection, row }: Pick<ActionTarget, 'connection' | 'row'>): string {
  return row.namespace ? `${connection.name}, namespace ${row.namespace}` : `${connection.name} (cluster-wide)`;
}

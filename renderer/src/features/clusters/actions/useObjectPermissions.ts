import type { ObjectRef, Permission } from '../../../../../shared/contract';
import { describeError, type ErrorView } from '../../../shell/errorActions';
import { useQuery } from '../../../ui/useQuery';
import type { ResourceEntry } from '../resourceCatalog';
import { actionLabel, appliesOnlyIfAnswered, type PaneAction } from './actionCatalog';

/** Where the permission check of one object stands. */
export type PermissionCheck =
  | { status: 'checking' }
  /** Only the actions that apply to the resource are present. */
  | { status: 'ready'; permissions: Partial<Record<PaneAction, Permission>> }
  /** The check itself failed: the actions stay usable and the cluster decides. */
  | { status: 'failed'; error: ErrorView };

const CHECKING: PermissionCheck = { status: 'checking' };

/**
 * Asks `kube.permissions` once per object (SelfSubjectAccessReview on the
 * services side), and again on `recheck`, e.g. after the cluster refused an action.
 */
export function useObjectPermissions(ref: ObjectRef, actions: readonly PaneAction[]) {
  const query = useQuery('kube.permissions', { ...ref, actions: [...actions] });
  const check: PermissionCheck = query.loading
    ? CHECKING
    : query.error !== undefined
      ? { status: 'failed', error: describeError(query.error) }
      : query.value
        ? { status: 'ready', permissions: query.value }
        : CHECKING;
  return { check, recheck: query.refetch };
}

/** One action's state: shown or not, usable or not and why. */
export interface ActionState {
  action: PaneAction;
  enabled: boolean;
  /** Why it cannot be used now; shown next to the buttons and as the button's description. */
  reason?: string;
}

export const CHECKING_TEXT = 'Checking permissions…';

/**
 * The object's actions as the detail pane's buttons and a row's context menu
 * show them. `unschedulable` tells Cordon from Uncordon on a node (undefined
 * while that is not known); `shellProblem` says why a pod cannot take a
 * shell now (not running), undefined when it can.
 */
export function actionStates(
  entry: ResourceEntry,
  candidates: readonly PaneAction[],
  check: PermissionCheck,
  unschedulable: boolean | undefined,
  shellProblem?: string,
): ActionState[] {
  const expected = candidates.filter((a) => !appliesOnlyIfAnswered(entry, a));
  if (check.status === 'checking') return expected.map((action) => ({ action, enabled: false, reason: CHECKING_TEXT }));
  const states: ActionState[] = [];
  for (const action of check.status === 'ready' ? candidates : expected) {
    const permission = check.status === 'ready' ? check.permissions[action] : { allowed: true };
    // Absent from the answer: the action does not apply to this resource.
    if (!permission) continue;
    if (!permission.allowed) states.push({ action, enabled: false, reason: permission.reason ?? `You may not ${action === 'exec' ? 'open a shell in' : actionLabel(action, unschedulable).toLowerCase()} this ${entry.one}.` });
    else if (action === 'cordon' && unschedulable === undefined) states.push({ action, enabled: false, reason: 'Loading the node…' });
    else if (action === 'exec' && shellProblem !== undefined) states.push({ action, enabled: false, reason: shellProblem });
    // A drain cordons the node before it evicts anything: without that right it would stop at once.
    else if (action === 'drain' && check.status === 'ready' && check.permissions.cordon?.allowed === false)
      states.push({ action, enabled: false, reason: `A drain cordons the node first, and ${check.permissions.cordon.reason ?? 'you may not cordon it'}.` });
    else states.push({ action, enabled: true });
  }
  return states;
}

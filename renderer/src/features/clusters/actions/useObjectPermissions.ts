import type { ObjectRef, Permission } from '../../../../../shared/contract';
import { describeError, type ErrorView } from '../../../shell/errorActions';
import { useQuery } from '../../../ui/useQuery';
import type { PaneAction } from './actionCatalog';

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

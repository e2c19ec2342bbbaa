import { useCallback, useEffect, useState } from 'react';
import type { ObjectRef, Permission } from '../../../../../shared/contract';
import { call } from '../../../api/client';
import { describeError, type ErrorView } from '../../../shell/errorActions';
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
  // The request as a string: a new object (or action list) means a new question, a re-render does not.
  const request = JSON.stringify({ ...ref, actions });
  const [round, setRound] = useState(0);
  const [answer, setAnswer] = useState<{ request: string; round: number; check: PermissionCheck }>();

  useEffect(() => {
    let current = true;
    call('kube.permissions', JSON.parse(request))
      .then(
        (permissions): PermissionCheck => ({ status: 'ready', permissions }),
        (err: unknown): PermissionCheck => ({ status: 'failed', error: describeError(err) }),
      )
      .then((check) => {
        if (current) setAnswer({ request, round, check });
      });
    return () => {
      current = false;
    };
  }, [request, round]);

  const recheck = useCallback(() => setRound((r) => r + 1), []);
  const check = answer?.request === request && answer.round === round ? answer.check : CHECKING;
  return { check, recheck };
}

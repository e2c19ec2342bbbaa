import { useEffect, useMemo, useRef, useState } from 'react';
import type { Permission, Row } from '../../../../../shared/contract';
import { forEachBounded } from '../../../api/bounded';
import { call } from '../../../api/client';
import { describeError } from '../../../shell/errorActions';
import type { ResourceEntry } from '../resourceCatalog';
import { BULK_WORDS, bulkActions, permissionOf, type BulkAction, type PaneAction } from './actionCatalog';
import type { PermissionCheck } from './useObjectPermissions';

/** Namespaces asked about at once. */
const CONCURRENCY = 4;

type Answer = Partial<Record<PaneAction, Permission>>;

/** Every namespace's answer folded into one: an action applies if it applies in each, and is allowed if allowed in each. */
function fold(answers: readonly Answer[], actions: readonly PaneAction[]): Answer {
  const folded: Answer = {};
  for (const action of actions) {
    const each = answers.map((a) => a[action]);
    if (each.some((p) => p === undefined)) continue;
    folded[action] = each.find((p) => !p!.allowed) ?? { allowed: true };
  }
  return folded;
}

/**
 * Which bulk actions the user may take on the chosen rows: `kube.permissions`
 * once per namespace among them, without a name, which asks whether the user
 * may act on any object of the kind there — what a bulk action needs. Each
 * namespace is asked once until `recheck`.
 */
export function useBulkPermissions(connectionId: string, entry: ResourceEntry, rows: readonly Row[]): { check: PermissionCheck; recheck(): void } {
  const actions = useMemo(() => [...new Set(bulkActions(entry).map(permissionOf))], [entry]);
  const namespaces = useMemo(() => [...new Set(rows.map((r) => r.namespace ?? ''))].sort(), [rows]);
  const key = JSON.stringify(namespaces);
  const [generation, setGeneration] = useState(0);
  const cache = useRef(new Map<string, Answer>());
  const [check, setCheck] = useState<PermissionCheck>({ status: 'checking' });

  useEffect(() => {
    if (!namespaces.length) return;
    let current = true;
    const missing = namespaces.filter((ns) => !cache.current.has(ns));
    if (missing.length) setCheck({ status: 'checking' });
    const ask = async (namespace: string) => {
      const answer = await call('kube.permissions', { connectionId, resource: entry.ref, ...(namespace ? { namespace } : {}), actions });
      cache.current.set(namespace, answer);
    };
    forEachBounded(missing, CONCURRENCY, ask, () => !current).then(
      () => current && setCheck({ status: 'ready', permissions: fold(namespaces.map((ns) => cache.current.get(ns)!), actions) }),
      (err: unknown) => current && setCheck({ status: 'failed', error: describeError(err) }),
    );
    return () => {
      current = false;
    };
    // `key` stands for `namespaces`, a new array on every change of the rows.
  }, [connectionId, entry, actions, key, generation]);

  const recheck = () => {
    cache.current.clear();
    setGeneration((g) => g + 1);
  };
  return { check, recheck };
}

/** A bulk action the selection bar and the context menu offer, and the chosen rows it acts on. */
export interface BulkActionState {
  action: BulkAction;
  targets: readonly Row[];
  /** False while permissions are being checked. */
  enabled: boolean;
}

/**
 * The bulk actions to offer on the chosen rows: those of the kind the user
 * may take (all of them when the check failed: the cluster decides), each
 * with the rows it changes — Cordon the schedulable nodes, Uncordon the
 * cordoned ones.
 */
export function bulkActionStates(entry: ResourceEntry, rows: readonly Row[], check: PermissionCheck, cordoned: (row: Row) => boolean): BulkActionState[] {
  return bulkActions(entry).flatMap((action): BulkActionState[] => {
    const permission = check.status === 'ready' ? check.permissions[permissionOf(action)] : { allowed: true };
    if (!permission?.allowed) return [];
    const targets = action === 'cordon' ? rows.filter((r) => !cordoned(r)) : action === 'uncordon' ? rows.filter(cordoned) : rows;
    return targets.length ? [{ action, targets, enabled: check.status !== 'checking' }] : [];
  });
}

/** Why a bulk action of the kind is not among the chosen rows' {@link bulkActionStates}, for its key pressed anyway. */
export function whyNotOffered(entry: ResourceEntry, action: BulkAction, check: PermissionCheck): string {
  const { label, done } = BULK_WORDS[action];
  const permission = check.status === 'ready' ? check.permissions[permissionOf(action)] : { allowed: true };
  if (!permission) return `${label}: ${entry.many} cannot be ${done}.`;
  if (!permission.allowed) return `${label}: ${permission.reason ?? `not allowed in every namespace of the chosen ${entry.many}`}`;
  // Allowed, so no chosen row it would change.
  return action === 'uncordon' ? 'Uncordon: none of the chosen nodes is cordoned.' : `${label}: every chosen node is cordoned already.`;
}

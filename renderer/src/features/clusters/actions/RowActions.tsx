import { useMemo } from 'react';
import type { ConnectionSummary, Row } from '../../../../../shared/contract';
import { plural } from '../../../shell/format';
import { ContextMenu, type MenuEntry } from '../../../ui/ContextMenu';
import { useQuery } from '../../../ui/useQuery';
import type { MenuPoint } from '../../../ui/VirtualGrid';
import type { ResourceEntry } from '../resourceCatalog';
import { actionLabel, BULK_WORDS, candidateActions, isDestructive, objectRef, SHORTCUTS, type PaneAction } from './actionCatalog';
import { BulkActionDialog } from './BulkActionDialog';
import { ObjectActionDialog } from './ObjectActionDialog';
import type { BulkActionState } from './useBulkPermissions';
import { actionStates, CHECKING_TEXT, useObjectPermissions, type PermissionCheck } from './useObjectPermissions';

interface RowActionMenuProps {
  connection: ConnectionSummary;
  entry: ResourceEntry;
  row: Row;
  /** Whether the row is a cordoned node, read from its Status. */
  unschedulable: boolean | undefined;
  /** Why a pod row cannot take a shell (read from its Status), undefined when it can. */
  shellProblem?: string;
  at: MenuPoint;
  onPick(action: PaneAction): void;
  onClose(): void;
}

/** A row's context menu: the detail pane's actions on that object, checked the same way. */
export function RowActionMenu({ connection, entry, row, unschedulable, shellProblem, at, onPick, onClose }: RowActionMenuProps) {
  const ref = useMemo(() => objectRef(connection.id, entry, row), [connection.id, entry, row]);
  const candidates = useMemo(() => candidateActions(entry), [entry]);
  const { check } = useObjectPermissions(ref, candidates);
  const entries = actionStates(entry, candidates, check, unschedulable, shellProblem).map(
    ({ action, enabled, reason }): MenuEntry => ({
      id: action,
      label: actionLabel(action, unschedulable),
      disabled: !enabled,
      ...(reason ? { reason } : {}),
      danger: isDestructive(action),
      hint: SHORTCUTS[action].hint,
    }),
  );
  return (
    <ContextMenu
      label={`Actions on ${entry.one} ${row.name}`}
      at={at}
      entries={entries}
      empty={check.status === 'checking' ? CHECKING_TEXT : 'No actions.'}
      onPick={(id) => onPick(id as PaneAction)}
      onClose={onClose}
    />
  );
}

interface ChosenRowsMenuProps {
  entry: ResourceEntry;
  count: number;
  states: readonly BulkActionState[];
  check: PermissionCheck;
  at: MenuPoint;
  onPick(state: BulkActionState): void;
  onClose(): void;
}

/** The context menu of a row among several chosen ones: the bulk actions on all of them. */
export function ChosenRowsMenu({ entry, count, states, check, at, onPick, onClose }: ChosenRowsMenuProps) {
  return (
    <ContextMenu
      label={`Actions on ${plural(count, entry.one, entry.many)}`}
      at={at}
      entries={states.map((state) => ({
        id: state.action,
        label: `${BULK_WORDS[state.action].label} ${plural(state.targets.length, entry.one, entry.many)}`,
        disabled: !state.enabled,
        danger: state.action === 'delete',
      }))}
      empty={check.status === 'checking' ? CHECKING_TEXT : 'No actions.'}
      onPick={(id) => {
        const state = states.find((s) => s.action === id);
        if (state) onPick(state);
      }}
      onClose={onClose}
    />
  );
}

/** The dialog an action opened: on the chosen rows (as they were then), or on one row from its context menu. */
export type PendingAction = { bulk: BulkActionState } | { action: PaneAction; row: Row };

interface PendingActionDialogProps {
  connection: ConnectionSummary;
  entry: ResourceEntry;
  pending: PendingAction;
  /** Whether a node row is cordoned, from its Status. */
  cordoned(row: Row): boolean;
  onClose(): void;
  /** The cluster refused a bulk action: the chosen rows' permissions are checked again. */
  onForbidden(): void;
}

/** Scale, Port-forward and Shell need the object's detail (replicas, ports, containers): it is read while the dialog is open. */
const NEEDS_DETAIL: ReadonlySet<PaneAction> = new Set(['scale', 'portForward', 'exec']);

/** The dialog of an action from the selection bar or a context menu; one row's is the same one the detail pane opens. */
export function PendingActionDialog({ connection, entry, pending, cordoned, onClose, onForbidden }: PendingActionDialogProps) {
  if ('bulk' in pending) {
    const { action, targets } = pending.bulk;
    return <BulkActionDialog connection={connection} entry={entry} action={action} rows={targets} onClose={onClose} onForbidden={onForbidden} />;
  }
  return <RowActionDialog connection={connection} entry={entry} row={pending.row} action={pending.action} unschedulable={cordoned(pending.row)} onClose={onClose} />;
}

function RowActionDialog({ connection, entry, row, action, unschedulable, onClose }: { connection: ConnectionSummary; entry: ResourceEntry; row: Row; action: PaneAction; unschedulable: boolean; onClose(): void }) {
  const ref = useMemo(() => objectRef(connection.id, entry, row), [connection.id, entry, row]);
  const detail = useQuery('kube.get', NEEDS_DETAIL.has(action) ? ref : null);
  return (
    <ObjectActionDialog
      action={action}
      target={{ connection, entry, row, ref }}
      detail={detail.value}
      unschedulable={unschedulable}
      onClose={onClose}
      // Nothing to check again: the menu asks for the permissions afresh each time it opens.
      onForbidden={() => undefined}
    />
  );
}

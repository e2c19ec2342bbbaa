import { useMemo } from 'react';
import type { ConnectionSummary, Row } from '../../../../../shared/contract';
import { ContextMenu, type MenuEntry } from '../../../ui/ContextMenu';
import { useQuery } from '../../../ui/useQuery';
import type { MenuPoint } from '../../../ui/VirtualGrid';
import type { ResourceEntry } from '../resourceCatalog';
import { actionLabel, candidateActions, isDestructive, objectRef, SHORTCUTS, type PaneAction } from './actionCatalog';
import { ObjectActionDialog } from './ObjectActionDialog';
import { actionStates, CHECKING_TEXT, useObjectPermissions } from './useObjectPermissions';

interface RowActionMenuProps {
  connection: ConnectionSummary;
  entry: ResourceEntry;
  row: Row;
  /** Whether the row is a cordoned node, read from its Status. */
  unschedulable: boolean | undefined;
  at: MenuPoint;
  onPick(action: PaneAction): void;
  onClose(): void;
}

/** A row's context menu: the detail pane's actions on that object, checked the same way. */
export function RowActionMenu({ connection, entry, row, unschedulable, at, onPick, onClose }: RowActionMenuProps) {
  const ref = useMemo(() => objectRef(connection.id, entry, row), [connection.id, entry, row]);
  const candidates = useMemo(() => candidateActions(entry), [entry]);
  const { check } = useObjectPermissions(ref, candidates);
  const entries = actionStates(entry, candidates, check, unschedulable).map(
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

interface RowActionDialogProps {
  connection: ConnectionSummary;
  entry: ResourceEntry;
  row: Row;
  action: PaneAction;
  unschedulable: boolean | undefined;
  onClose(): void;
}

/** Scale and Port-forward need the object's detail (replicas, ports): it is read while the dialog is open. */
const NEEDS_DETAIL: ReadonlySet<PaneAction> = new Set(['scale', 'portForward']);

/** The dialog of an action taken from a row's context menu, the same one the detail pane opens. */
export function RowActionDialog({ connection, entry, row, action, unschedulable, onClose }: RowActionDialogProps) {
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

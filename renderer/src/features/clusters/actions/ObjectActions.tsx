import { useId, useMemo, useRef, useState } from 'react';
import type { ConnectionSummary, ObjectDetail, Row } from '../../../../../shared/contract';
import { useScopeKeys } from '../../../shell/keyScope';
import { useFocusLater } from '../../../shell/useFocusLater';
import type { ResourceEntry } from '../resourceCatalog';
import { podShellProblem } from '../../terminal/containerChoice';
import { actionLabel, candidateActions, isDestructive, objectRef, POD_KEY, SHORTCUTS, type PaneAction } from './actionCatalog';
import { ObjectActionDialog } from './ObjectActionDialog';
import { actionStates, CHECKING_TEXT, useObjectPermissions } from './useObjectPermissions';
import './actions.css';

export interface ObjectActionsProps {
  connection: ConnectionSummary;
  entry: ResourceEntry;
  row: Row;
  /** The object's detail once loaded: replicas, unschedulable, containers' ports. */
  detail: ObjectDetail | undefined;
}

/**
 * The selected object's actions, for the detail pane's header: each is asked
 * for with SelfSubjectAccessReview, and a denied one stays visible, disabled,
 * with the reason. Each opens a confirm dialog; k9s-like keys open them too.
 */
export function ObjectActions({ connection, entry, row, detail }: ObjectActionsProps) {
  const ref = useMemo(() => objectRef(connection.id, entry, row), [connection.id, entry, row]);
  const candidates = useMemo(() => candidateActions(entry), [entry]);
  const { check, recheck } = useObjectPermissions(ref, candidates);
  // Cordon and uncordon are told apart by the node's detail; a pod's containers tell whether it can take a shell.
  const states = actionStates(entry, candidates, check, detail?.unschedulable, entry.key === POD_KEY ? podShellProblem(detail?.containers) : undefined);
  const [open, setOpen] = useState<PaneAction | null>(null);
  const buttons = useRef(new Map<PaneAction, HTMLButtonElement>());
  const { ref: returnTo, focusLater } = useFocusLater<HTMLButtonElement>();
  const idPrefix = useId();
  const noteId = (action: PaneAction | 'checking') => `${idPrefix}-${action}`;

  // A dialog opened by its key gives focus back to where the key was pressed (the rows, usually), which the Modal does:
  // on the action's button the next letters would be the button's, not commands.
  const openedByKey = useRef(false);
  const close = () => {
    if (open && !openedByKey.current) {
      returnTo.current = buttons.current.get(open) ?? null;
      focusLater();
    }
    setOpen(null);
  };

  // The usable actions' keys, wherever in the view they are not the focused control's; a held key opens one dialog.
  useScopeKeys(
    Object.fromEntries(
      states
        .filter((s) => s.enabled)
        .map(({ action }) => [
          SHORTCUTS[action].binding,
          (e: KeyboardEvent) => {
            if (e.repeat) return;
            openedByKey.current = true;
            setOpen(action);
          },
        ]),
    ),
  );

  const unschedulable = detail?.unschedulable ?? false;
  const denied = states.filter((s) => !s.enabled && s.reason !== CHECKING_TEXT);

  return (
    <div className="object-actions">
      <div role="group" aria-label={`Actions on ${entry.one} ${row.name}`} className="object-action-buttons">
        {states.map(({ action, enabled, reason }) => {
          const shortcut = SHORTCUTS[action];
          return (
            <button
              key={action}
              ref={(el) => {
                if (el) buttons.current.set(action, el);
                else buttons.current.delete(action);
              }}
              type="button"
              className={isDestructive(action) ? 'danger' : undefined}
              // aria-disabled keeps the button focusable, so its reason can be read.
              aria-disabled={enabled ? undefined : true}
              aria-describedby={reason ? noteId(reason === CHECKING_TEXT ? 'checking' : action) : undefined}
              aria-keyshortcuts={shortcut.aria}
              title={reason}
              onClick={() => {
                if (!enabled) return;
                openedByKey.current = false;
                setOpen(action);
              }}
            >
              {actionLabel(action, unschedulable)}
              <kbd aria-hidden="true">{shortcut.hint}</kbd>
            </button>
          );
        })}
      </div>
      {check.status === 'checking' && (
        <p id={noteId('checking')} className="muted action-note" role="status">
          {CHECKING_TEXT}
        </p>
      )}
      {denied.length > 0 && (
        <ul className="action-notes">
          {denied.map(({ action, reason }) => (
            <li key={action} id={noteId(action)}>
              <strong>{actionLabel(action, unschedulable)}</strong>: {reason}
            </li>
          ))}
        </ul>
      )}
      {check.status === 'failed' && (
        <p className="muted action-note">
          Could not check permissions ({check.error.message}); the cluster decides when you act.{' '}
          <button type="button" className="link" onClick={recheck}>
            Check again
          </button>
        </p>
      )}
      {open && <ObjectActionDialog action={open} target={{ connection, entry, row, ref }} detail={detail} onClose={close} onForbidden={recheck} />}
    </div>
  );
}

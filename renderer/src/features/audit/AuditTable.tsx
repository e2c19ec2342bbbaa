import { Fragment, useEffect, useLayoutEffect, useRef, useState, type Ref } from 'react';
import type { AuditEntry } from '../../../../shared/contract';
import { formatTime } from '../../shell/format';
import { UndoDialog } from './UndoDialog';

type Undoable = AuditEntry & { undo: { label: string } };

/** An entry to bring into view; a new object each time, so showing the same entry again scrolls to it again. */
export interface ShownEntry {
  id: number;
}

/** The id of entry `id`'s row header, which references scroll to and focus. */
const rowHeaderId = (id: number) => `audit-entry-${id}`;

function Change({ entry }: { entry: AuditEntry }) {
  if (entry.before === undefined && entry.after === undefined) return null;
  return (
    <span className="mono change">
      <span title={entry.before}>{entry.before ?? '—'}</span> <span aria-label="changed to">→</span> <span title={entry.after}>{entry.after ?? '—'}</span>
    </span>
  );
}

/** "kube.scale" may wrap after its dots, never inside a word. */
function ActionName({ action }: { action: string }) {
  const parts = action.split('.');
  return parts.map((part, i) => (
    <Fragment key={i}>
      {part}
      {i < parts.length - 1 && (
        <>
          .<wbr />
        </>
      )}
    </Fragment>
  ));
}

/** "#12", which shows entry 12. */
function EntryReference({ id, onShow, ref }: { id: number; onShow(id: number): void; ref?: Ref<HTMLButtonElement> }) {
  return (
    <button ref={ref} type="button" className="link entry-reference" aria-label={`Show entry #${id}`} onClick={() => onShow(id)}>
      #{id}
    </button>
  );
}

interface UndoCellProps {
  entry: AuditEntry;
  /** The undo dialog opened from this row answered: focus, lost with the dialog, comes back to the row. */
  undoneHere: boolean;
  onUndo(entry: Undoable): void;
  onShow(id: number): void;
}

/** What undid the entry and what it undid, each a reference to follow, and the Undo button while it can be undone. */
function UndoCell({ entry, undoneHere, onUndo, onShow }: UndoCellProps) {
  const buttonFocused = useRef(false);
  const undoneRef = useRef<HTMLButtonElement>(null);
  // The Undo button goes when the entry is marked undone; if it had focus, or its dialog did, the reference that replaces it takes it.
  useLayoutEffect(() => {
    if (entry.undoneBy === undefined || !(buttonFocused.current || undoneHere)) return;
    buttonFocused.current = false;
    if (document.activeElement === document.body || document.activeElement === null) undoneRef.current?.focus();
  }, [entry.undoneBy, undoneHere]);
  // The service withholds `undo` from an entry that was undone; both are checked so a stale copy cannot offer it either.
  const undo = entry.undoneBy === undefined ? entry.undo : undefined;
  return (
    <div className="undo-cell">
      {entry.undoOf !== undefined && (
        <span className="muted">
          undoes <EntryReference id={entry.undoOf} onShow={onShow} />
        </span>
      )}
      {entry.undoneBy !== undefined && (
        <span className="muted">
          undone by <EntryReference ref={undoneRef} id={entry.undoneBy} onShow={onShow} />
        </span>
      )}
      {undo && (
        <button
          type="button"
          aria-label={`Undo #${entry.id}: ${undo.label}`}
          title={undo.label}
          onFocus={() => (buttonFocused.current = true)}
          onBlur={() => (buttonFocused.current = false)}
          onClick={() => onUndo({ ...entry, undo })}
        >
          Undo
        </button>
      )}
    </div>
  );
}

interface AuditTableProps {
  entries: readonly AuditEntry[];
  /** The entry a reference led to: scrolled to and focused once it is listed, and highlighted. */
  shown?: ShownEntry;
  /** Follows a reference ("undoes #4") to its entry. */
  onShow(id: number): void;
  /** An undo was answered with the entry that records it. */
  onUndone(undoing: AuditEntry): void;
}

/**
 * Audit entries, newest first, each with its id so "undoes #4" can be
 * followed; those that can be undone have an Undo button, asked about before
 * it acts.
 */
export function AuditTable({ entries, shown, onShow, onUndone }: AuditTableProps) {
  /** The entry whose Undo was clicked, while its dialog asks. */
  const [toUndo, setToUndo] = useState<Undoable>();
  /** The entry an undo answered here undid: its row takes back the focus the closed dialog had. */
  const [undoneHere, setUndoneHere] = useState<number>();
  const listed = shown !== undefined && entries.some((e) => e.id === shown.id);
  // Scrolled to once per reference followed: a reload that lists the entry again must not take focus back.
  const scrolledTo = useRef<ShownEntry>(undefined);
  useEffect(() => {
    if (!shown || !listed || scrolledTo.current === shown) return;
    scrolledTo.current = shown;
    const header = document.getElementById(rowHeaderId(shown.id));
    // jsdom has no scrollIntoView.
    header?.scrollIntoView?.({ block: 'center' });
    header?.focus({ preventScroll: true });
  }, [shown, listed]);

  return (
    <>
      <table className="data audit" aria-label="Audit log">
        <thead>
          <tr>
            <th scope="col" aria-label="Entry">
              #
            </th>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Connection</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Status</th>
            <th scope="col">Detail</th>
            <th scope="col">Change</th>
            <th scope="col">
              <span className="visually-hidden">Undo</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} className={e.id === shown?.id ? 'shown' : undefined}>
              <th scope="row" id={rowHeaderId(e.id)} tabIndex={-1} className="entry-id">
                #{e.id}
              </th>
              <td>
                <time dateTime={e.at}>{formatTime(e.at)}</time>
              </td>
              <td>{e.actor}</td>
              <td>{e.connectionName ?? '—'}</td>
              <td className="mono action">
                <ActionName action={e.action} />
              </td>
              <td className="target">{e.target}</td>
              <td>
                <span className={`badge status-${e.status}`}>{e.status}</span>
              </td>
              <td>{e.error ? <span className="field-error">{e.error}</span> : e.detail}</td>
              <td>
                <Change entry={e} />
              </td>
              <td>
                <UndoCell entry={e} undoneHere={e.id === undoneHere} onUndo={setToUndo} onShow={onShow} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {toUndo && (
        <UndoDialog
          entry={toUndo}
          onUndone={(undoing) => {
            setUndoneHere(toUndo.id);
            onUndone(undoing);
          }}
          onClose={() => setToUndo(undefined)}
        />
      )}
    </>
  );
}

import { useLayoutEffect, useRef, useState } from 'react';
import type { AuditEntry } from '../../../../shared/contract';
import { formatTime } from '../../shell/format';
import { UndoDialog } from './UndoDialog';

type Undoable = AuditEntry & { undo: { label: string } };

function Change({ entry }: { entry: AuditEntry }) {
  if (entry.before === undefined && entry.after === undefined) return null;
  return (
    <span className="mono change">
      <span title={entry.before}>{entry.before ?? '—'}</span> <span aria-label="changed to">→</span> <span title={entry.after}>{entry.after ?? '—'}</span>
    </span>
  );
}

/** The undo button, or what undid the entry (or what it undid). */
function UndoCell({ entry, onUndo }: { entry: AuditEntry; onUndo(entry: Undoable): void }) {
  const buttonFocused = useRef(false);
  const undoneRef = useRef<HTMLSpanElement>(null);
  // The Undo button goes when the entry is marked undone; if it had focus, the note that replaces it takes it.
  useLayoutEffect(() => {
    if (entry.undoneBy === undefined || !buttonFocused.current) return;
    buttonFocused.current = false;
    if (document.activeElement === document.body || document.activeElement === null) undoneRef.current?.focus();
  }, [entry.undoneBy]);
  if (entry.undoneBy !== undefined) {
    return (
      <span ref={undoneRef} tabIndex={-1} className="muted">
        undone by #{entry.undoneBy}
      </span>
    );
  }
  const { undo } = entry;
  return (
    <>
      {entry.undoOf !== undefined && <span className="muted">undoes #{entry.undoOf} </span>}
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
    </>
  );
}

/** Audit entries, newest first; those that can be undone have an Undo button, asked about before it acts. */
export function AuditTable({ entries }: { entries: readonly AuditEntry[] }) {
  const [undoing, setUndoing] = useState<Undoable>();
  return (
    <>
      <table className="data" aria-label="Audit log">
        <thead>
          <tr>
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
            <tr key={e.id}>
              <td>
                <time dateTime={e.at}>{formatTime(e.at)}</time>
              </td>
              <td>{e.actor}</td>
              <td>{e.connectionName ?? '—'}</td>
              <td className="mono">{e.action}</td>
              <td>{e.target}</td>
              <td>
                <span className={`badge status-${e.status}`}>{e.status}</span>
              </td>
              <td>{e.error ? <span className="field-error">{e.error}</span> : e.detail}</td>
              <td>
                <Change entry={e} />
              </td>
              <td>
                <UndoCell entry={e} onUndo={setUndoing} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {undoing && <UndoDialog entry={undoing} onClose={() => setUndoing(undefined)} />}
    </>
  );
}

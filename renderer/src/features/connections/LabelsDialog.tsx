import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ConnectionSummary } from '../../../../shared/contract';
import { call } from '../../api/client';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { Modal } from '../../shell/Modal';
import { notifySuccess } from '../../shell/toastStore';
import { useConnections } from './connectionsStore';
import { formatLabel } from './LabelChips';
import { labelsProblem, parseLabelInput } from './labels';
import { useProductionMarks } from './productionMarks';
import { isBuiltinProductionLabel, markOf } from '../../../../shared/production';
import { DialogFooter } from '../../shell/DialogFooter';
import { FieldError } from '../../shell/FieldError';

/**
 * Edits a connection's labels as `key=value` chips, checked with the
 * contract's Labels schema; any label can be marked as meaning production,
 * on every connection that has it (env=prod and the like always do).
 */
export function LabelsDialog({ connection, onClose }: { connection: ConnectionSummary; onClose(): void }) {
  const [labels, setLabels] = useState<Record<string, string>>(connection.labels);
  const [marked, setMarked] = useState(() => new Set(useProductionMarks.getState().marked));
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<ErrorView>();
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const problemId = useId();

  /** Labels with the typed text added, or undefined (and the reason shown) when they would be refused. */
  const withDraft = (): Record<string, string> | undefined => {
    const next = { ...labels, ...parseLabelInput(draft) };
    const why = labelsProblem(next);
    setProblem(why);
    if (why) {
      inputRef.current?.focus();
      return undefined;
    }
    setLabels(next);
    setDraft('');
    return next;
  };

  const onDraftKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    if (draft.trim()) withDraft();
  };

  const remove = (key: string) => setLabels(Object.fromEntries(Object.entries(labels).filter(([k]) => k !== key)));

  const toggleMark = (key: string, value: string) => {
    const next = new Set(marked);
    if (!next.delete(markOf(key, value))) next.add(markOf(key, value));
    setMarked(next);
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    // Text left in the field is a label the user meant to add.
    const next = draft.trim() ? withDraft() : labels;
    if (!next) return;
    setBusy(true);
    setError(undefined);
    try {
      await call('connections.setLabels', { id: connection.id, labels: next });
      useProductionMarks.getState().setMarked(marked);
      notifySuccess(`Labels of ${connection.name} saved`);
      onClose();
    } catch (err) {
      setError(describeError(err, { refresh: () => void useConnections.getState().refresh() }));
      setBusy(false);
    }
  };

  const entries = Object.entries(labels);
  return (
    <Modal label={`Labels of ${connection.name}`} onClose={onClose}>
      <form onSubmit={save}>
        <h2>Labels of “{connection.name}”</h2>
        <p className="muted">
          Labels such as env=prod group connections and mark the ones that need care. A label marked “prod” means production on every connection that has it: a banner, and
          names typed before deleting.
        </p>
        {entries.length ? (
          <ul className="chips editable" aria-label="Current labels">
            {entries.map(([k, v]) => {
              const builtin = isBuiltinProductionLabel(k, v);
              const production = builtin || marked.has(markOf(k, v));
              return (
              <li key={k} className={production ? 'chip chip-production' : 'chip'}>
                {formatLabel(k, v)}
                <button
                  type="button"
                  className="chip-mark"
                  aria-label={`${formatLabel(k, v)} means production`}
                  aria-pressed={production}
                  disabled={builtin}
                  title={builtin ? `${formatLabel(k, v)} always means production` : production ? 'Marked as production: click to unmark' : 'Mark as production: a banner, and typed names before deleting'}
                  onClick={() => toggleMark(k, v)}
                >
                  prod
                </button>
                <button type="button" className="chip-remove" aria-label={`Remove ${formatLabel(k, v)}`} onClick={() => remove(k)}>
                  ×
                </button>
              </li>
              );
            })}
          </ul>
        ) : (
          <p className="muted">No labels.</p>
        )}
        <div className="inline-field">
          <label className="field">
            <span>Add label</span>
            <input
              ref={inputRef}
              autoFocus
              placeholder="env=prod"
              value={draft}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? problemId : undefined}
              onChange={(e) => {
                setDraft(e.target.value);
                setProblem(undefined);
              }}
              onKeyDown={onDraftKey}
            />
          </label>
          <button type="button" onClick={() => draft.trim() && withDraft()}>
            Add
          </button>
        </div>
        <FieldError id={problemId} problem={problem} />
        <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: onClose }} action={{ label: 'Save labels', busyLabel: 'Saving…', busy }} />
      </form>
    </Modal>
  );
}

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ConnectionSummary, DryRunResult, ObjectRef, SpecProblem } from '../../../../../shared/contract';
import { call } from '../../../api/client';
import { DialogFooter } from '../../../shell/DialogFooter';
import { ErrorNotice } from '../../../shell/ErrorNotice';
import { describeError, type ErrorView } from '../../../shell/errorActions';
import { plural } from '../../../shell/format';
import { Modal } from '../../../shell/Modal';
import { lineMapping } from '../../../shell/monaco/problemLines';
import { YamlSpecEditor } from '../../../shell/monaco/YamlSpecEditor';
import { CopyButton } from '../../../ui/CopyButton';
import { useProductionLabel } from '../../connections/productionMarks';
import { ApplyReviewDialog } from '../../pipelines/ApplyReviewDialog';
import { CallProblem } from './CallProblem';
import './yamlEdit.css';

interface YamlEditProps {
  connection: ConnectionSummary;
  objectRef: ObjectRef;
  /** "pod web-1": the editor's and the dialogs' wording. */
  what: string;
  /** The draft came to differ from the object as read, or back: whether leaving it must ask first. */
  onChanged(changed: boolean): void;
  /** Leaves edit mode; `applied` when the edit was applied (the object is read again). */
  onDone(applied: boolean): void;
}

/** The question before an edit's unsaved changes are thrown away: on Cancel, on closing the pane, on leaving the object. */
export function DiscardEditDialog({ what, onKeep, onDiscard }: { what: string; onKeep(): void; onDiscard(): void }) {
  return (
    <Modal label="Discard your changes?" onClose={onKeep}>
      <h2>Discard your changes?</h2>
      <p>Your edits to {what} have not been applied; they will be lost.</p>
      <DialogFooter dismiss={{ label: 'Keep editing', onClick: onKeep, autoFocus: true }} action={{ label: 'Discard', busyLabel: 'Discarding…', busy: false, danger: true, onClick: onDiscard }} />
    </Modal>
  );
}

/** A dry run's answer and the text it was asked about. */
interface Checked {
  text: string;
  result: DryRunResult;
}

/** "Line 12, column 3: spec.replicas: must be an integer", on line `line` (where it is now). */
const problemText = (p: SpecProblem, line = p.line) => `Line ${line}${p.column ? `, column ${p.column}` : ''}: ${p.field ? `${p.field}: ` : ''}${p.message}`;

/**
 * The inspector's Edit (what `kubectl edit` does, with a review before it
 * lands): the object's YAML with the server-set fields left out, edited
 * against the cluster's own schema; a server-side dry run on demand, its
 * problems marked on their lines; then the apply review and server-side
 * apply. The text keeps the object's `resourceVersion`, so an apply after
 * someone else's change is refused, and the pane offers to read it again.
 */
export function YamlEdit({ connection, objectRef, what, onChanged, onDone }: YamlEditProps) {
  const production = useProductionLabel(connection.labels) !== undefined;
  const [original, setOriginal] = useState<string>();
  const [draft, setDraft] = useState('');
  const [loadError, setLoadError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  /** Edits a reload replaced, kept to copy. */
  const [replaced, setReplaced] = useState<string>();
  const [checking, setChecking] = useState(false);
  const [checked, setChecked] = useState<Checked>();
  const [checkError, setCheckError] = useState<ErrorView>();
  const [reviewing, setReviewing] = useState(false);
  const [discarding, setDiscarding] = useState(false);
  /** The apply succeeded: closing its report leaves edit mode. */
  const [applied, setApplied] = useState(false);

  const load = useCallback(() => {
    let current = true;
    setLoading(true);
    setLoadError(undefined);
    call('pipelines.editable', objectRef).then(
      ({ text }) => {
        if (!current) return;
        setOriginal(text);
        setDraft(text);
        setChecked(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (!current) return;
        setLoadError(err);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
    // One object per edit (the tab remounts this for another), so `objectRef` as it was at the start.
  }, []);
  useEffect(load, [load]);

  const reload = () => {
    setReviewing(false);
    if (original !== undefined && draft !== original) setReplaced(draft);
    load();
  };

  const dryRun = async () => {
    const text = draft;
    setChecking(true);
    setCheckError(undefined);
    try {
      setChecked({ text, result: await call('pipelines.dryRun', { connectionId: connection.id, ...(objectRef.namespace ? { namespace: objectRef.namespace } : {}), text }) });
    } catch (err) {
      setCheckError(describeError(err, { refresh: reload }));
    } finally {
      setChecking(false);
    }
  };

  const changed = original !== undefined && draft !== original;
  const cancel = () => (changed ? setDiscarding(true) : onDone(false));
  // Told only when it flips, whatever the caller's callback is this render.
  const onChangedNow = useRef(onChanged);
  useLayoutEffect(() => {
    onChangedNow.current = onChanged;
  });
  useEffect(() => onChangedNow.current(changed), [changed]);
  // One list per dry run: the editor's markers reset only when a new one arrives.
  const problems = useMemo(() => checked && [...checked.result.problems, ...checked.result.documents.flatMap((d) => d.problems)].sort((a, b) => a.line - b.line), [checked]);
  const conflicts = checked?.result.documents.flatMap((d) => d.conflicts) ?? [];
  const stale = checked !== undefined && checked.text !== draft;
  // The dry run's lines on the text as it is now: the user may have typed since it was sent.
  const lineNow = useMemo(() => checked && lineMapping(checked.text, draft), [checked, draft]);

  return (
    <>
      <div className="detail-toolbar">
        <button type="button" onClick={() => void dryRun()} disabled={original === undefined || checking}>
          {checking ? 'Checking…' : 'Dry run'}
        </button>
        <button type="button" className="primary" onClick={() => setReviewing(true)} disabled={original === undefined || !changed}>
          Review and apply
        </button>
        <button type="button" onClick={cancel}>
          Cancel
        </button>
        {original !== undefined && !changed && <span className="muted">Change the YAML to apply it.</span>}
      </div>
      {loadError !== undefined && <CallProblem error={loadError} what={`this ${what} to edit`} onRetry={load} />}
      {replaced !== undefined && (
        <div className="notice" role="status">
          <strong>Reloaded</strong>
          <p>This is the object as it is now; your earlier edits were replaced.</p>
          <CopyButton text={replaced} label="Copy your earlier edits" />
        </div>
      )}
      {checkError && <ErrorNotice error={checkError} />}
      {checked && problems && (
        <section className="yaml-edit-dry-run" aria-label="Dry run">
          <p role="status">
            <strong>Dry run:</strong>{' '}
            {problems.length || conflicts.length
              ? `${[problems.length && plural(problems.length, 'problem'), conflicts.length && plural(conflicts.length, 'field other managers own', 'fields other managers own')].filter(Boolean).join(' and ')}.`
              : 'the cluster accepts it.'}
            {stale && <span className="muted"> The text changed since; run it again to check the changes.</span>}
          </p>
          {(problems.length > 0 || conflicts.length > 0) && (
            <ul>
              {problems.map((p, i) => {
                const line = lineNow?.(p.line);
                return (
                  <li key={`p${i}`} className={p.severity === 'error' ? 'tone-bad' : undefined}>
                    {line === undefined ? (
                      <>
                        {problemText(p)} <span className="muted">(the line was edited since)</span>
                      </>
                    ) : (
                      problemText(p, line)
                    )}
                  </li>
                );
              })}
              {conflicts.map((c, i) => (
                <li key={`c${i}`}>
                  <span className="mono">{c.field}</span>: owned by <strong>{c.manager}</strong>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {original !== undefined ? (
        <YamlSpecEditor value={draft} onChange={setDraft} connectionId={connection.id} problems={problems} problemsText={checked?.text} ariaLabel={`Edit the YAML of ${what}`} />
      ) : (
        loading && <p className="muted">Loading the YAML to edit…</p>
      )}
      {reviewing && (
        <ApplyReviewDialog
          connectionId={connection.id}
          connectionName={connection.name}
          production={production}
          {...(objectRef.namespace ? { namespace: objectRef.namespace } : {})}
          text={draft}
          onClose={() => (applied ? onDone(true) : setReviewing(false))}
          onApplied={() => setApplied(true)}
          onReload={reload}
        />
      )}
      {discarding && <DiscardEditDialog what={what} onKeep={() => setDiscarding(false)} onDiscard={() => onDone(false)} />}
    </>
  );
}

import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { DiffDocument, SpecProblem, SpecTaskStarted, TaskSummary } from '../../../../shared/contract';
import { call, CallError } from '../../api/client';
import { DialogFooter } from '../../shell/DialogFooter';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { describeError, type ErrorView, type FixHandlers } from '../../shell/errorActions';
import { plural } from '../../shell/format';
import { Modal } from '../../shell/Modal';
import { DiffView } from '../../shell/monaco/DiffView';
import { TypedConfirmation } from '../clusters/actions/ActionDialog';
import { TaskReportView } from '../tasks/TaskReportView';
import { phaseLabel, progressText, statusLabels } from '../tasks/taskFormat';
import { useTask } from '../tasks/useTask';
// The progress bar looks as it does in the Tasks tray.
import '../tasks/tasks.css';
import './applyReview.css';

interface ApplyReviewDialogProps {
  connectionId: string;
  connectionName: string;
  /** A production connection: its name must be typed before Apply enables. */
  production: boolean;
  /** For documents that name no namespace. */
  namespace?: string;
  /** What is reviewed: taken as it is when the review opens; a newer one is said, and reviewed only when asked. */
  text: string;
  /** Record the apply in this spec's history. */
  specId?: string;
  specVersion?: number;
  onClose(): void;
  /** The apply ended having applied every document. */
  onApplied?(taskId: string): void;
  /**
   * The text is stale (CONFLICT: the object changed since it was read): the
   * error offers Refresh, which runs this (the inspector reads the object again).
   */
  onReload?(): void;
}

/** What an apply would do to one document, as the review lists it. */
export type ApplyOutcome = 'create' | 'change' | 'unchanged' | 'conflict' | 'error';

/** A document's outcome from its diff: refused, in conflict, new, changed or the same. */
export function outcomeOf(d: DiffDocument): ApplyOutcome {
  if (d.problems.some((p) => p.severity === 'error') || d.after === undefined) return 'error';
  if (d.conflicts.length > 0) return 'conflict';
  if (d.live === undefined) return 'create';
  return d.live === d.after ? 'unchanged' : 'change';
}

const outcomeLabels: Record<ApplyOutcome, string> = { create: 'create', change: 'change', unchanged: 'unchanged', conflict: 'conflict', error: 'error' };

/** "Deployment ml/web", "Workflow (name generated on create)". */
const documentName = (d: DiffDocument, namespace: string | undefined) =>
  `${d.kind} ${[d.namespace ?? namespace, d.name ?? '(name generated on create)'].filter(Boolean).join('/')}`;

/** "Line 12, column 3: spec.replicas: must be an integer". */
const problemText = (p: SpecProblem) => `Line ${p.line}${p.column ? `, column ${p.column}` : ''}: ${p.field ? `${p.field}: ` : ''}${p.message}`;

type Review = { documents: DiffDocument[]; problems: SpecProblem[] };

/**
 * The review before a server-side apply: each document's outcome and its
 * live object beside what the apply would make of it (the server's dry run),
 * the fields other managers own with an explicit choice to take them, the
 * problems by line, the connection's name typed on production; then the
 * apply as a task, its progress and its report. What is applied is what the
 * diff showed: a text or version that changes underneath (someone saved the
 * spec meanwhile) is said, and becomes the review only when the user asks,
 * with the choices made for the old one cleared.
 */
export function ApplyReviewDialog({ connectionId, connectionName, production, namespace, text, specId, specVersion, onClose, onApplied, onReload }: ApplyReviewDialogProps) {
  const [reviewed, setReviewed] = useState({ namespace, text, specVersion });
  const changedSince = reviewed.text !== text || reviewed.specVersion !== specVersion || reviewed.namespace !== namespace;
  const [review, setReview] = useState<Review>();
  const [reviewError, setReviewError] = useState<ErrorView>();
  const [attempt, setAttempt] = useState(0);
  const [selected, setSelected] = useState(0);
  const [force, setForce] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [applyError, setApplyError] = useState<ErrorView>();
  const [started, setStarted] = useState<SpecTaskStarted>();
  const fixes: FixHandlers = onReload ? { refresh: onReload } : {};
  // The diff is asked again only for new input, not for a parent's new callback.
  const reload = useRef(onReload);
  useEffect(() => {
    reload.current = onReload;
  });

  useEffect(() => {
    let current = true;
    setReview(undefined);
    setReviewError(undefined);
    call('pipelines.diff', { connectionId, ...(reviewed.namespace ? { namespace: reviewed.namespace } : {}), text: reviewed.text }).then(
      (answer) => {
        if (!current) return;
        setReview(answer);
        // The first document the apply would touch, else the first.
        setSelected(Math.max(0, answer.documents.findIndex((d) => outcomeOf(d) !== 'unchanged')));
      },
      (err: unknown) => current && setReviewError(describeError(err, { refresh: () => (reload.current ? reload.current() : setAttempt((n) => n + 1)) })),
    );
    return () => {
      current = false;
    };
  }, [connectionId, reviewed, attempt]);

  // The newer one, reviewed afresh: forcing fields and the typed name were given for the old one.
  const reviewNewer = () => {
    setReviewed({ namespace, text, specVersion });
    setForce(false);
    setTyped('');
    setApplyError(undefined);
  };

  const label = `Review and apply to ${connectionName}`;
  if (started) {
    return (
      <Modal label={label} onClose={onClose} wide className="apply-review">
        <h2>Apply to {connectionName}</h2>
        <ApplyProgress started={started.task} fixes={fixes} onClose={onClose} onApplied={onApplied} />
      </Modal>
    );
  }

  const documents = review?.documents ?? [];
  const outcomes = documents.map(outcomeOf);
  const conflicts = documents.flatMap((d) => d.conflicts.map((c) => ({ document: d, conflict: c })));
  const problems = [...(review?.problems ?? []), ...documents.flatMap((d) => d.problems)].sort((a, b) => a.line - b.line);
  const refused = (review?.problems.length ?? 0) > 0 || outcomes.includes('error');
  const unconfirmed = production && typed !== connectionName;
  const blockedBy = !review
    ? 'Waiting for the review.'
    : refused
      ? 'The cluster would refuse this: fix the problems first.'
      : conflicts.length > 0 && !force
        ? 'Other field managers own some of these fields: take them, or change the text.'
        : undefined;
  const shown = documents[selected] as DiffDocument | undefined;
  const allUnchanged = review !== undefined && documents.length > 0 && outcomes.every((o) => o === 'unchanged');

  const apply = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || blockedBy || unconfirmed) return;
    setBusy(true);
    setApplyError(undefined);
    try {
      setStarted(
        await call('pipelines.apply', {
          connectionId,
          ...(reviewed.namespace ? { namespace: reviewed.namespace } : {}),
          text: reviewed.text,
          force: conflicts.length > 0 && force,
          ...(production ? { confirmName: typed } : {}),
          ...(specId ? { specId } : {}),
          ...(reviewed.specVersion ? { specVersion: reviewed.specVersion } : {}),
        }),
      );
    } catch (err) {
      setApplyError(describeError(err, fixes));
      setBusy(false);
    }
  };

  return (
    <Modal label={label} onClose={onClose} wide className="apply-review">
      <form onSubmit={(e) => void apply(e)}>
        <h2>Review and apply</h2>
        <p className="apply-review-where">
          On cluster <strong>{connectionName}</strong>
          {reviewed.namespace ? (
            <>
              ; documents without a namespace go to <strong>{reviewed.namespace}</strong>.
            </>
          ) : (
            '.'
          )}{' '}
          Server-side apply as Pilothouse, recorded in the audit log.
        </p>
        {changedSince && (
          <div className="notice" role="alert">
            <p>
              {specVersion !== undefined && reviewed.specVersion !== undefined && specVersion !== reviewed.specVersion
                ? `Version ${specVersion} was saved meanwhile; this review is of version ${reviewed.specVersion}, and Apply applies that.`
                : 'The spec changed meanwhile; this review is of the text as it was when the review opened, and Apply applies that.'}
            </p>
            <div className="button-row">
              <button type="button" onClick={reviewNewer}>
                {specVersion !== undefined && specVersion !== reviewed.specVersion ? `Review version ${specVersion} instead` : 'Review the changed spec instead'}
              </button>
            </div>
          </div>
        )}
        {reviewError && <ErrorNotice error={{ ...reviewError, title: `Could not review the changes: ${reviewError.title.toLowerCase()}` }} />}
        {!review && !reviewError && (
          <p className="muted" role="status">
            <span className="spinner" aria-hidden="true" /> Asking the cluster what would change…
          </p>
        )}
        {review && (
          <>
            {documents.length > 0 && (
              <div className="apply-review-body">
                <ul className="apply-review-documents" aria-label="Documents">
                  {documents.map((d, i) => (
                    <li key={d.index}>
                      <button type="button" aria-pressed={i === selected} onClick={() => setSelected(i)}>
                        <span className="mono">{documentName(d, reviewed.namespace)}</span>
                        <span className={`apply-outcome apply-outcome-${outcomes[i]}`}>{outcomeLabels[outcomes[i]]}</span>
                      </button>
                    </li>
                  ))}
                </ul>
                {shown && (
                  <DiffView
                    original={shown.live ?? ''}
                    modified={shown.after ?? ''}
                    originalLabel={shown.live === undefined ? 'Not in the cluster yet' : 'Live object'}
                    modifiedLabel={shown.after === undefined ? 'Refused by the cluster' : 'After the apply'}
                  />
                )}
              </div>
            )}
            {allUnchanged && <p className="muted">Nothing would change: every document is as the cluster has it.</p>}
            {problems.length > 0 && (
              <section aria-label="Problems" className="apply-review-problems">
                <h3>{plural(problems.length, 'problem')}</h3>
                <ul>
                  {problems.map((p, i) => (
                    <li key={i} className={p.severity === 'error' ? 'tone-bad' : undefined}>
                      {problemText(p)}
                    </li>
                  ))}
                </ul>
              </section>
            )}
            {conflicts.length > 0 && (
              <section aria-label="Conflicts" className="apply-review-conflicts">
                <h3>Fields other managers own</h3>
                <ul>
                  {conflicts.map(({ document, conflict }, i) => (
                    <li key={i}>
                      <span className="mono">{conflict.field}</span> in {documentName(document, reviewed.namespace)}: owned by <strong>{conflict.manager}</strong>
                      {conflict.message && <span className="muted"> ({conflict.message})</span>}
                    </li>
                  ))}
                </ul>
                <label className="check">
                  <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> Take these fields (force)
                </label>
              </section>
            )}
            {production && <TypedConfirmation expected={connectionName} what="the connection's name" actionLabel="Apply" value={typed} onChange={setTyped} />}
            {blockedBy && review && <p className="muted">{blockedBy}</p>}
          </>
        )}
        <DialogFooter
          error={applyError}
          dismiss={{ label: 'Cancel', onClick: onClose, autoFocus: !production }}
          action={{ label: 'Apply', busyLabel: 'Starting the apply…', busy, danger: production, disabled: Boolean(blockedBy) || unconfirmed }}
        />
      </form>
    </Modal>
  );
}

/** The apply at work, then how it ended with its report; a stale object's CONFLICT offers the caller's reload. */
function ApplyProgress({ started, fixes, onClose, onApplied }: { started: TaskSummary; fixes: FixHandlers; onClose(): void; onApplied?(taskId: string): void }) {
  const task = useTask(started);
  const running = task.status === 'running' || task.status === 'cancelling';
  const told = useRef(false);
  const onAppliedRef = useRef(onApplied);
  useEffect(() => {
    onAppliedRef.current = onApplied;
  });
  useEffect(() => {
    if (task.status !== 'succeeded' || told.current) return;
    told.current = true;
    onAppliedRef.current?.(task.id);
  }, [task.status, task.id]);

  if (running) {
    const progress = progressText(task.progress);
    return (
      <section aria-label="Progress">
        <p role="status">
          <strong>{task.title}</strong>
          <br />
          {task.status === 'cancelling' ? 'Cancelling…' : (phaseLabel(task) ?? task.message ?? 'Applying…')}
        </p>
        <div className="task-progress">
          <progress aria-label={task.title} {...(task.progress.total ? { value: task.progress.done, max: task.progress.total, 'aria-valuetext': progress } : {})} />
          <span>{progress ?? 'Applying…'}</span>
        </div>
        <p className="muted">You can close this: the apply carries on, and the Tasks tray shows how it ends.</p>
        <DialogFooter dismiss={{ label: 'Close', onClick: onClose }} />
      </section>
    );
  }
  return (
    <section aria-label="Outcome">
      <p role="status">
        <strong>{task.title}</strong>: {statusLabels[task.status].toLowerCase()}.
      </p>
      <TaskReportView task={task} id={`report-${task.id}`} />
      <DialogFooter error={task.status === 'failed' && task.error ? describeError(new CallError(task.error), fixes) : undefined} dismiss={{ label: 'Done', onClick: onClose, autoFocus: true }} />
    </section>
  );
}

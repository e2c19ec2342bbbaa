import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ConnectionSummary, ObjectRef, Row } from '../../../../../shared/contract';
import { forEachBounded } from '../../../api/bounded';
import { call } from '../../../api/client';
import { DialogFooter } from '../../../shell/DialogFooter';
import type { ErrorView } from '../../../shell/errorActions';
import { plural } from '../../../shell/format';
import { Modal } from '../../../shell/Modal';
import { ROW_HEIGHT, useVirtualWindow } from '../../../ui/useVirtualWindow';
import type { ResourceEntry } from '../resourceCatalog';
import { BULK_WORDS, dependentsOf, NAMESPACE_KEY, needsTypedName, objectRef, POD_KEY, sameObject, type BulkAction } from './actionCatalog';
import { describeActionError, TypedConfirmation } from './ActionDialog';

/** Calls at once: enough to be quick over dozens of objects, few enough not to flood the apiserver or the audit log. */
const CONCURRENCY = 4;

/** Where one object stands. */
type Outcome = { state: 'running' } | { state: 'done' } | { state: 'failed'; error: ErrorView };

/**
 * How far the calls have got. `outcomes` is filled in place as they settle
 * and the counters keep up with it, so thousands of objects cost neither a
 * copy of the map nor a scan of it per call.
 */
interface Progress {
  outcomes: Map<string, Outcome>;
  settled: number;
  failed: number;
  finished: boolean;
}

/** The one call per object that a bulk action makes: the single-object methods, so each object gets its own audit entry. */
async function act(action: BulkAction, ref: ObjectRef, row: Row): Promise<void> {
  if (action === 'delete') await call('kube.delete', { ...ref, ...sameObject(row) });
  else if (action === 'restart') await call('kube.restart', ref);
  else await call('kube.cordon', { ...ref, unschedulable: action === 'cordon' });
}

/** What the action does beyond the list, as the single-object dialogs say it. */
function consequence(action: BulkAction, entry: ResourceEntry): string {
  switch (action) {
    case 'delete': {
      if (entry.key === NAMESPACE_KEY) return 'Everything in these namespaces is deleted with them. This cannot be undone.';
      if (entry.key === POD_KEY) return 'Each pod stops within its termination grace period; a workload that owns one starts a replacement.';
      const dependents = dependentsOf(entry);
      return dependents ? `Their ${dependents} are removed in the background, as kubectl does. This cannot be undone.` : 'This cannot be undone.';
    }
    case 'restart':
      return 'The pods of each are replaced gradually, as kubectl rollout restart does.';
    case 'cordon':
      return 'No new pods will be scheduled on these nodes; pods already running there keep running.';
    case 'uncordon':
      return 'The scheduler may place pods on these nodes again.';
  }
}

const qualifiedName = (row: Row) => (row.namespace ? `${row.namespace}/${row.name}` : row.name);

interface BulkActionDialogProps {
  connection: ConnectionSummary;
  entry: ResourceEntry;
  action: BulkAction;
  /** The objects, as chosen when the dialog opened. */
  rows: readonly Row[];
  onClose(): void;
  /** The cluster refused the action on some object: the permissions are checked again. */
  onForbidden(): void;
}

/**
 * One confirmation for an action on many objects: every object listed, then
 * one call per object, a few at a time, with progress and each object's
 * outcome; a failure stops nothing but is listed with its reason.
 */
export function BulkActionDialog({ connection, entry, action, rows, onClose, onForbidden }: BulkActionDialogProps) {
  // Fixed on open: an object that changes or leaves the table meanwhile is still the one confirmed.
  const [targets] = useState(rows);
  const words = BULK_WORDS[action];
  const what = plural(targets.length, entry.one, entry.many);
  // One object: its name, as the single-object dialog asks. Several: their number, since a list of names cannot be typed,
  // and the count is what a bulk mistake gets wrong (a select-all over a filter that kept more than meant); the title,
  // the list and the production banner name the objects and the cluster.
  const typed = action === 'delete' && targets.some((row) => needsTypedName('delete', { connection, row }));
  const expected = targets.length === 1 ? targets[0].name : String(targets.length);
  const [typedText, setTypedText] = useState('');
  const unconfirmed = typed && typedText !== expected;

  // What is shown: a copy of the live progress's counters, taken at most once a frame, over the same map.
  const [progress, setProgress] = useState<Progress>();
  const live = useRef<Progress>(undefined);
  const frame = useRef(0);
  const stopped = useRef(false);
  const [stopping, setStopping] = useState(false);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
      stopped.current = true;
      cancelAnimationFrame(frame.current);
    },
    [],
  );
  const show = () => mounted.current && live.current && setProgress({ ...live.current });
  const showSoon = () => {
    frame.current ||= requestAnimationFrame(() => {
      frame.current = 0;
      show();
    });
  };

  const outcomes = progress?.outcomes;
  const settled = progress?.settled ?? 0;
  const failed = progress?.failed ?? 0;
  const finished = progress?.finished ?? false;
  const running = progress !== undefined && !finished;
  // Only the lines in view are in the DOM: a select-all can hand over 10,000 objects.
  const win = useVirtualWindow(targets.length, { header: 0 });
  // The action button goes away when done: Close takes the focus it had.
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (finished) formRef.current?.querySelector<HTMLButtonElement>('.button-row button')?.focus();
  }, [finished]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (live.current || unconfirmed) return;
    const now: Progress = { outcomes: new Map(), settled: 0, failed: 0, finished: false };
    live.current = now;
    show();
    let forbidden = false;
    const one = async (row: Row) => {
      now.outcomes.set(row.uid, { state: 'running' });
      showSoon();
      try {
        await act(action, objectRef(connection.id, entry, row), row);
        now.outcomes.set(row.uid, { state: 'done' });
      } catch (err) {
        const error = describeActionError(err);
        forbidden ||= error.code === 'FORBIDDEN';
        now.outcomes.set(row.uid, { state: 'failed', error });
        now.failed++;
      }
      now.settled++;
      showSoon();
    };
    await forEachBounded(targets, CONCURRENCY, one, () => stopped.current);
    now.finished = true;
    show();
    if (forbidden) onForbidden();
  };

  // While calls run, the way out stops the ones not started yet; Esc does the same.
  const dismiss = () => {
    if (!running) return onClose();
    stopped.current = true;
    setStopping(true);
  };

  const statusOf = (row: Row) => {
    const outcome = outcomes?.get(row.uid);
    if (!outcome) return outcomes && (running ? '' : 'Not started');
    if (outcome.state === 'running') return `${words.busy}…`;
    if (outcome.state === 'done') return `✓ ${words.done[0].toUpperCase()}${words.done.slice(1)}`;
    return `Failed: ${outcome.error.message}`;
  };
  const notStarted = targets.length - (outcomes?.size ?? 0);
  const summary = [`${settled - failed} ${words.done}`, failed && `${failed} failed`, finished && notStarted && `${notStarted} not started`].filter(Boolean).join(', ');

  return (
    <Modal label={`${words.label} ${what}`} onClose={dismiss} className="action-dialog bulk-dialog">
      <form ref={formRef} onSubmit={(e) => void submit(e)}>
        <h2>
          {words.label} {what}?
        </h2>
        <p className="action-where">
          On cluster <strong>{connection.name}</strong>. Each {entry.one} gets its own call and its own entry in the audit log.
        </p>
        <p>{consequence(action, entry)}</p>
        <div ref={win.ref} className="bulk-list" onScroll={win.onScroll} tabIndex={0}>
          <ul aria-label={`${entry.many} to ${words.label.toLowerCase()}`} style={{ paddingTop: win.start * ROW_HEIGHT, paddingBottom: (targets.length - win.end) * ROW_HEIGHT }}>
            {targets.slice(win.start, win.end).map((row, i) => {
              const outcome = outcomes?.get(row.uid);
              const status = statusOf(row);
              return (
                <li key={row.uid} className={outcome ? `bulk-${outcome.state}` : undefined} aria-posinset={win.start + i + 1} aria-setsize={targets.length}>
                  <span className="mono">{qualifiedName(row)}</span>
                  <span className="bulk-outcome" title={status || undefined}>
                    {status}
                  </span>
                </li>
              );
            })}
          </ul>
        </div>
        {typed && !progress && <TypedConfirmation expected={expected} what={targets.length === 1 ? 'the name' : 'the number'} actionLabel={words.label} value={typedText} onChange={setTypedText} />}
        {progress && (
          <p className="action-progress" role="status">
            {running ? (
              <>
                <span className="spinner" aria-hidden="true" /> {stopping ? 'Stopping after the calls under way…' : `${words.busy} ${Math.min(settled + 1, targets.length)} of ${targets.length}…`}
              </>
            ) : (
              `${summary}.`
            )}
          </p>
        )}
        <DialogFooter
          dismiss={{ label: finished ? 'Close' : running ? 'Stop' : 'Cancel', onClick: dismiss, autoFocus: !typed }}
          {...(finished ? {} : { action: { label: `${words.label} ${what}`, busyLabel: `${words.busy}…`, busy: running, danger: action === 'delete', disabled: unconfirmed } })}
        />
      </form>
    </Modal>
  );
}

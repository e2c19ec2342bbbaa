import { useId, useRef, useState } from 'react';
import { DRAIN_TIMEOUT_MAX_SECONDS } from '../../../../../shared/contract';
import { refusalMessage, sortForDrain } from '../../../../../shared/kubeDrain';
import { call } from '../../../api/client';
import { describeError } from '../../../shell/errorActions';
import { FieldError } from '../../../shell/FieldError';
import { plural } from '../../../shell/format';
import { useQuery } from '../../../ui/useQuery';
import { needsTypedName } from './actionCatalog';
import { ActionDialog, type ActionDialogBaseProps } from './ActionDialog';

/** kubectl waits for ever by default; a drain here gives up after this unless told otherwise. */
const DEFAULT_TIMEOUT_SECONDS = 300;

/**
 * Drains a node as `kubectl drain` does: says what will happen to each of
 * its pods (evicted, or left as DaemonSet and static pods are), with the
 * options that let refused pods go and the timeout; production connections
 * ask for the node's name. The drain runs as a task in the Tasks tray.
 */
export function DrainDialog(props: ActionDialogBaseProps) {
  const { row, ref } = props.target;
  const plan = useQuery('kube.drainPlan', ref);
  const [deleteEmptyDirData, setDeleteEmptyDirData] = useState(false);
  const [force, setForce] = useState(false);
  const [timeout, setTimeoutText] = useState(String(DEFAULT_TIMEOUT_SECONDS));
  const [problem, setProblem] = useState<string>();
  const timeoutRef = useRef<HTMLInputElement>(null);
  const retryRef = useRef<HTMLButtonElement>(null);
  const optionRefs = { deleteEmptyDirData: useRef<HTMLInputElement>(null), force: useRef<HTMLInputElement>(null) };
  const problemId = useId();
  const refusedId = useId();

  const choices = { deleteEmptyDirData, force, ignoreDaemonSets: true };
  // A plan that failed to refresh is not shown as if it stood.
  const sorted = plan.value && plan.error === undefined ? sortForDrain(plan.value.pods, choices) : undefined;
  const refusedNote = sorted?.refused.length ? refusedId : undefined;
  const timeoutSeconds = /^\d+$/.test(timeout.trim()) ? Number(timeout) : undefined;

  const validate = () => {
    if (timeoutSeconds === undefined || timeoutSeconds < 1 || timeoutSeconds > DRAIN_TIMEOUT_MAX_SECONDS) {
      setProblem(`Enter a whole number of seconds from 1 to ${DRAIN_TIMEOUT_MAX_SECONDS.toLocaleString()}.`);
      timeoutRef.current?.focus();
      return false;
    }
    // The drain would cordon the node and then stop: nothing starts until the pods are listed and the options let every pod go.
    if (!sorted) {
      retryRef.current?.focus();
      return false;
    }
    const blocking = sorted?.refused[0]?.option;
    if (blocking === undefined) return true;
    if (blocking !== 'ignoreDaemonSets') optionRefs[blocking].current?.focus();
    return false;
  };

  const run = async () => {
    await call('kube.drain', { ...ref, ...choices, timeoutSeconds: timeoutSeconds! });
    return { title: `Draining node ${row.name}`, message: 'Follow it in the Tasks tray; its report says what happened to each pod.' };
  };

  return (
    <ActionDialog
      {...props}
      title={`Drain node ${row.name}?`}
      label={`Drain node ${row.name}`}
      action={{ label: 'Drain', busyLabel: 'Starting…', danger: true }}
      {...(needsTypedName('drain', props.target) ? { confirmName: row.name } : {})}
      validate={validate}
      run={run}
    >
      <p>
        Cordons node <strong>{row.name}</strong>, then evicts its pods, honouring their PodDisruptionBudgets, and waits for them to leave. Their controllers start
        replacements on other nodes. The node stays cordoned afterwards; undoing the drain in the audit log uncordons it.
      </p>
      <p role="status">
        {plan.loading && !sorted && 'Listing the pods on the node… Drain stays off until they are listed.'}
        {sorted && (
          <>
            {sorted.evict.length ? `${plural(sorted.evict.length, 'pod')} to evict.` : 'No pod to evict.'}
            {sorted.skipDaemonSet.length > 0 && ` ${plural(sorted.skipDaemonSet.length, 'DaemonSet pod')} skipped: ${sorted.skipDaemonSet.length === 1 ? 'its DaemonSet keeps it' : 'their DaemonSets keep them'} on the node.`}
            {sorted.skipMirror.length > 0 && ` ${plural(sorted.skipMirror.length, 'static pod')} skipped: the kubelet runs ${sorted.skipMirror.length === 1 ? 'it' : 'them'}.`}
          </>
        )}
      </p>
      {plan.error !== undefined && !plan.loading && (
        <div className="notice action-warning">
          <p>
            Drain stays off: the pods on the node could not be listed, so what it would do to them is not known. {describeError(plan.error).message}
          </p>
          <button ref={retryRef} type="button" onClick={plan.refetch}>
            Try again
          </button>
        </div>
      )}
      {sorted && sorted.refused.length > 0 && (
        <p id={refusedId} className="notice action-warning">
          Drain stays off until these pods may go: {refusalMessage(sorted.refused)}.
        </p>
      )}
      <fieldset className="choices">
        <legend>Options</legend>
        <label className="check">
          <input ref={optionRefs.deleteEmptyDirData} type="checkbox" checked={deleteEmptyDirData} aria-describedby={refusedNote} onChange={(e) => setDeleteEmptyDirData(e.target.checked)} />
          Delete emptyDir data: evict pods with emptyDir volumes, losing what they hold
        </label>
        <label className="check">
          <input ref={optionRefs.force} type="checkbox" checked={force} aria-describedby={refusedNote} onChange={(e) => setForce(e.target.checked)} />
          Force: delete pods no controller recreates
        </label>
      </fieldset>
      <label className="field">
        <span>Timeout (seconds)</span>
        <input
          ref={timeoutRef}
          type="number"
          inputMode="numeric"
          min={1}
          max={DRAIN_TIMEOUT_MAX_SECONDS}
          step={1}
          value={timeout}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? problemId : undefined}
          onChange={(e) => {
            setTimeoutText(e.target.value);
            setProblem(undefined);
          }}
        />
      </label>
      <p className="muted">How long to keep retrying evictions a PodDisruptionBudget forbids, and to wait for the pods to leave.</p>
      <FieldError id={problemId} problem={problem} />
    </ActionDialog>
  );
}

import { useId, useRef, useState } from 'react';
import type { ObjectDetail } from '../../../../../shared/contract';
import { call } from '../../../api/client';
import { plural } from '../../../shell/format';
import { ActionDialog, type ActionDialogBaseProps } from './ActionDialog';
import { FieldError } from '../../../shell/FieldError';

/** The contract's bound on replicas. */
const MAX_REPLICAS = 100_000;

/** Sets a workload's desired replicas; 0 is allowed, with a warning. */
export function ScaleDialog(props: ActionDialogBaseProps & { detail: ObjectDetail | undefined }) {
  const { entry, row, ref } = props.target;
  const current = props.detail?.replicas;
  // Untouched, the field follows the current replicas, which may arrive after the dialog opened.
  const [typed, setTyped] = useState<string>();
  const value = typed ?? (current === undefined ? '' : String(current));
  const [problem, setProblem] = useState<string>();
  const inputRef = useRef<HTMLInputElement>(null);
  const problemId = useId();
  const warningId = useId();
  const replicas = /^\d+$/.test(value.trim()) ? Number(value) : undefined;

  const validate = () => {
    if (replicas !== undefined && replicas <= MAX_REPLICAS) return true;
    setProblem(`Enter a whole number from 0 to ${MAX_REPLICAS.toLocaleString()}.`);
    inputRef.current?.focus();
    return false;
  };

  const run = async () => {
    const { before, after } = await call('kube.scale', { ...ref, replicas: replicas! });
    return { title: `Scaled ${entry.one} ${row.name} from ${before} to ${plural(after, 'replica')}` };
  };

  const describedBy = [problem && problemId, replicas === 0 && warningId].filter(Boolean).join(' ');
  return (
    <ActionDialog
      {...props}
      title={`Scale ${entry.one} ${row.name}`}
      label={`Scale ${entry.one} ${row.name}`}
      action={{ label: 'Scale', busyLabel: 'Scaling…' }}
      focusCancel={false}
      validate={validate}
      run={run}
    >
      <p>{current === undefined ? 'The current number of replicas is still loading.' : `It runs ${plural(current, 'replica')} now.`} The cluster adds or removes pods to match.</p>
      <label className="field">
        <span>Replicas</span>
        <input
          ref={inputRef}
          autoFocus
          type="number"
          inputMode="numeric"
          min={0}
          max={MAX_REPLICAS}
          step={1}
          value={value}
          aria-invalid={problem ? true : undefined}
          aria-describedby={describedBy || undefined}
          onChange={(e) => {
            setTyped(e.target.value);
            setProblem(undefined);
          }}
        />
      </label>
      <FieldError id={problemId} problem={problem} />
      {replicas === 0 && (
        <p id={warningId} className="notice action-warning">
          Scaling to 0 stops every pod of {entry.one} <strong>{row.name}</strong>: it serves nothing until it is scaled up again.
        </p>
      )}
    </ActionDialog>
  );
}

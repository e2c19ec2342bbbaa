import { useState, type FormEvent } from 'react';
import { DrillTarget, MAX_DRILL_CHECKS, type ConnectionSummary, type DrillCheck } from '../../../../shared/contract';
import { call } from '../../api/client';
import { DialogFooter } from '../../shell/DialogFooter';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { Modal } from '../../shell/Modal';
import { notifySuccess } from '../../shell/toastStore';
import { ConnectionField, DurationField, TextField } from './DrillFields';
import { useCloseGuard } from './useCloseGuard';
import { joinDuration, numberOf, problemsOf, splitDuration, type DurationUnit } from './drillsFormat';

/** A check as the editor holds it: every field as typed. */
interface CheckDraft {
  kind: DrillCheck['kind'];
  objectKind: string;
  apiVersion: string;
  name: string;
  min: string;
  service: string;
  port: string;
  path: string;
  expectStatus: string;
  expectBody: string;
}

const BLANK: CheckDraft = { kind: 'exists', objectKind: '', apiVersion: '', name: '', min: '1', service: '', port: '80', path: '/', expectStatus: '', expectBody: '' };

const CHECK_KINDS: { id: DrillCheck['kind']; label: string }[] = [
  { id: 'exists', label: 'An object exists' },
  { id: 'readyReplicas', label: 'Ready replicas' },
  { id: 'httpGet', label: 'HTTP GET answers' },
];

function draftOf(check: DrillCheck): CheckDraft {
  if (check.kind === 'exists') return { ...BLANK, kind: 'exists', objectKind: check.objectKind, apiVersion: check.apiVersion ?? '', name: check.name };
  if (check.kind === 'readyReplicas') return { ...BLANK, kind: 'readyReplicas', objectKind: check.objectKind, name: check.name, min: String(check.min) };
  return { ...BLANK, kind: 'httpGet', service: check.service, port: String(check.port), path: check.path, expectStatus: check.expectStatus === undefined ? '' : String(check.expectStatus), expectBody: check.expectBody ?? '' };
}

/** The check the draft stands for, as the schema is asked to take it (numbers NaN when not typed). */
function checkOf(d: CheckDraft): unknown {
  if (d.kind === 'exists') return { kind: 'exists', objectKind: d.objectKind.trim(), ...(d.apiVersion.trim() ? { apiVersion: d.apiVersion.trim() } : {}), name: d.name.trim() };
  if (d.kind === 'readyReplicas') return { kind: 'readyReplicas', objectKind: d.objectKind || 'Deployment', name: d.name.trim(), min: numberOf(d.min) };
  return {
    kind: 'httpGet',
    service: d.service.trim(),
    port: numberOf(d.port),
    path: d.path.trim() || '/',
    ...(d.expectStatus.trim() ? { expectStatus: numberOf(d.expectStatus) } : {}),
    ...(d.expectBody ? { expectBody: d.expectBody } : {}),
  };
}

interface TargetsDialogProps {
  /** The namespace's targets as they stand, or where a new one goes. */
  initial: { connectionId: string; namespace: string; target?: DrillTarget };
  /** Kubernetes connections, for a namespace not listed yet. */
  connections: readonly ConnectionSummary[];
  onClose(): void;
  /** Saved: the page reads again. */
  onSaved(): void;
}

/**
 * A namespace's drill targets: the RTO and RPO its drills are held to, how
 * often one must pass, and the checks each drill runs on the restore. Every
 * field is checked against the contract's schema before it is sent.
 */
export function TargetsDialog({ initial, connections, onClose, onSaved }: TargetsDialogProps) {
  const isNew = initial.namespace === '';
  const rto = splitDuration(initial.target?.rtoSeconds ?? 900);
  const rpo = splitDuration(initial.target?.rpoSeconds ?? 86_400);
  const [connectionId, setConnectionId] = useState(initial.connectionId);
  const [namespace, setNamespace] = useState(initial.namespace);
  const [rtoAmount, setRtoAmount] = useState(rto.amount);
  const [rtoUnit, setRtoUnit] = useState<DurationUnit>(rto.unit);
  const [rpoAmount, setRpoAmount] = useState(rpo.amount);
  const [rpoUnit, setRpoUnit] = useState<DurationUnit>(rpo.unit);
  const [everyDays, setEveryDays] = useState(String(initial.target?.everyDays ?? 30));
  const [checks, setChecks] = useState<CheckDraft[]>(() => (initial.target?.checks ?? []).map(draftOf));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView>();

  const [removing, setRemoving] = useState(false);
  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await call('drills.deleteTarget', { connectionId: initial.connectionId, namespace: initial.namespace });
      notifySuccess(`Removed the drill targets of ${initial.namespace}`);
      onSaved();
      onClose();
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  const edit = (i: number, change: Partial<CheckDraft>) => setChecks((all) => all.map((c, j) => (j === i ? { ...c, ...change } : c)));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = DrillTarget.safeParse({
      connectionId,
      namespace: namespace.trim(),
      rtoSeconds: joinDuration(rtoAmount, rtoUnit),
      rpoSeconds: joinDuration(rpoAmount, rpoUnit),
      everyDays: numberOf(everyDays),
      checks: checks.map(checkOf),
    });
    if (!parsed.success) {
      setProblems(problemsOf(parsed.error));
      setError({ code: 'VALIDATION', title: 'Check the highlighted fields', message: 'Some values are not allowed; each says why under it.' });
      return;
    }
    setProblems({});
    setError(undefined);
    setBusy(true);
    try {
      await call('drills.saveTarget', parsed.data);
      notifySuccess(`Saved the drill targets of ${parsed.data.namespace}`);
      onSaved();
      onClose();
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  const title = isNew ? 'Set drill targets' : `Drill targets of ${initial.namespace}`;
  const { requestClose, guard } = useCloseGuard(title, { connectionId, namespace, rtoAmount, rtoUnit, rpoAmount, rpoUnit, everyDays, checks }, onClose);
  return (
    <Modal label={title} onClose={requestClose} wide>
      <form onSubmit={(e) => void save(e)} noValidate>
        <h2>{title}</h2>
        {isNew ? (
          <>
            <ConnectionField label="Connection" connections={connections} value={connectionId} onChange={setConnectionId} />
            <TextField label="Namespace" value={namespace} problem={problems.namespace ?? problems.connectionId} onChange={setNamespace} mono />
          </>
        ) : (
          <p className="muted">
            Namespace <strong className="mono">{initial.namespace}</strong>. A drill is due this often; it passes when its RTO and RPO are within these and every check passes.
          </p>
        )}
        <div className="drills-form-row">
          <DurationField label="RTO target (restore start → all ready)" amount={rtoAmount} unit={rtoUnit} problem={problems.rtoSeconds} onChange={(a, u) => {
              setRtoAmount(a);
              setRtoUnit(u);
            }} />
          <DurationField label="RPO target (drill time − backup time)" amount={rpoAmount} unit={rpoUnit} problem={problems.rpoSeconds} onChange={(a, u) => {
              setRpoAmount(a);
              setRpoUnit(u);
            }} />
        </div>
        <TextField label="A drill every (days)" type="number" value={everyDays} problem={problems.everyDays} onChange={setEveryDays} hint="It is flagged overdue this long after the last passing drill." />
        <fieldset className="choices drills-checks">
          <legend>Checks on the restored namespace</legend>
          <p className="muted">Every drill compares kinds, counts and ConfigMap and Secret data with the backup. Add what else must hold.</p>
          {checks.length === 0 && <p className="muted">No checks of your own.</p>}
          <ol className="drills-check-list">
            {checks.map((c, i) => (
              <li key={i} aria-label={`Check ${i + 1}`}>
                <div className="drills-form-row">
                  <label className="field">
                    <span>Check {i + 1}</span>
                    <select value={c.kind} onChange={(e) => edit(i, { kind: e.target.value as DrillCheck['kind'], objectKind: e.target.value === 'readyReplicas' ? 'Deployment' : '' })}>
                      {CHECK_KINDS.map((k) => (
                        <option key={k.id} value={k.id}>
                          {k.label}
                        </option>
                      ))}
                    </select>
                  </label>
                  {c.kind === 'exists' && (
                    <>
                      <TextField label="Kind" value={c.objectKind} problem={problems[`checks.${i}.objectKind`]} placeholder="ConfigMap" onChange={(v) => edit(i, { objectKind: v })} />
                      <TextField label="API version (if ambiguous)" value={c.apiVersion} problem={problems[`checks.${i}.apiVersion`]} placeholder="apps/v1" onChange={(v) => edit(i, { apiVersion: v })} mono />
                      <TextField label="Name" value={c.name} problem={problems[`checks.${i}.name`]} onChange={(v) => edit(i, { name: v })} mono />
                    </>
                  )}
                  {c.kind === 'readyReplicas' && (
                    <>
                      <label className="field">
                        <span>Kind</span>
                        <select value={c.objectKind} onChange={(e) => edit(i, { objectKind: e.target.value })}>
                          <option value="Deployment">Deployment</option>
                          <option value="StatefulSet">StatefulSet</option>
                        </select>
                      </label>
                      <TextField label="Name" value={c.name} problem={problems[`checks.${i}.name`]} onChange={(v) => edit(i, { name: v })} mono />
                      <TextField label="At least ready" type="number" value={c.min} problem={problems[`checks.${i}.min`]} onChange={(v) => edit(i, { min: v })} />
                    </>
                  )}
                  {c.kind === 'httpGet' && (
                    <>
                      <TextField label="Service" value={c.service} problem={problems[`checks.${i}.service`]} onChange={(v) => edit(i, { service: v })} mono />
                      <TextField label="Port" type="number" value={c.port} problem={problems[`checks.${i}.port`]} onChange={(v) => edit(i, { port: v })} />
                      <TextField label="Path" value={c.path} problem={problems[`checks.${i}.path`]} onChange={(v) => edit(i, { path: v })} mono />
                      <TextField label="Status (any 2xx if empty)" type="number" value={c.expectStatus} problem={problems[`checks.${i}.expectStatus`]} onChange={(v) => edit(i, { expectStatus: v })} />
                      <TextField label="Body contains" value={c.expectBody} problem={problems[`checks.${i}.expectBody`]} onChange={(v) => edit(i, { expectBody: v })} />
                    </>
                  )}
                  <button type="button" className="drills-remove" aria-label={`Remove check ${i + 1}`} onClick={() => setChecks((all) => all.filter((_, j) => j !== i))}>
                    Remove
                  </button>
                </div>
              </li>
            ))}
          </ol>
          <button type="button" disabled={checks.length >= MAX_DRILL_CHECKS} onClick={() => setChecks((all) => [...all, { ...BLANK }])}>
            Add check
          </button>
        </fieldset>
        {initial.target &&
          (removing ? (
            <div className="notice" role="group" aria-label="Remove targets">
              <p>Remove the targets of {initial.namespace}? Its drills are no longer due or flagged overdue; its backups and drill history stay.</p>
              <div className="button-row">
                <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
                  Remove targets
                </button>
                <button type="button" onClick={() => setRemoving(false)}>
                  Keep them
                </button>
              </div>
            </div>
          ) : (
            <button type="button" className="link" onClick={() => setRemoving(true)}>
              Remove these targets…
            </button>
          ))}
        <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: requestClose }} action={{ label: 'Save targets', busyLabel: 'Saving…', busy }} />
      </form>
      {guard}
    </Modal>
  );
}

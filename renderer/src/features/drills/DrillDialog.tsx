import { useId, useState, type FormEvent } from 'react';
import { DrillRequest, type ConnectionSummary, type DrillSource, type TaskSummary } from '../../../../shared/contract';
import { call, CallError } from '../../api/client';
import { DialogFooter } from '../../shell/DialogFooter';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { formatTime, plural } from '../../shell/format';
import { Modal } from '../../shell/Modal';
import { useRefreshCount } from '../../shell/useRefreshCount';
import { useQuery } from '../../ui/useQuery';
import { TypedConfirmation } from '../clusters/actions/ActionDialog';
import { useProductionMarks } from '../connections/productionMarks';
import { productionLabel } from '../../../../shared/production';
import { ConnectionField, DurationField, SelectField, TextField } from './DrillFields';
import { joinDuration, OUTCOME_TONE, problemsOf, type DurationUnit } from './drillsFormat';
import { DrillFigures } from './NamespacesView';
import { PhasedTaskView } from './PhasedTaskView';
import { useCloseGuard } from './useCloseGuard';

/**
 * How a drill ended, from its record: the outcome with the reasons (the task
 * only says it failed), its figures against their targets, and what it left
 * behind.
 */
function DrillEnded({ drillId, task, onClose }: { drillId: string; task: TaskSummary; onClose(): void }) {
  const events = useRefreshCount('drills.changed');
  const query = useQuery('drills.get', { id: drillId }, { refreshKey: String(events), keepPrevious: true });
  const drill = query.value?.id === drillId ? query.value : undefined;
  const taskError = task.status !== 'succeeded' && task.error ? describeError(new CallError(task.error)) : undefined;
  return (
    <section aria-label="Outcome">
      {drill && drill.outcome !== 'running' ? (
        <>
          <p role="status">
            <span className={`badge ${OUTCOME_TONE[drill.outcome]}`}>{drill.outcome}</span> <strong>The drill {drill.outcome}.</strong>
          </p>
          {drill.error && <p className="field-error">{drill.error}</p>}
          <DrillFigures drill={drill} checks />
          {drill.leftovers > 0 && (
            <p className="tone-warn">
              {plural(drill.leftovers, 'object')} it created are left in <span className="mono">{drill.targetNamespace}</span> on {drill.targetConnectionName}: “Clean up…” in the Drills tab removes them.
            </p>
          )}
          <p className="muted">Its report, with the timeline and each check, is in the Drills tab.</p>
        </>
      ) : (
        <p role="status">{query.error === undefined ? 'Reading how the drill went…' : 'The drill has ended; how it went could not be read.'}</p>
      )}
      {query.error !== undefined && <ErrorNotice error={{ ...describeError(query.error, { refresh: query.refetch }), title: 'Could not read the drill' }} />}
      <DialogFooter error={drill?.error ? undefined : taskError} dismiss={{ label: 'Done', onClick: onClose }} />
    </section>
  );
}

/** What a drill dialog opens with: a backup's row, a namespace's row, a Velero backup. */
export interface DrillDialogInitial {
  source?: DrillSource;
  namespace?: string;
  /** The page's connection: the source's cluster, and the default target. */
  connectionId?: string;
}

interface DrillDialogProps {
  initial: DrillDialogInitial;
  clusters: readonly ConnectionSummary[];
  onClose(): void;
  /** The drill ended: the page reads again. */
  onChanged(): void;
}

/**
 * Starts a drill: a source (a Pilothouse backup or a Velero one), the
 * namespace to restore, where to restore it (the same cluster or another,
 * into `drill-<namespace>-<time>` unless named), whether to keep it, how long
 * workloads may take to be ready; the target's name typed when it is
 * production. Then the drill at work, phase by phase, with Cancel.
 */
export function DrillDialog({ initial, clusters, onClose, onChanged }: DrillDialogProps) {
  const [kind, setKind] = useState<DrillSource['kind']>(initial.source?.kind ?? 'archive');
  const [backupId, setBackupId] = useState(initial.source?.kind === 'archive' ? initial.source.backupId : '');
  const [veleroConnectionId, setVeleroConnectionId] = useState(initial.source?.kind === 'velero' ? initial.source.connectionId : (initial.connectionId ?? clusters[0]?.id ?? ''));
  const [veleroBackup, setVeleroBackup] = useState(initial.source?.kind === 'velero' ? initial.source.backupName : '');
  const initialVeleroNamespace = initial.source?.kind === 'velero' && initial.source.backupName === veleroBackup ? initial.source.veleroNamespace : undefined;
  const [namespace, setNamespace] = useState(initial.namespace ?? '');
  const [chosenTarget, setTargetConnectionId] = useState(initial.connectionId ?? '');
  const [targetNamespace, setTargetNamespace] = useState('');
  const [allowExisting, setAllowExisting] = useState(false);
  const [keep, setKeep] = useState(false);
  const [timeoutAmount, setTimeoutAmount] = useState('');
  const [timeoutUnit, setTimeoutUnit] = useState<DurationUnit>('minutes');
  const [typed, setTyped] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView>();
  const [started, setStarted] = useState<{ task: TaskSummary; drillId: string }>();
  const allowId = useId();
  const marks = useProductionMarks((s) => s.marked);

  // The source cluster's backups (of the namespace, from its row): among the newest of every cluster, the one wanted may not be.
  const backups = useQuery('drills.backups', kind === 'archive' ? { ...(initial.connectionId ? { connectionId: initial.connectionId } : {}), ...(initial.namespace && !initial.source ? { namespace: initial.namespace } : {}), limit: 1000 } : null);
  const velero = useQuery('drills.velero', kind === 'velero' && veleroConnectionId ? { connectionId: veleroConnectionId } : null);
  const archives = (backups.value ?? []).filter((b) => b.status === 'complete');
  // From a namespace's row: its newest complete backup on that cluster (the list is newest first).
  const backup = backupId ? archives.find((b) => b.id === backupId) : archives.find((b) => b.connectionId === initial.connectionId && initial.namespace !== undefined && b.namespaces.includes(initial.namespace));
  const veleroBackups = velero.value?.installed ? velero.value.backups : [];
  const chosenVelero = veleroBackups.find((b) => b.name === veleroBackup);
  // The namespaces a source holds, when it says: an archive's list, a Velero backup's (unless "*").
  const offered = kind === 'archive' ? (backup?.namespaces ?? []) : chosenVelero && !chosenVelero.namespaces.includes('*') ? chosenVelero.namespaces : [];
  // Velero restores into its own cluster: the target is the source's connection.
  const targetConnectionId = kind === 'velero' ? veleroConnectionId : chosenTarget || backup?.connectionId || '';
  const target = clusters.find((c) => c.id === targetConnectionId);
  const production = target !== undefined && productionLabel(target.labels, marks) !== undefined;
  const unconfirmed = production && typed !== target.name;
  const shownNamespace = namespace || (offered.length === 1 ? offered[0] : '');

  const { requestClose, guard } = useCloseGuard('Start a drill', { kind, backupId, veleroConnectionId, veleroBackup, namespace, chosenTarget, targetNamespace, allowExisting, keep, timeoutAmount, timeoutUnit, typed }, onClose);

  const chooseBackup = (id: string) => {
    setBackupId(id);
    const chosen = archives.find((b) => b.id === id);
    if (chosen && !chosen.namespaces.includes(namespace)) setNamespace(chosen.namespaces.length === 1 ? chosen.namespaces[0] : '');
  };

  const start = async (e: FormEvent) => {
    e.preventDefault();
    if (unconfirmed) return;
    const source =
      kind === 'archive'
        ? { kind, backupId: backup?.id ?? '' }
        : // The namespace Velero keeps the chosen backup in; a name typed by hand is looked for in Velero's default one.
          { kind, connectionId: veleroConnectionId, backupName: veleroBackup.trim(), ...(chosenVelero ? { veleroNamespace: chosenVelero.namespace } : initialVeleroNamespace ? { veleroNamespace: initialVeleroNamespace } : {}) };
    const seconds = timeoutAmount.trim() ? joinDuration(timeoutAmount, timeoutUnit) : undefined;
    const parsed = DrillRequest.safeParse({
      source,
      namespace: shownNamespace.trim(),
      targetConnectionId,
      ...(targetNamespace.trim() ? { targetNamespace: targetNamespace.trim() } : {}),
      allowExistingNamespace: allowExisting,
      keep,
      ...(seconds === undefined ? {} : { readyTimeoutSeconds: seconds }),
      ...(production ? { confirmName: typed } : {}),
    });
    if (!parsed.success) {
      const found = problemsOf(parsed.error);
      if (kind === 'archive' && !backup) found['source.backupId'] = 'Choose a backup';
      setProblems(found);
      return;
    }
    setProblems({});
    setBusy(true);
    setError(undefined);
    try {
      const { task, drillId } = await call('drills.start', parsed.data);
      setStarted({ task, drillId });
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  if (started) {
    return (
      <Modal label="Drill" onClose={onClose} wide>
        <h2>
          Drill of {shownNamespace} on {target?.name ?? targetConnectionId}
        </h2>
        <PhasedTaskView started={started.task} onClose={onClose} onEnded={onChanged} outcome={(task) => <DrillEnded drillId={started.drillId} task={task} onClose={onClose} />} />
      </Modal>
    );
  }

  return (
    <Modal label="Start a drill" onClose={requestClose} wide>
      <form onSubmit={(e) => void start(e)} noValidate>
        <h2>Start a drill</h2>
        <p className="muted">Restores a backup somewhere safe, waits for its workloads to be ready, verifies it against the backup, measures RTO and RPO, then cleans up and writes a report.</p>
        <fieldset className="choices">
          <legend>Source</legend>
          <label className="check">
            <input type="radio" name="drill-source" checked={kind === 'archive'} onChange={() => setKind('archive')} /> A Pilothouse backup
          </label>
          <label className="check">
            <input type="radio" name="drill-source" checked={kind === 'velero'} onChange={() => setKind('velero')} /> A Velero backup
          </label>
        </fieldset>
        {kind === 'archive' ? (
          <SelectField label="Backup" value={backup?.id ?? ''} problem={problems['source.backupId']} onChange={chooseBackup}>
            {!backup && <option value="">{backups.loading ? 'Reading backups…' : archives.length ? 'Choose…' : 'No complete backup yet'}</option>}
            {archives.map((b) => (
              <option key={b.id} value={b.id}>
                {b.namespaces.join(', ')} on {b.connectionName}, {formatTime(b.takenAt)} ({b.destinationName})
              </option>
            ))}
          </SelectField>
        ) : (
          <>
            <ConnectionField label="Cluster running Velero" connections={clusters} value={veleroConnectionId} onChange={setVeleroConnectionId} />
            {velero.value?.installed === false && <p className="notice">Velero is not installed on this cluster: its Backup kind is not served.</p>}
            {veleroBackups.length > 0 ? (
              <SelectField label="Velero backup" value={veleroBackup} onChange={setVeleroBackup}>
                {!chosenVelero && <option value="">Choose…</option>}
                {veleroBackups.map((b) => (
                  <option key={`${b.namespace}/${b.name}`} value={b.name}>
                    {b.name} ({b.phase ?? 'no phase'}
                    {b.createdAt ? `, ${formatTime(b.createdAt)}` : ''})
                  </option>
                ))}
              </SelectField>
            ) : (
              <TextField label="Velero backup" value={veleroBackup} problem={problems['source.backupName']} onChange={setVeleroBackup} mono />
            )}
          </>
        )}
        {offered.length > 1 ? (
          <SelectField label="Namespace to restore" value={shownNamespace} problem={problems.namespace} onChange={setNamespace}>
            {!offered.includes(shownNamespace) && <option value="">Choose…</option>}
            {offered.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </SelectField>
        ) : (
          <TextField label="Namespace to restore" value={shownNamespace} problem={problems.namespace} onChange={setNamespace} mono />
        )}
        <ConnectionField
          label="Restore on"
          connections={clusters}
          value={targetConnectionId}
          disabled={kind === 'velero'}
          onChange={setTargetConnectionId}
          hint={kind === 'velero' ? 'Velero restores into its own cluster.' : 'The same cluster, or another one to prove the backup restores elsewhere.'}
        />
        <TextField
          label="Restore into namespace"
          value={targetNamespace}
          problem={problems.targetNamespace}
          placeholder={`drill-${shownNamespace || '<namespace>'}-<time>`}
          onChange={setTargetNamespace}
          mono
          hint="Leave empty for a new namespace named after the drill."
        />
        <label className="check">
          <input type="checkbox" checked={allowExisting} aria-describedby={allowId} onChange={(e) => setAllowExisting(e.target.checked)} /> Allow a namespace that exists
        </label>
        <p id={allowId} className="muted">
          Without it a drill into a namespace that already exists is refused, so a drill never mixes with or overwrites objects it did not create. Tick it only for a namespace kept for drills.
        </p>
        <label className="check">
          <input type="checkbox" checked={keep} onChange={(e) => setKeep(e.target.checked)} /> Keep the restored namespace afterwards (Clean up… in the history removes it later)
        </label>
        <DurationField label="Wait for ready at most" amount={timeoutAmount} unit={timeoutUnit} placeholder="RTO target, else 10 minutes" problem={problems.readyTimeoutSeconds} onChange={(a, u) => {
          setTimeoutAmount(a);
          setTimeoutUnit(u);
        }} />
        {production && target && (
          <div className="notice notice-production">
            <strong>Production</strong>
            <p>{target.name} is a production cluster: the drill creates objects there.</p>
            <TypedConfirmation expected={target.name} what="the connection's name" actionLabel="Start drill" value={typed} onChange={setTyped} />
          </div>
        )}
        {problems.targetConnectionId && <p className="field-error">Choose where to restore.</p>}
        <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: requestClose, autoFocus: !production }} action={{ label: 'Start drill', busyLabel: 'Starting the drill…', busy, danger: production, disabled: unconfirmed }} />
      </form>
      {guard}
    </Modal>
  );
}

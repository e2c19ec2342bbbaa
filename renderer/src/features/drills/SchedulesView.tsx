import { useState, type FormEvent } from 'react';
import { ScheduleInput, type BackupDestination, type BackupSchedule, type ConnectionSummary } from '../../../../shared/contract';
import { call } from '../../api/client';
import { DialogFooter } from '../../shell/DialogFooter';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { plural } from '../../shell/format';
import { Modal } from '../../shell/Modal';
import { notifySuccess } from '../../shell/toastStore';
import { useNow } from '../../ui/useNow';
import { DestinationField, namespacesProblem } from './BackupDialog';
import { DestinationDialog } from './DestinationDialog';
import { ConfirmDeleteDialog } from './ConfirmDeleteDialog';
import { ConnectionField, TextField } from './DrillFields';
import { namespaceList, numberOf, problemsOf } from './drillsFormat';
import { When } from './NamespacesView';
import { useCloseGuard } from './useCloseGuard';

interface ScheduleDialogProps {
  /** The schedule edited; absent for a new one. */
  schedule?: BackupSchedule;
  connectionId: string;
  clusters: readonly ConnectionSummary[];
  awsConnections: readonly ConnectionSummary[];
  destinations: readonly BackupDestination[];
  onClose(): void;
  onChanged(): void;
}

/** Adds or edits a backup schedule: which namespaces, where, every how many hours, how many backups kept. */
function ScheduleDialog({ schedule, connectionId: pageConnection, clusters, awsConnections, destinations, onClose, onChanged }: ScheduleDialogProps) {
  const [connectionId, setConnectionId] = useState(schedule?.connectionId ?? (pageConnection || (clusters[0]?.id ?? '')));
  const [namespaces, setNamespaces] = useState(schedule?.namespaces.join(', ') ?? '');
  const [added, setAdded] = useState<BackupDestination[]>([]);
  const all = [...destinations, ...added.filter((a) => !destinations.some((d) => d.id === a.id))];
  const [destinationId, setDestinationId] = useState(schedule?.destinationId ?? (all.length === 1 ? all[0].id : ''));
  const [everyHours, setEveryHours] = useState(String(schedule?.everyHours ?? 24));
  const [keep, setKeep] = useState(String(schedule?.keep ?? 7));
  const [paused, setPaused] = useState(schedule?.paused ?? false);
  const [adding, setAdding] = useState(false);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView>();

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const names = namespaceList(namespaces);
    const parsed = ScheduleInput.safeParse({ ...(schedule ? { id: schedule.id } : {}), connectionId, namespaces: names, destinationId, everyHours: numberOf(everyHours), keep: numberOf(keep), paused });
    const found = parsed.success ? {} : problemsOf(parsed.error);
    const nsProblem = namespacesProblem(names);
    if (nsProblem) found.namespaces = nsProblem;
    if (!destinationId) found.destinationId = 'Choose a destination, or add one';
    setProblems(found);
    if (!parsed.success || Object.keys(found).length) return;
    setBusy(true);
    setError(undefined);
    try {
      await call('drills.saveSchedule', parsed.data);
      notifySuccess(schedule ? 'Saved the schedule' : 'Added the schedule');
      onChanged();
      onClose();
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  const title = schedule ? 'Edit backup schedule' : 'Add backup schedule';
  const { requestClose, guard } = useCloseGuard(title, { connectionId, namespaces, destinationId, everyHours, keep, paused }, onClose);
  return (
    <Modal label={title} onClose={requestClose}>
      <form onSubmit={(e) => void save(e)} noValidate>
        <h2>{title}</h2>
        <ConnectionField label="Connection" connections={clusters} value={connectionId} onChange={setConnectionId} />
        <TextField label="Namespaces" value={namespaces} problem={problems.namespaces} placeholder="team-a, team-b" onChange={setNamespaces} mono hint="Separated by commas or spaces." />
        <DestinationField destinations={all} value={destinationId} onChange={setDestinationId} onAdd={() => setAdding(true)} />
        {problems.destinationId && <p className="field-error">{problems.destinationId}</p>}
        <div className="drills-form-row">
          <TextField label="Every (hours)" type="number" value={everyHours} problem={problems.everyHours} onChange={setEveryHours} />
          <TextField label="Keep (newest complete backups)" type="number" value={keep} problem={problems.keep} onChange={setKeep} hint="Older ones and their archives are deleted." />
        </div>
        <label className="check">
          <input type="checkbox" checked={paused} onChange={(e) => setPaused(e.target.checked)} /> Paused
        </label>
        <p className="muted">Backups run while Pilothouse is open; one missed while it was closed is flagged overdue and runs at the next start.</p>
        <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: requestClose }} action={{ label: schedule ? 'Save schedule' : 'Add schedule', busyLabel: 'Saving…', busy }} />
      </form>
      {guard}
      {adding && (
        <DestinationDialog
          awsConnections={awsConnections}
          onClose={() => setAdding(false)}
          onSaved={(d) => {
            setAdded((list) => [...list, d]);
            setDestinationId(d.id);
            setAdding(false);
            onChanged();
          }}
        />
      )}
    </Modal>
  );
}

/** Asks before a schedule goes; its backups stay. */
function DeleteScheduleDialog({ schedule, onClose, onChanged }: { schedule: BackupSchedule; onClose(): void; onChanged(): void }) {
  return (
    <ConfirmDeleteDialog
      label="Delete backup schedule"
      heading={`Delete the schedule of ${schedule.namespaces.join(', ')}?`}
      action="Delete schedule"
      done="Deleted the schedule"
      remove={() => call('drills.deleteSchedule', { id: schedule.id })}
      onDeleted={() => {
        onChanged();
        onClose();
      }}
      onClose={onClose}
    >
      <p>No more backups are taken on it. The backups it made stay, with their archives.</p>
    </ConfirmDeleteDialog>
  );
}

interface SchedulesViewProps {
  schedules: readonly BackupSchedule[];
  destinations: readonly BackupDestination[];
  connectionId: string;
  clusters: readonly ConnectionSummary[];
  awsConnections: readonly ConnectionSummary[];
  showConnection: boolean;
  onChanged(): void;
}

/** Backup schedules: every how many hours, how many kept, when the next is due (overdue flagged), paused; add, edit, delete. */
export function SchedulesView({ schedules, destinations, connectionId, clusters, awsConnections, showConnection, onChanged }: SchedulesViewProps) {
  const now = useNow();
  const [editing, setEditing] = useState<BackupSchedule | 'new'>();
  const [deleting, setDeleting] = useState<BackupSchedule>();
  const nameOf = (id: string) => clusters.find((c) => c.id === id)?.name ?? id;
  const destinationOf = (id: string) => destinations.find((d) => d.id === id)?.name ?? id;

  return (
    <>
      <div className="page-header">
        <p className="muted">{plural(schedules.length, 'schedule')}</p>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          Add schedule…
        </button>
      </div>
      {schedules.length === 0 ? (
        <div className="empty">
          <p>No backup schedule. Add one to back namespaces up every few hours and keep the newest few; a drill then always has a recent backup to restore.</p>
        </div>
      ) : (
        <div className="table-scroll">
          <table className="data drills-table" aria-label="Schedules">
            <thead>
              <tr>
                <th>Namespaces</th>
                {showConnection && <th>Connection</th>}
                <th>Destination</th>
                <th>Every</th>
                <th>Keeps</th>
                <th>Last backup</th>
                <th>Next due</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {schedules.map((s) => (
                <tr key={s.id} className={s.overdue && !s.paused ? 'drills-overdue' : undefined}>
                  <td className="mono">
                    {s.namespaces.join(', ')}
                    {s.paused && <span className="badge tone-neutral drills-flag">paused</span>}
                  </td>
                  {showConnection && <td>{nameOf(s.connectionId)}</td>}
                  <td>{destinationOf(s.destinationId)}</td>
                  <td>{plural(s.everyHours, 'hour')}</td>
                  <td>{plural(s.keep, 'backup')}</td>
                  <td>
                    <When iso={s.lastBackupAt} now={now} />
                  </td>
                  <td>
                    {s.paused ? (
                      <span className="muted">paused</span>
                    ) : (
                      <>
                        <span className={s.overdue ? 'tone-bad' : undefined}>
                          <When iso={s.nextDueAt} now={now} />
                        </span>
                        {s.overdue && <span className="badge tone-bad drills-flag">overdue</span>}
                      </>
                    )}
                  </td>
                  <td className="row-actions">
                    <button type="button" onClick={() => setEditing(s)}>
                      Edit…
                    </button>
                    <button type="button" onClick={() => setDeleting(s)}>
                      Delete…
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <ScheduleDialog
          schedule={editing === 'new' ? undefined : editing}
          connectionId={connectionId}
          clusters={clusters}
          awsConnections={awsConnections}
          destinations={destinations}
          onClose={() => setEditing(undefined)}
          onChanged={onChanged}
        />
      )}
      {deleting && <DeleteScheduleDialog schedule={deleting} onClose={() => setDeleting(undefined)} onChanged={onChanged} />}
    </>
  );
}

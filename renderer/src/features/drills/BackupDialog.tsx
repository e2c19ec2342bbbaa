import { useState, type FormEvent } from 'react';
import { KubeNamespace, MAX_BACKUP_NAMESPACES, type BackupDestination, type ConnectionSummary, type TaskSummary } from '../../../../shared/contract';
import { call } from '../../api/client';
import { DialogFooter } from '../../shell/DialogFooter';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { Modal } from '../../shell/Modal';
import { DestinationDialog } from './DestinationDialog';
import { ConnectionField, TextField } from './DrillFields';
import { namespaceList } from './drillsFormat';
import { PhasedTaskView } from './PhasedTaskView';

/** Why a typed list of namespaces is refused, if it is. */
export function namespacesProblem(names: readonly string[]): string | undefined {
  if (!names.length) return 'Name at least one namespace';
  if (names.length > MAX_BACKUP_NAMESPACES) return `At most ${MAX_BACKUP_NAMESPACES} namespaces`;
  const bad = names.find((n) => !KubeNamespace.safeParse(n).success);
  return bad === undefined ? undefined : `“${bad}” is not a namespace name: lower-case letters, digits and "-"`;
}

/** Chooses where backups go, or adds a new place. */
export function DestinationField({ destinations, value, onChange, onAdd }: { destinations: readonly BackupDestination[]; value: string; onChange(id: string): void; onAdd(): void }) {
  return (
    <div className="inline-field">
      <label className="field">
        <span>Destination</span>
        <select value={value} onChange={(e) => onChange(e.target.value)}>
          {!destinations.some((d) => d.id === value) && <option value="">{destinations.length ? 'Choose…' : 'None yet: add one'}</option>}
          {destinations.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} ({d.target.kind === 'folder' ? d.target.path : `s3://${d.target.bucket}/${d.target.prefix}`})
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={onAdd}>
        Add destination…
      </button>
    </div>
  );
}

interface BackupDialogProps {
  /** What the dialog starts with: the page's connection, a namespace's row. */
  initial: { connectionId: string; namespaces: string[] };
  clusters: readonly ConnectionSummary[];
  awsConnections: readonly ConnectionSummary[];
  destinations: readonly BackupDestination[];
  onClose(): void;
  /** A destination was added or the backup ended: the page reads again. */
  onChanged(): void;
}

/** Backs up namespaces now to a destination, then follows the backup task to its end. */
export function BackupDialog({ initial, clusters, awsConnections, destinations, onClose, onChanged }: BackupDialogProps) {
  const [connectionId, setConnectionId] = useState(initial.connectionId || (clusters[0]?.id ?? ''));
  const [namespaces, setNamespaces] = useState(initial.namespaces.join(', '));
  const [added, setAdded] = useState<BackupDestination[]>([]);
  const all = [...destinations, ...added.filter((a) => !destinations.some((d) => d.id === a.id))];
  const [destinationId, setDestinationId] = useState(all.length === 1 ? all[0].id : '');
  const [adding, setAdding] = useState(false);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView>();
  const [started, setStarted] = useState<TaskSummary>();

  const start = async (e: FormEvent) => {
    e.preventDefault();
    const names = namespaceList(namespaces);
    const found: Record<string, string> = {};
    const nsProblem = namespacesProblem(names);
    if (nsProblem) found.namespaces = nsProblem;
    if (!connectionId) found.connectionId = 'Choose a connection';
    if (!destinationId) found.destinationId = 'Choose a destination, or add one';
    setProblems(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setError(undefined);
    try {
      setStarted((await call('drills.startBackup', { connectionId, namespaces: names, destinationId })).task);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <Modal label="Back up now" onClose={onClose}>
      <h2>Back up now</h2>
      {started ? (
        <PhasedTaskView started={started} onClose={onClose} onEnded={onChanged} />
      ) : (
        <form onSubmit={(e) => void start(e)} noValidate>
          <ConnectionField label="Connection" connections={clusters} value={connectionId} onChange={setConnectionId} />
          <TextField
            label="Namespaces"
            value={namespaces}
            problem={problems.namespaces}
            placeholder="team-a, team-b"
            onChange={setNamespaces}
            mono
            hint="Separated by commas or spaces. Every listable kind in them is saved, custom resources too; Secrets are encrypted in the archive."
          />
          <DestinationField destinations={all} value={destinationId} onChange={setDestinationId} onAdd={() => setAdding(true)} />
          {problems.destinationId && <p className="field-error">{problems.destinationId}</p>}
          <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: onClose }} action={{ label: 'Start backup', busyLabel: 'Starting…', busy }} />
        </form>
      )}
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

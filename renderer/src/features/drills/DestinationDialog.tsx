import { useState, type FormEvent } from 'react';
import { DestinationTarget, type BackupDestination, type ConnectionSummary } from '../../../../shared/contract';
import { call } from '../../api/client';
import { DialogFooter } from '../../shell/DialogFooter';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { Modal } from '../../shell/Modal';
import { ConnectionField, TextField } from './DrillFields';
import { problemsOf } from './drillsFormat';

/**
 * A new place for backups: a folder (its full path, created if missing) or
 * an S3 bucket reached through a stored AWS connection. The services check
 * the folder is writable or the bucket answers before it is saved.
 */
export function DestinationDialog({ awsConnections, onClose, onSaved }: { awsConnections: readonly ConnectionSummary[]; onClose(): void; onSaved(destination: BackupDestination): void }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<DestinationTarget['kind']>('folder');
  const [path, setPath] = useState('');
  const [awsConnectionId, setAwsConnectionId] = useState(awsConnections[0]?.id ?? '');
  const [bucket, setBucket] = useState('');
  const [prefix, setPrefix] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView>();

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const target = DestinationTarget.safeParse(kind === 'folder' ? { kind, path: path.trim() } : { kind, awsConnectionId, bucket: bucket.trim(), prefix: prefix.trim() });
    const found = target.success ? {} : problemsOf(target.error);
    if (!name.trim()) found.name = 'Required';
    setProblems(found);
    if (!target.success || !name.trim()) return;
    setBusy(true);
    setError(undefined);
    try {
      onSaved(await call('drills.saveDestination', { name: name.trim(), target: target.data }));
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <Modal label="Add destination" onClose={onClose}>
      <form onSubmit={(e) => void save(e)} noValidate>
        <h2>Add destination</h2>
        <TextField label="Name" value={name} problem={problems.name} placeholder="Team backups" onChange={setName} />
        <fieldset className="choices">
          <legend>Where</legend>
          <label className="check">
            <input type="radio" name="destination-kind" checked={kind === 'folder'} onChange={() => setKind('folder')} /> A folder on this machine
          </label>
          <label className="check">
            <input type="radio" name="destination-kind" checked={kind === 's3'} onChange={() => setKind('s3')} /> An S3 bucket
          </label>
        </fieldset>
        {kind === 'folder' ? (
          <TextField label="Folder (full path)" value={path} problem={problems.path} placeholder="/home/me/backups" onChange={setPath} mono hint="Created if missing; each backup is a folder inside it." />
        ) : awsConnections.length === 0 ? (
          <p className="notice" role="status">
            No AWS connection is stored. Add one on the Connections page (its keys and region, or an endpoint for an S3-compatible store), then come back.
          </p>
        ) : (
          <>
            <ConnectionField label="AWS connection" connections={awsConnections} value={awsConnectionId} onChange={setAwsConnectionId} hint="Its region and endpoint are used." />
            <TextField label="Bucket" value={bucket} problem={problems.bucket ?? problems.awsConnectionId} placeholder="team-backups" onChange={setBucket} mono />
            <TextField label="Prefix (optional)" value={prefix} problem={problems.prefix} placeholder="pilothouse/" onChange={setPrefix} mono />
          </>
        )}
        <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: onClose }} action={{ label: 'Add destination', busyLabel: 'Checking it…', busy, disabled: kind === 's3' && awsConnections.length === 0 }} />
      </form>
    </Modal>
  );
}

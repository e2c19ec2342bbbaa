import { Fragment, useState } from 'react';
import type { BackupSummary } from '../../../../shared/contract';
import { call } from '../../api/client';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { formatBytes, plural } from '../../shell/format';
import { useNow } from '../../ui/useNow';
import { useQuery } from '../../ui/useQuery';
import { ConfirmDeleteDialog } from './ConfirmDeleteDialog';
import { When } from './NamespacesView';

const STATUS_TONE: Record<BackupSummary['status'], string> = { running: 'tone-neutral', complete: 'tone-ok', failed: 'tone-bad' };

type Verified = { ok: boolean; files: number; problems: string[] } | { error: ErrorView };

/** A backup's verification: every file matched, or the problems naming the files. */
function Verification({ result }: { result: Verified }) {
  if ('error' in result) return <ErrorNotice error={{ ...result.error, title: `Could not verify: ${result.error.title.toLowerCase()}` }} />;
  if (result.ok) {
    return (
      <p className="tone-ok" role="status">
        Verified: all {plural(result.files, 'file')} match the manifest.
      </p>
    );
  }
  return (
    <div className="notice notice-error" role="alert">
      <strong>The archive does not match its manifest</strong>
      <ul>
        {result.problems.map((p, i) => (
          <li key={i} className="mono">
            {p}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Asks before a backup's archive and record are deleted. */
function DeleteBackupDialog({ backup, onClose, onDeleted }: { backup: BackupSummary; onClose(): void; onDeleted(): void }) {
  return (
    <ConfirmDeleteDialog
      label={`Delete backup ${backup.name}`}
      heading={`Delete backup ${backup.name}?`}
      action="Delete backup"
      done={`Deleted backup ${backup.name}`}
      remove={() => call('drills.deleteBackup', { id: backup.id })}
      onDeleted={onDeleted}
      onClose={onClose}
    >
      <p>
        Its archive at <span className="mono">{backup.location}</span> is deleted with its record. Drills of it stay in the history. This is recorded in the audit log and cannot be undone.
      </p>
    </ConfirmDeleteDialog>
  );
}

interface BackupsViewProps {
  connectionId?: string;
  showConnection: boolean;
  refreshKey: string;
  onBackup(): void;
  onDrill(backup: BackupSummary): void;
  onChanged(): void;
}

/** The most backups read: the contract's most. */
const BACKUPS_LIMIT = 1000;
/** Rows the table shows at first, and adds each time more are asked for. */
const PAGE = 100;

/** Pilothouse's backups, newest first: where each is, what it holds and what it could not read; verify, drill or delete one. */
export function BackupsView({ connectionId, showConnection, refreshKey, onBackup, onDrill, onChanged }: BackupsViewProps) {
  const now = useNow();
  const query = useQuery('drills.backups', { ...(connectionId ? { connectionId } : {}), limit: BACKUPS_LIMIT }, { refreshKey, keepPrevious: true });
  const [verified, setVerified] = useState<Record<string, Verified | 'busy'>>({});
  const [deleting, setDeleting] = useState<BackupSummary>();
  const [rowsShown, setRowsShown] = useState(PAGE);
  const backups = query.value;
  const cut = (backups?.length ?? 0) >= BACKUPS_LIMIT;

  const verify = async (b: BackupSummary) => {
    setVerified((v) => ({ ...v, [b.id]: 'busy' }));
    let result: Verified;
    try {
      result = await call('drills.verifyBackup', { id: b.id });
    } catch (err) {
      result = { error: describeError(err) };
    }
    setVerified((v) => ({ ...v, [b.id]: result }));
  };

  return (
    <>
      <div className="page-header">
        <p className="muted" aria-live="polite">
          {backups ? (cut ? `The newest ${BACKUPS_LIMIT.toLocaleString()} backups; older ones are not listed.` : plural(backups.length, 'backup')) : query.loading ? 'Reading backups…' : ''}
        </p>
        <div className="page-header-actions">
          <button type="button" onClick={query.refetch} disabled={query.loading}>
            {query.loading ? 'Reading…' : 'Refresh'}
          </button>
          <button type="button" className="primary" onClick={onBackup}>
            Back up now…
          </button>
        </div>
      </div>
      {query.error !== undefined && <ErrorNotice error={{ ...describeError(query.error, { refresh: query.refetch }), title: 'Could not read the backups' }} />}
      {backups?.length === 0 && (
        <div className="empty">
          <p>No backups yet. “Back up now…” saves namespaces to a folder or an S3 bucket; a schedule does it every few hours.</p>
        </div>
      )}
      {backups && backups.length > 0 && (
        <div className="table-scroll">
          <table className="data drills-table" aria-label="Backups">
            <thead>
              <tr>
                <th>Namespaces</th>
                {showConnection && <th>Connection</th>}
                <th>Location</th>
                <th>Taken</th>
                <th>Objects</th>
                <th>Secrets</th>
                <th>Size</th>
                <th>Status</th>
                <th>Skipped kinds</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {backups.slice(0, rowsShown).map((b) => {
                const check = verified[b.id];
                return (
                  <Fragment key={b.id}>
                    <tr>
                      <td className="mono">{b.namespaces.join(', ')}</td>
                      {showConnection && <td>{b.connectionName}</td>}
                      <td className="mono clip" title={b.location}>
                        {b.destinationName}: {b.location}
                      </td>
                      <td>
                        <When iso={b.takenAt} now={now} />
                      </td>
                      <td className="drills-number">{b.objectCount.toLocaleString()}</td>
                      <td className="drills-number">{b.secretCount.toLocaleString()}</td>
                      <td className="drills-number">{formatBytes(b.bytes)}</td>
                      <td>
                        <span className={`badge ${STATUS_TONE[b.status]}`} title={b.error}>
                          {b.status}
                        </span>
                        {b.error && <p className="field-error">{b.error}</p>}
                      </td>
                      <td>
                        {b.skipped.length ? (
                          <details>
                            <summary className="tone-warn">{plural(b.skipped.length, 'kind')} not saved</summary>
                            <ul className="drills-skipped">
                              {b.skipped.map((s) => (
                                <li key={s.resource}>
                                  <span className="mono">{s.resource}</span>: {s.reason}
                                </li>
                              ))}
                            </ul>
                          </details>
                        ) : (
                          <span className="muted">none</span>
                        )}
                      </td>
                      <td className="row-actions">
                        <button type="button" disabled={b.status !== 'complete' || check === 'busy'} onClick={() => void verify(b)}>
                          {check === 'busy' ? 'Verifying…' : 'Verify'}
                        </button>
                        <button type="button" disabled={b.status !== 'complete'} onClick={() => onDrill(b)}>
                          Drill…
                        </button>
                        <button type="button" disabled={b.status === 'running'} onClick={() => setDeleting(b)}>
                          Delete…
                        </button>
                      </td>
                    </tr>
                    {check !== undefined && check !== 'busy' && (
                      <tr className="details-row">
                        <td colSpan={showConnection ? 10 : 9}>
                          <Verification result={check} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {backups && backups.length > rowsShown && (
        <div className="button-row">
          <span className="muted">
            {rowsShown.toLocaleString()} of {backups.length.toLocaleString()} shown
          </span>
          <button type="button" onClick={() => setRowsShown((n) => n + PAGE)}>
            Show {Math.min(PAGE, backups.length - rowsShown)} more
          </button>
        </div>
      )}
      {deleting && (
        <DeleteBackupDialog
          backup={deleting}
          onClose={() => setDeleting(undefined)}
          onDeleted={() => {
            setDeleting(undefined);
            onChanged();
          }}
        />
      )}
    </>
  );
}

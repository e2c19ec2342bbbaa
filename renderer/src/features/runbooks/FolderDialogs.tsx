import { useState, type FormEvent, type ReactNode } from 'react';
import type { TaskSummary } from '../../../../shared/contract';
import { call } from '../../api/client';
import { useAppInfo } from '../../shell/appInfoStore';
import { DialogFooter } from '../../shell/DialogFooter';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { Modal } from '../../shell/Modal';
import { RunbookTaskView } from './RunbookTaskView';

interface FolderFormProps {
  what: 'import' | 'export';
  /** Starts the task; `folder` undefined asks the desktop app's native picker. */
  run(folder: string | undefined): Promise<{ task: TaskSummary }>;
  onClose(): void;
  children?: ReactNode;
}

/** A folder path (typed; or, for an import in the desktop app, picked), then the task it starts, followed to its end. */
function FolderTaskDialog({ what, run, onClose, children }: FolderFormProps) {
  const nativeFileDialog = useAppInfo((s) => s.info?.capabilities.nativeFileDialog ?? false);
  const pick = what === 'import' && nativeFileDialog;
  const [folder, setFolder] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView>();
  const [started, setStarted] = useState<TaskSummary>();
  const title = what === 'import' ? 'Import runbooks' : 'Export runbooks';

  const start = async (chosen: string | undefined) => {
    setBusy(true);
    setError(undefined);
    try {
      setStarted((await run(chosen)).task);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!folder.trim()) return setError({ code: 'VALIDATION', title: 'Type a folder', message: 'Type the full path of the folder, e.g. /home/me/runbooks.' });
    void start(folder.trim());
  };

  return (
    <Modal label={title} onClose={onClose}>
      <h2>{title}</h2>
      {started ? (
        <RunbookTaskView started={started} onClose={onClose} />
      ) : (
        <form onSubmit={submit}>
          {children}
          {pick && (
            <p>
              <button type="button" className="primary" disabled={busy} onClick={() => void start(undefined)}>
                Choose a folder…
              </button>{' '}
              <span className="muted">or type its path:</span>
            </p>
          )}
          <label className="field">
            <span>Folder (full path)</span>
            <input value={folder} spellCheck={false} autoComplete="off" autoFocus={!pick} placeholder="/home/me/runbooks" onChange={(e) => setFolder(e.target.value)} />
          </label>
          <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: onClose }} action={{ label: what === 'import' ? 'Import' : 'Export', busyLabel: 'Starting…', busy }} />
        </form>
      )}
    </Modal>
  );
}

/** Imports every `.md` file under a folder, recursively, as a task; the folder is picked (desktop) or typed (browser). */
export function ImportRunbooksDialog({ onClose }: { onClose(): void }) {
  return (
    <FolderTaskDialog what="import" run={(folder) => call('runbooks.import', folder === undefined ? {} : { folder })} onClose={onClose}>
      <p className="muted">Every .md file under the folder is imported, its front matter read; files imported before from the same place get a new version. Nothing outside the folder is read, not even through links.</p>
    </FolderTaskDialog>
  );
}

/** Writes every runbook to a folder as `.md` files with front matter, as a task. */
export function ExportRunbooksDialog({ onClose }: { onClose(): void }) {
  return (
    // An export has no picker: the folder is always typed, so `folder` is set.
    <FolderTaskDialog what="export" run={(folder) => call('runbooks.export', { folder: folder ?? '' })} onClose={onClose}>
      <p className="muted">Every runbook is written to the folder as a Markdown file with its front matter.</p>
    </FolderTaskDialog>
  );
}

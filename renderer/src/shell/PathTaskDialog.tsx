import { useState, type FormEvent, type ReactNode } from 'react';
import type { TaskSummary } from '../../../shared/contract';
import { useAppInfo } from './appInfoStore';
import { DialogFooter } from './DialogFooter';
import { describeError, type ErrorView } from './errorActions';
import { Modal } from './Modal';
import { TaskProgressView } from './TaskProgressView';

/** What the dialog asks for and says, e.g. a folder to import runbooks from. */
export interface PathTaskWording {
  /** The dialog's heading and accessible name: "Import runbooks". */
  title: string;
  /** The path field's label: "Folder (full path)". */
  pathLabel: string;
  placeholder: string;
  /** The submit button: "Import". */
  actionLabel: string;
  /** The desktop app's native picker button, when it has one: "Choose a folder…". */
  pickLabel?: string;
  /** Why an empty path is refused, as a title and message. */
  emptyPath: { title: string; message: string };
}

interface PathTaskDialogProps extends PathTaskWording {
  /** Starts the task; `path` undefined asks the desktop app's native picker. */
  run(path: string | undefined): Promise<{ task: TaskSummary }>;
  /** Why a typed path is refused before it is sent, if it is. */
  check?(path: string): string | undefined;
  onClose(): void;
  children?: ReactNode;
}

/**
 * A path (typed; or, in the desktop app when `pickLabel` is given, picked),
 * then the task it starts, followed to its end: an import or an export of
 * files.
 */
export function PathTaskDialog({ title, pathLabel, placeholder, actionLabel, pickLabel, emptyPath, run, check, onClose, children }: PathTaskDialogProps) {
  const nativeFileDialog = useAppInfo((s) => s.info?.capabilities.nativeFileDialog ?? false);
  const pick = pickLabel !== undefined && nativeFileDialog;
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView>();
  const [started, setStarted] = useState<TaskSummary>();

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
    const typed = path.trim();
    if (!typed) return setError({ code: 'VALIDATION', ...emptyPath });
    const refused = check?.(typed);
    if (refused !== undefined) return setError({ code: 'VALIDATION', title: 'Check the path', message: refused });
    void start(typed);
  };

  return (
    <Modal label={title} onClose={onClose}>
      <h2>{title}</h2>
      {started ? (
        <TaskProgressView started={started} onClose={onClose} />
      ) : (
        <form onSubmit={submit}>
          {children}
          {pick && (
            <p>
              <button type="button" className="primary" disabled={busy} onClick={() => void start(undefined)}>
                {pickLabel}
              </button>{' '}
              <span className="muted">or type its path:</span>
            </p>
          )}
          <label className="field">
            <span>{pathLabel}</span>
            <input value={path} spellCheck={false} autoComplete="off" autoFocus={!pick} placeholder={placeholder} onChange={(e) => setPath(e.target.value)} />
          </label>
          <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: onClose }} action={{ label: actionLabel, busyLabel: 'Starting…', busy }} />
        </form>
      )}
    </Modal>
  );
}

import { useState, type FormEvent } from 'react';
import type { SpecSaved } from '../../../../shared/contract';
import { call } from '../../api/client';
import { DialogFooter } from '../../shell/DialogFooter';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { Modal } from '../../shell/Modal';
import { notifySuccess, useToasts } from '../../shell/toastStore';
import { useQuery } from '../../ui/useQuery';
import { absolutePathProblem } from './SpecFolderDialogs';

/** Says a save or revert worked, and, when its version could not be committed to the spec repository, why (the version is saved all the same). */
export function notifySaved(title: string, saved: SpecSaved, detail: string): void {
  if (!saved.gitProblem) return notifySuccess(title, detail);
  useToasts.getState().push({ tone: 'error', title: `${title}, but not committed to git`, message: `${detail} ${saved.gitProblem}` });
}

/** The git work tree each saved version is committed into: shown, set to a typed path, or cleared. */
export function GitRepositoryDialog({ onClose }: { onClose(): void }) {
  const current = useQuery('pipelines.gitRepository', {});
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView>();

  const apply = async (next: string | undefined) => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await call('pipelines.setGitRepository', next === undefined ? {} : { path: next });
      notifySuccess(answer.path ? 'Saved versions are committed to git' : 'Saved versions are no longer committed to git', answer.path);
      onClose();
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const typed = path.trim();
    const refused = typed ? absolutePathProblem(typed) : 'Type the full path of a git work tree, e.g. /home/me/pipelines-repo.';
    if (refused) return setError({ code: 'VALIDATION', title: 'Check the path', message: refused });
    void apply(typed);
  };

  return (
    <Modal label="Git repository for specs" onClose={onClose}>
      <h2>Git repository for specs</h2>
      <p className="muted">Each saved version is committed into this work tree as &lt;name&gt;.yaml, with its message and author, so specs live as code. A commit that fails leaves the version saved and says why.</p>
      {current.error !== undefined ? (
        <p className="field-error">Could not tell which repository is set: {describeError(current.error).message}</p>
      ) : !current.value ? (
        <p className="muted">Loading…</p>
      ) : current.value.path ? (
        <p>
          Committing into <span className="mono">{current.value.path}</span>.{current.value.problem && <span className="field-error"> {current.value.problem}</span>}
        </p>
      ) : (
        <p>No repository is set: versions are kept in Pilothouse only.</p>
      )}
      <form onSubmit={submit}>
        <label className="field">
          <span>Work tree (full path)</span>
          <input value={path} spellCheck={false} autoComplete="off" autoFocus placeholder="/home/me/pipelines-repo" onChange={(e) => setPath(e.target.value)} />
        </label>
        {current.value?.path && (
          <p>
            <button type="button" disabled={busy} onClick={() => void apply(undefined)}>
              Stop committing
            </button>
          </p>
        )}
        <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: onClose }} action={{ label: 'Use this repository', busyLabel: 'Checking…', busy }} />
      </form>
    </Modal>
  );
}

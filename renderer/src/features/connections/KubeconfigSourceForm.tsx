import { useId, type ChangeEvent } from 'react';
import type { KubeconfigSource } from '../../../../shared/contract';
import { call } from '../../api/client';
import { importSizeProblem, readUploadedFile, utf8Length } from './readUpload';

/** Where the user said the kubeconfig is. */
export type KubeSourceChoice = 'default' | 'env' | 'path' | 'upload' | 'paste';

/** The source step's fields; kept while the dialog is open so "Back" does not lose them. */
export interface KubeSourceDraft {
  choice: KubeSourceChoice;
  path: string;
  /** The picked file; `data` (its bytes, base64) is null when it is too large to read. */
  upload: { fileName: string; size: number; data: string | null } | null;
  pasted: string;
}

export const emptyKubeSourceDraft: KubeSourceDraft = { choice: 'default', path: '', upload: null, pasted: '' };

const choiceLabels: Record<KubeSourceChoice, string> = {
  default: '~/.kube/config',
  env: '$KUBECONFIG',
  path: 'File path',
  upload: 'Upload file',
  paste: 'Paste',
};

/** The contract source for a draft, or what is missing. */
export function kubeSourceOf(draft: KubeSourceDraft): KubeconfigSource | { missing: string } {
  switch (draft.choice) {
    case 'default':
    case 'env':
      return { kind: draft.choice };
    case 'path':
      return draft.path.trim() ? { kind: 'path', path: draft.path.trim() } : { missing: 'Type the full path of the kubeconfig file.' };
    case 'upload':
      return draft.upload?.data ? { kind: 'upload', fileName: draft.upload.fileName, data: draft.upload.data } : { missing: 'Choose a kubeconfig file to upload.' };
    case 'paste':
      return draft.pasted.trim() ? { kind: 'text', text: draft.pasted } : { missing: 'Paste the kubeconfig text.' };
  }
}

/** Why the draft's pasted text or picked file is too large to send, if it is. */
export function kubeSourceSizeProblem(draft: KubeSourceDraft): string | undefined {
  if (draft.choice === 'paste') return importSizeProblem(utf8Length(draft.pasted));
  if (draft.choice === 'upload' && draft.upload) return importSizeProblem(draft.upload.size);
  return undefined;
}

interface KubeconfigSourceFormProps {
  draft: KubeSourceDraft;
  /** From {@link kubeSourceSizeProblem}: shown under the field, and Preview stays disabled. */
  sizeProblem: string | undefined;
  onChange(patch: Partial<KubeSourceDraft>): void;
  onError(err: unknown): void;
  /** The field "Choose another file" focuses: the input of the current choice. */
  focusRef: { current: HTMLElement | null };
  nativeFileDialog: boolean;
}

/** Picks the kubeconfig: default file, $KUBECONFIG, a path (or native picker), an upload, or pasted text. */
export function KubeconfigSourceForm({ draft, sizeProblem, onChange, onError, focusRef, nativeFileDialog }: KubeconfigSourceFormProps) {
  const problemId = useId();
  const browse = async () => {
    try {
      const { path } = await call('connections.chooseKubeconfigFile', {});
      if (path) onChange({ path });
    } catch (err) {
      onError(err);
    }
  };

  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.currentTarget;
    const file = input.files?.[0];
    if (!file) return onChange({ upload: null });
    // Too large: not read at all, only said so.
    if (importSizeProblem(file.size)) return onChange({ upload: { fileName: file.name, size: file.size, data: null } });
    try {
      onChange({ upload: { fileName: file.name, size: file.size, data: await readUploadedFile(file) } });
    } catch (err) {
      input.value = '';
      onChange({ upload: null });
      onError(err);
    }
  };

  const focusTarget = (el: HTMLElement | null) => {
    focusRef.current = el;
  };
  const radioRef = (choice: KubeSourceChoice) => (draft.choice === choice && (choice === 'default' || choice === 'env') ? focusTarget : undefined);
  const problemProps = sizeProblem ? { 'aria-invalid': true, 'aria-describedby': problemId } : {};
  const problem = sizeProblem && (
    <p id={problemId} className="field-error">
      {sizeProblem}
    </p>
  );

  return (
    <>
      <fieldset className="choices">
        <legend>Kubeconfig source</legend>
        {(Object.keys(choiceLabels) as KubeSourceChoice[]).map((choice) => (
          <label key={choice} className="check">
            <input
              type="radio"
              name="kubeconfig-source"
              ref={radioRef(choice)}
              checked={draft.choice === choice}
              onChange={() => onChange({ choice })}
            />
            {choiceLabels[choice]}
          </label>
        ))}
      </fieldset>
      {draft.choice === 'path' && (
        <div className="inline-field">
          <label className="field grow">
            <span>Kubeconfig path</span>
            <input
              ref={focusTarget}
              value={draft.path}
              placeholder="/home/me/.kube/prod.yaml"
              spellCheck={false}
              onChange={(e) => onChange({ path: e.target.value })}
            />
          </label>
          {nativeFileDialog && (
            <button type="button" onClick={() => void browse()}>
              Browse…
            </button>
          )}
        </div>
      )}
      {draft.choice === 'upload' && (
        <label className="field">
          <span>Kubeconfig file</span>
          <input ref={focusTarget} type="file" onChange={(e) => void upload(e)} {...problemProps} />
          {draft.upload?.data && <span className="muted">Read {draft.upload.fileName}</span>}
          {problem}
        </label>
      )}
      {draft.choice === 'paste' && (
        <label className="field">
          <span>Kubeconfig text</span>
          <textarea
            ref={focusTarget}
            rows={10}
            spellCheck={false}
            autoComplete="off"
            value={draft.pasted}
            onChange={(e) => onChange({ pasted: e.target.value })}
            {...problemProps}
          />
          {problem}
        </label>
      )}
    </>
  );
}

import { useState } from 'react';
import type { AwsProfilesPreview, AwsProfilesSource } from '../../../../shared/contract';
import { call } from '../../api/client';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { Modal } from '../../shell/Modal';
import { AwsKeysForm } from './AwsKeysForm';
import { AwsProfilesPreviewStep } from './AwsProfilesPreviewStep';
import { DialogFooter } from '../../shell/DialogFooter';
import { useFocusLater } from '../../shell/useFocusLater';

type AwsMode = 'default' | 'paste' | 'keys';

const modeLabels: Record<AwsMode, string> = {
  default: 'From ~/.aws',
  paste: 'Paste config/credentials',
  keys: 'Access keys',
};

interface PastedFiles {
  config: string;
  credentials: string;
}

function PasteFields({ pasted, onChange, focusRef }: { pasted: PastedFiles; onChange(p: PastedFiles): void; focusRef: { current: HTMLElement | null } }) {
  return (
    <>
      <label className="field">
        <span>AWS config</span>
        <textarea
          ref={(el) => {
            focusRef.current = el;
          }}
          rows={7}
          spellCheck={false}
          autoComplete="off"
          placeholder={'[profile ml-prod]\nregion = eu-west-1'}
          value={pasted.config}
          onChange={(e) => onChange({ ...pasted, config: e.target.value })}
        />
      </label>
      <label className="field">
        <span>AWS credentials</span>
        <textarea rows={5} spellCheck={false} autoComplete="off" value={pasted.credentials} onChange={(e) => onChange({ ...pasted, credentials: e.target.value })} />
      </label>
    </>
  );
}

/** The profiles source for a mode, or what is missing. */
function profilesSourceOf(mode: 'default' | 'paste', pasted: PastedFiles): AwsProfilesSource | { missing: string } {
  if (mode === 'default') return { kind: 'default' };
  if (!pasted.config.trim() && !pasted.credentials.trim()) return { missing: 'Paste the text of your AWS config file, credentials file, or both.' };
  return { kind: 'text', ...(pasted.config.trim() ? { config: pasted.config } : {}), ...(pasted.credentials.trim() ? { credentials: pasted.credentials } : {}) };
}

/** Adds AWS accounts: profiles from ~/.aws or pasted files (preview, then import), or typed access keys. */
export function AddAwsDialog({ onClose }: { onClose(): void }) {
  const [mode, setMode] = useState<AwsMode>('default');
  const [pasted, setPasted] = useState<PastedFiles>({ config: '', credentials: '' });
  const [previewed, setPreviewed] = useState<{ source: AwsProfilesSource; preview: AwsProfilesPreview } | null>(null);
  const [error, setError] = useState<ErrorView>();
  const [busy, setBusy] = useState(false);
  const { ref: focusRef, focusLater: focusSource } = useFocusLater();

  const chooseAnotherFile = () => {
    setPreviewed(null);
    focusSource();
  };

  const runPreview = async (m: 'default' | 'paste') => {
    setError(undefined);
    const source = profilesSourceOf(m, pasted);
    if ('missing' in source) return setError({ code: 'VALIDATION', title: 'Nothing pasted', message: source.missing });
    setBusy(true);
    try {
      setPreviewed({ source, preview: await call('connections.previewAwsProfiles', { source }) });
    } catch (err) {
      setError(describeError(err, { chooseFile: chooseAnotherFile }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal label="Add AWS account" onClose={onClose} wide>
      <h2>Add AWS account</h2>
      {previewed ? (
        <AwsProfilesPreviewStep source={previewed.source} preview={previewed.preview} onBack={chooseAnotherFile} onClose={onClose} />
      ) : (
        <>
          <fieldset className="choices">
            <legend>How to add it</legend>
            {(Object.keys(modeLabels) as AwsMode[]).map((m) => (
              <label key={m} className="check">
                <input
                  type="radio"
                  name="aws-mode"
                  checked={mode === m}
                  ref={
                    mode === m && m === 'default'
                      ? (el) => {
                          focusRef.current = el;
                        }
                      : undefined
                  }
                  onChange={() => {
                    setMode(m);
                    setError(undefined);
                  }}
                />
                {modeLabels[m]}
              </label>
            ))}
          </fieldset>
          {mode === 'keys' ? (
            <AwsKeysForm onAdded={onClose} onCancel={onClose} />
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void runPreview(mode);
              }}
            >
              {mode === 'default' ? (
                <p className="muted">Reads ~/.aws/config and ~/.aws/credentials (or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE) where Pilothouse runs.</p>
              ) : (
                <PasteFields pasted={pasted} onChange={setPasted} focusRef={focusRef} />
              )}
              <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: onClose }} action={{ label: 'Preview', busyLabel: 'Reading…', busy }} />
            </form>
          )}
        </>
      )}
    </Modal>
  );
}

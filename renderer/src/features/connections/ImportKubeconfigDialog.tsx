import { useMemo, useState } from 'react';
import type { KubeconfigPreview, KubeconfigSource } from '../../../../shared/contract';
import { call } from '../../api/client';
import { useAppInfo } from '../../shell/appInfoStore';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { Modal } from '../../shell/Modal';
import { emptyKubeSourceDraft, KubeconfigSourceForm, kubeSourceOf, kubeSourceSizeProblem, type KubeSourceDraft } from './KubeconfigSourceForm';
import { KubeconfigPreviewStep } from './KubeconfigPreviewStep';
import { DialogFooter } from '../../shell/DialogFooter';
import { useFocusLater } from '../../shell/useFocusLater';

/**
 * Imports contexts from a kubeconfig: choose the source, preview its contexts,
 * resolve name clashes, import. Pasted or uploaded text lives only in this
 * dialog's state and is gone when it closes.
 */
export function ImportKubeconfigDialog({ onClose }: { onClose(): void }) {
  const nativeFileDialog = useAppInfo((s) => s.info?.capabilities.nativeFileDialog ?? false);
  const [draft, setDraft] = useState<KubeSourceDraft>(emptyKubeSourceDraft);
  const [previewed, setPreviewed] = useState<{ source: KubeconfigSource; preview: KubeconfigPreview } | null>(null);
  const [error, setError] = useState<ErrorView>();
  const [busy, setBusy] = useState(false);
  const { ref: focusRef, focusLater: focusSource } = useFocusLater();
  // Counted once per change: a paste can be tens of MB.
  const sizeProblem = useMemo(() => kubeSourceSizeProblem(draft), [draft]);

  const chooseAnotherFile = () => {
    setPreviewed(null);
    focusSource();
  };
  const showError = (err: unknown) => setError(describeError(err, { chooseFile: chooseAnotherFile }));

  const runPreview = async () => {
    setError(undefined);
    // Already said under the field; nothing is sent.
    if (sizeProblem) return;
    const source = kubeSourceOf(draft);
    if ('missing' in source) {
      setError({ code: 'VALIDATION', title: 'Choose a kubeconfig', message: source.missing });
      return chooseAnotherFile();
    }
    setBusy(true);
    try {
      setPreviewed({ source, preview: await call('connections.previewKubeconfig', { source }) });
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal label="Import kubeconfig" onClose={onClose} wide>
      <h2>Import kubeconfig</h2>
      {previewed ? (
        <KubeconfigPreviewStep source={previewed.source} preview={previewed.preview} onBack={chooseAnotherFile} onClose={onClose} />
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void runPreview();
          }}
        >
          <KubeconfigSourceForm
            draft={draft}
            sizeProblem={sizeProblem}
            onChange={(patch) => setDraft((d) => ({ ...d, ...patch }))}
            onError={showError}
            focusRef={focusRef}
            nativeFileDialog={nativeFileDialog}
          />
          <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: onClose }} action={{ label: 'Preview', busyLabel: 'Reading…', busy, disabled: Boolean(sizeProblem) }} />
        </form>
      )}
    </Modal>
  );
}

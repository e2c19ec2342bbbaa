import { useState } from 'react';
import { call } from '../../api/client';
import { DiscardDialog } from '../../shell/DiscardDialog';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { notifySuccess } from '../../shell/toastStore';
import { CopyButton } from '../../ui/CopyButton';
import { MarkdownEditor } from './MarkdownEditor';
import { isDirty, useRunbooks, type RunbookDraft } from './runbooksStore';

/**
 * Writing a runbook: its whole file (front matter and body) in Monaco. Save
 * sends it with the version the edit began from; bad front matter is shown
 * with its reason and the text kept; a save someone made meanwhile is shown
 * as such, with the user's text to copy before reloading theirs.
 */
export function RunbookEditorPane({ draft }: { draft: RunbookDraft }) {
  const { setSource, closeDraft, select, edit } = useRunbooks.getState();
  const [error, setError] = useState<ErrorView>();
  const [conflict, setConflict] = useState(false);
  const [saving, setSaving] = useState(false);
  const [discarding, setDiscarding] = useState(false);
  /** The user's text from before a reload, to copy. */
  const [earlier, setEarlier] = useState<string>();
  const dirty = isDirty(draft);

  const save = async () => {
    setSaving(true);
    setError(undefined);
    setConflict(false);
    try {
      const saved = await call('runbooks.save', { ...(draft.id ? { id: draft.id } : {}), source: draft.source, ...(draft.baseVersion ? { baseVersion: draft.baseVersion } : {}) });
      closeDraft();
      select(saved.id);
      notifySuccess(`Saved “${saved.title}”`, `Version ${saved.version}.`);
    } catch (err) {
      const view = describeError(err);
      if (view.code === 'CONFLICT') setConflict(true);
      else setError(view);
    } finally {
      setSaving(false);
    }
  };

  const reload = async () => {
    if (!draft.id) return;
    try {
      const current = await call('runbooks.get', { id: draft.id });
      setEarlier(draft.source);
      setConflict(false);
      edit({ id: current.id, baseVersion: current.version, title: current.title, source: current.source });
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <section className="runbook-edit" aria-label={draft.id ? `Editing ${draft.title}` : 'New runbook'}>
      <div className="runbook-head">
        <h2>{draft.id ? `Editing “${draft.title}”` : 'New runbook'}</h2>
        <span className="muted" role="status">
          {dirty ? 'Unsaved changes' : 'No changes'}
        </span>
        <div className="spacer" />
        <button type="button" onClick={() => (dirty ? setDiscarding(true) : closeDraft())}>
          {dirty ? 'Discard…' : 'Close'}
        </button>
        <button type="button" className="primary" disabled={saving || !dirty} onClick={() => void save()}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
      <p className="muted">
        Front matter between the <span className="mono">---</span> lines: <span className="mono">title</span>, <span className="mono">tags</span>, <span className="mono">resources</span> (e.g.{' '}
        <span className="mono">deployment/payments</span>, <span className="mono">namespace/ml-serving</span>) and <span className="mono">severity</span> (info, low, medium, high, critical).
      </p>
      {error && <ErrorNotice error={error.code === 'VALIDATION' ? { ...error, title: 'Not saved: fix the runbook' } : error} />}
      {conflict && (
        <div className="notice notice-error" role="alert">
          <strong>Someone saved this runbook meanwhile</strong>
          <p>Your text is not saved and is still here. Copy it, then reload their version and apply your changes to it.</p>
          <div className="button-row">
            <CopyButton text={draft.source} label="Copy your text" />
            <button type="button" onClick={() => void reload()}>
              Reload the current version
            </button>
          </div>
        </div>
      )}
      {earlier !== undefined && (
        <div className="notice" role="note">
          <p>Reloaded the current version. Your earlier text is still at hand until you close this.</p>
          <div className="button-row">
            <CopyButton text={earlier} label="Copy your earlier text" />
            <button type="button" onClick={() => setEarlier(undefined)}>
              Forget it
            </button>
          </div>
        </div>
      )}
      <MarkdownEditor value={draft.source} onChange={setSource} label={draft.id ? `Markdown of ${draft.title}` : 'Markdown of the new runbook'} />
      {discarding && (
        <DiscardDialog
          title={draft.title}
          onClose={() => setDiscarding(false)}
          onDiscard={() => {
            setDiscarding(false);
            closeDraft();
          }}
        />
      )}
    </section>
  );
}

import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { KubeNamespace, SpecName, type SpecProblem } from '../../../../shared/contract';
import { call } from '../../api/client';
import { DialogFooter } from '../../shell/DialogFooter';
import { DiscardDialog } from '../../shell/DiscardDialog';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { FieldError } from '../../shell/FieldError';
import { Modal } from '../../shell/Modal';
import { lineMapping } from '../../shell/monaco/problemLines';
import { YamlSpecEditor } from '../../shell/monaco/YamlSpecEditor';
import { notifySuccess } from '../../shell/toastStore';
import { CopyButton } from '../../ui/CopyButton';
import { useConnections } from '../connections/connectionsStore';
import { useProductionLabel } from '../connections/productionMarks';
import { ApplyReviewDialog } from './ApplyReviewDialog';
import { DryRunReport } from './DryRunReport';
import { notifySaved } from './GitRepositoryDialog';
import { draftOf, isDirty, usePipelines, type SpecDraft } from './pipelinesStore';

/** Whether spec `id` has moved on from `baseVersion`: a CONFLICT on save is then someone else's save, not a name clash. */
async function savedMeanwhile(id: string, baseVersion: number | undefined): Promise<boolean> {
  try {
    return (await call('pipelines.spec', { id })).version !== baseVersion;
  } catch {
    return false;
  }
}

/** Why the draft's fields cannot be sent, by field. */
function fieldProblems(draft: SpecDraft): { name?: string; namespace?: string } {
  const name = SpecName.safeParse(draft.name);
  const namespace = draft.namespace ? KubeNamespace.safeParse(draft.namespace) : undefined;
  return {
    ...(name.success ? {} : { name: name.error.issues[0]?.message }),
    ...(namespace && !namespace.success ? { namespace: namespace.error.issues[0]?.message } : {}),
  };
}

/** Asks before a spec and its versions leave the library; its applies stay in the audit log. */
function DeleteSpecDialog({ id, name, versions, onClose }: { id: string; name: string; versions: number; onClose(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView>();
  const remove = async () => {
    setBusy(true);
    try {
      await call('pipelines.delete', { id });
      const { closeDraft, select } = usePipelines.getState();
      closeDraft();
      select(null);
      notifySuccess(`Deleted “${name}”`);
      onClose();
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };
  return (
    <Modal label={`Delete ${name}`} onClose={onClose}>
      <h2>Delete “{name}”?</h2>
      <p>
        Its {versions === 1 ? 'version goes' : `${versions} versions go`} with it. Nothing is removed from the cluster, the audit log keeps its applies, and exported files and git commits are not touched.
      </p>
      <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: onClose, autoFocus: true }} action={{ label: 'Delete', busyLabel: 'Deleting…', busy, danger: true, onClick: () => void remove() }} />
    </Modal>
  );
}

/**
 * A spec being edited: its name, target connection and namespace, the YAML
 * in the schema-aware editor, Save with a message (Ctrl+S), a server-side dry
 * run whose problems are placed on their lines, and Review and apply… for
 * the saved version only. A save someone made meanwhile is said so, with the
 * user's text kept to copy.
 */
export function SpecEditorPane({ draft }: { draft: SpecDraft }) {
  const { change, note, edit, markSaved, closeDraft, showHistory } = usePipelines.getState();
  const connections = useConnections((s) => s.connections);
  const clusters = useMemo(() => connections.filter((c) => c.kind === 'kubernetes'), [connections]);
  const target = clusters.find((c) => c.id === draft.connectionId);
  const production = useProductionLabel(target?.labels ?? {}) !== undefined;
  const { message = '', earlier, checked } = draft;
  const [error, setError] = useState<ErrorView>();
  const [conflict, setConflict] = useState(false);
  const [saving, setSaving] = useState(false);
  const busy = useRef(false);
  const [checking, setChecking] = useState(false);
  const [askSave, setAskSave] = useState(false);
  const [reveal, setReveal] = useState<{ line: number; column?: number }>();
  const [reviewing, setReviewing] = useState(false);
  const [discarding, setDiscarding] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [touched, setTouched] = useState(false);
  const idPrefix = useId();
  const dirty = isDirty(draft);
  const problems = fieldProblems(draft);
  const shownProblems = touched ? problems : {};
  const dryRunProblems = useMemo<SpecProblem[] | undefined>(() => checked && [...checked.result.problems, ...checked.result.documents.flatMap((d) => d.problems)], [checked]);
  // The dry run's lines on the text as it is now: the user may have typed since it was sent.
  const lineNow = useMemo(() => checked && lineMapping(checked.text, draft.text), [checked, draft.text]);

  /** Saves the draft as it is in the store now (Ctrl+S may come from a handler older than this render); true once saved. */
  const save = async (): Promise<boolean> => {
    const now = usePipelines.getState().draft;
    if (!now || busy.current) return false;
    // Nothing to save: Ctrl+S on a saved spec, or "Save, then review" once saved.
    if (now.id && !isDirty(now)) return true;
    setTouched(true);
    const refused = fieldProblems(now);
    if (refused.name || refused.namespace) {
      setError({ code: 'VALIDATION', title: 'Not saved: check the fields', message: [refused.name, refused.namespace].filter(Boolean).join(' ') });
      return false;
    }
    busy.current = true;
    setSaving(true);
    setError(undefined);
    setConflict(false);
    try {
      const saved = await call('pipelines.save', {
        ...(now.id ? { id: now.id } : {}),
        name: now.name.trim(),
        ...(now.connectionId ? { connectionId: now.connectionId } : {}),
        ...(now.namespace ? { namespace: now.namespace } : {}),
        text: now.text,
        message: (now.message ?? '').trim(),
        ...(now.baseVersion ? { baseVersion: now.baseVersion } : {}),
      });
      // Put on this edit only, if it is still the one shown; the selection stays where the user has gone since.
      markSaved(now, saved);
      notifySaved(`Saved “${saved.name}”`, saved, `Version ${saved.version}.`);
      return true;
    } catch (err) {
      const view = describeError(err);
      if (view.code === 'CONFLICT' && now.id && (await savedMeanwhile(now.id, now.baseVersion))) setConflict(true);
      // Not someone else's save: another spec has the name.
      else if (view.code === 'CONFLICT') setError({ ...view, title: 'Not saved', action: undefined });
      else setError(view.code === 'VALIDATION' ? { ...view, title: 'Not saved: fix the spec' } : view);
      return false;
    } finally {
      busy.current = false;
      setSaving(false);
    }
  };

  const reload = async () => {
    if (!draft.id) return;
    const { session } = draft;
    try {
      const current = await call('pipelines.spec', { id: draft.id });
      // Only onto this edit: the user may have gone to another spec meanwhile.
      const now = usePipelines.getState().draft;
      if (now?.session !== session) return;
      setConflict(false);
      edit({ ...draftOf(current), session, earlier: now.text, message: now.message, checked: now.checked });
    } catch (err) {
      setError(describeError(err));
    }
  };

  const needTarget = (what: string): boolean => {
    if (draft.connectionId && target) return true;
    setError({ code: 'VALIDATION', title: 'Choose a target connection', message: `${what} asks a cluster: choose the Kubernetes connection to ask.` });
    return false;
  };

  const dryRun = async () => {
    if (!needTarget('A dry run') || !draft.connectionId) return;
    if (problems.namespace) return setTouched(true);
    setChecking(true);
    setError(undefined);
    const { text, session } = draft;
    try {
      const result = await call('pipelines.dryRun', { connectionId: draft.connectionId, ...(draft.namespace ? { namespace: draft.namespace } : {}), text });
      note(session, { checked: { text, result } });
    } catch (err) {
      setError(describeError(err));
    } finally {
      setChecking(false);
    }
  };

  const review = () => {
    setError(undefined);
    if (!needTarget('An apply')) return;
    if (dirty || !draft.id) return setAskSave(true);
    setAskSave(false);
    setReviewing(true);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
      e.preventDefault();
      void save();
    }
  };

  const status = saving ? 'Saving…' : !draft.id ? 'Not saved yet' : dirty ? `Unsaved changes to version ${draft.baseVersion}` : `Version ${draft.baseVersion}, saved`;
  return (
    <section className="pipelines-spec" aria-label={draft.id ? `Spec ${draft.original.name}` : 'New pipeline spec'} onKeyDown={onKeyDown}>
      <div className="pipelines-spec-head">
        <h2>{draft.id ? draft.original.name : 'New pipeline spec'}</h2>
        <span className="muted" role="status">
          {status}
        </span>
        <div className="spacer" />
        {draft.id && (
          <button type="button" aria-pressed={false} onClick={() => showHistory(true)}>
            History
          </button>
        )}
        {draft.id && (
          <button type="button" className="danger" onClick={() => setDeleting(true)}>
            Delete…
          </button>
        )}
        {(dirty || !draft.id) && (
          // Dropping an existing spec's draft shows its saved version again.
          <button type="button" onClick={() => (dirty ? setDiscarding(true) : closeDraft())}>
            {draft.id ? 'Discard changes…' : 'Cancel'}
          </button>
        )}
      </div>
      <div className="pipelines-spec-fields">
        <label className="field">
          <span>Name</span>
          <input value={draft.name} maxLength={120} spellCheck={false} aria-invalid={Boolean(shownProblems.name)} aria-describedby={shownProblems.name ? `${idPrefix}-name` : undefined} onChange={(e) => change({ name: e.target.value })} />
          <FieldError id={`${idPrefix}-name`} problem={shownProblems.name} />
        </label>
        <label className="field">
          <span>Target connection</span>
          <select value={draft.connectionId ?? ''} onChange={(e) => change({ connectionId: e.target.value || undefined })}>
            <option value="">Choose a connection…</option>
            {clusters.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
            {draft.connectionId && !target && <option value={draft.connectionId}>A deleted connection</option>}
          </select>
        </label>
        <label className="field">
          <span>Namespace</span>
          <input
            value={draft.namespace ?? ''}
            maxLength={63}
            spellCheck={false}
            placeholder="the connection's default"
            aria-invalid={Boolean(shownProblems.namespace)}
            aria-describedby={shownProblems.namespace ? `${idPrefix}-namespace` : undefined}
            onChange={(e) => change({ namespace: e.target.value.trim() || undefined })}
          />
          <FieldError id={`${idPrefix}-namespace`} problem={shownProblems.namespace} />
        </label>
      </div>
      {production && (
        <p className="notice notice-production" role="note">
          {target?.name} is a production connection: an apply asks you to type its name.
        </p>
      )}
      {error && <ErrorNotice error={error} />}
      {conflict && (
        <div className="notice notice-error" role="alert">
          <strong>Someone saved this spec meanwhile</strong>
          <p>Your text is not saved and is still here. Copy it, then reload their version and apply your changes to it.</p>
          <div className="button-row">
            <CopyButton text={draft.text} label="Copy your text" />
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
            <button type="button" onClick={() => change({ earlier: undefined })}>
              Forget it
            </button>
          </div>
        </div>
      )}
      {askSave && (
        <div className="notice" role="alert">
          <strong>{draft.id ? 'Save your changes first' : 'Save the spec first'}</strong>
          <p>Only a saved version is applied, so the spec’s history says exactly what went to the cluster.</p>
          <div className="button-row">
            <button type="button" className="primary" disabled={saving} onClick={() => void save().then((ok) => ok && (setAskSave(false), setReviewing(true)))}>
              Save, then review
            </button>
            <button type="button" onClick={() => setAskSave(false)}>
              Not now
            </button>
          </div>
        </div>
      )}
      <YamlSpecEditor value={draft.text} onChange={(text) => change({ text })} connectionId={target?.id} problems={dryRunProblems} problemsText={checked?.text} reveal={reveal} ariaLabel="Spec YAML" onSave={() => void save()} />
      <div className="pipelines-spec-actions">
        <label className="field pipelines-message">
          <span>Save message</span>
          <input value={message} maxLength={2000} placeholder="What changed, and why" onChange={(e) => change({ message: e.target.value })} />
        </label>
        <button type="button" className="primary" disabled={saving || (!dirty && Boolean(draft.id))} aria-keyshortcuts="Control+S" onClick={() => void save()}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" disabled={checking} onClick={() => void dryRun()}>
          {checking ? 'Checking…' : 'Dry run'}
        </button>
        <button type="button" onClick={review}>
          Review and apply…
        </button>
      </div>
      {checked && lineNow && <DryRunReport result={checked.result} stale={checked.text !== draft.text} lineNow={lineNow} onReveal={(line, p) => setReveal({ line, ...(p.column ? { column: p.column } : {}) })} />}
      {reviewing && target && draft.id && (
        <ApplyReviewDialog
          connectionId={target.id}
          connectionName={target.name}
          production={production}
          {...(draft.namespace ? { namespace: draft.namespace } : {})}
          text={draft.text}
          specId={draft.id}
          {...(draft.baseVersion ? { specVersion: draft.baseVersion } : {})}
          onClose={() => setReviewing(false)}
        />
      )}
      {deleting && draft.id && <DeleteSpecDialog id={draft.id} name={draft.original.name} versions={draft.baseVersion ?? 1} onClose={() => setDeleting(false)} />}
      {discarding && (
        <DiscardDialog
          title={draft.id ? draft.original.name : 'the new spec'}
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

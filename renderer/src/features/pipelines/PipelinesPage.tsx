import { useEffect } from 'react';
import { DiscardDialog } from '../../shell/DiscardDialog';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { describeError } from '../../shell/errorActions';
import { useRefreshCount } from '../../shell/useRefreshCount';
import { useQuery } from '../../ui/useQuery';
import { draftOf, importSpecs, isDirty, newSpec, openSpec, usePipelines } from './pipelinesStore';
import { SpecEditorPane } from './SpecEditorPane';
import { ExportSpecsDialog, ImportSpecsDialog } from './SpecFolderDialogs';
import { SpecHistory } from './SpecHistory';
import { SpecLibrary } from './SpecLibrary';
import './pipelines.css';

function EmptyLibrary() {
  return (
    <div className="empty">
      <p>The library has no pipeline specs yet.</p>
      <p className="muted">A spec is YAML of one or more Kubernetes objects (Jobs, CronJobs, Argo Workflows, Tekton or Kubeflow runs), versioned on every save, checked by the cluster’s own schema and dry run, and applied after a review of the diff.</p>
      <div className="button-row">
        <button type="button" className="primary" onClick={newSpec}>
          New spec
        </button>
        <button type="button" onClick={importSpecs}>
          Import files…
        </button>
      </div>
    </div>
  );
}

/**
 * The pipeline spec library: the specs on the left, filtered as you type;
 * the chosen one on the right, in the editor with save, dry run and apply,
 * or its history of versions and applies.
 */
export function PipelinesPage() {
  const selectedId = usePipelines((s) => s.selectedId);
  const draft = usePipelines((s) => s.draft);
  const dialog = usePipelines((s) => s.dialog);
  const history = usePipelines((s) => s.history);
  const pending = usePipelines((s) => s.pending);
  const refresh = String(useRefreshCount('pipelines.changed'));
  const specs = useQuery('pipelines.specs', {}, { keepPrevious: true, refreshKey: refresh });
  const chosen = useQuery('pipelines.spec', selectedId ? { id: selectedId } : null, { refreshKey: refresh });
  const dirty = isDirty(draft);
  const hasDraft = draft !== null;

  // The chosen spec is edited as soon as it arrives, and follows saves made elsewhere while it has no unsaved changes.
  useEffect(() => {
    const spec = chosen.value;
    if (!spec) return;
    const { draft: now, edit } = usePipelines.getState();
    if (!now) edit(draftOf(spec));
    else if (now.id === spec.id && !isDirty(now) && now.baseVersion !== spec.version) edit({ ...draftOf(spec), session: now.session });
  }, [chosen.value, hasDraft]);

  // Unsaved changes are not left behind by closing the window either.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  // A spec asked for while there were unsaved changes, which are saved or gone now.
  useEffect(() => {
    if (pending === null || dirty) return;
    usePipelines.getState().setPending(null);
    if (pending) openSpec(pending);
    else newSpec();
  }, [pending, dirty]);

  const choose = (id: string) => {
    if (id === selectedId && draft?.id === id) return;
    openSpec(id);
  };
  const { openDialog } = usePipelines.getState();
  const empty = specs.value?.length === 0;
  const shownSpec = chosen.value && chosen.value.id === draft?.id ? chosen.value : undefined;

  return (
    <section className="page-body pipelines-page" aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Pipelines</h1>
        <div className="page-header-actions">
          <button type="button" onClick={newSpec}>
            New
          </button>
          <button type="button" onClick={() => openDialog('import')}>
            Import…
          </button>
          <button type="button" disabled={empty} onClick={() => openDialog('export')}>
            Export…
          </button>
        </div>
      </div>
      <div className="pipelines-layout">
        <SpecLibrary specs={specs} selectedId={draft ? (draft.id ?? null) : selectedId} onChoose={choose} />
        <div className="pipelines-detail-pane">
          {history && draft?.id && shownSpec ? (
            <SpecHistory spec={shownSpec} dirty={dirty} refreshKey={`${refresh} ${shownSpec.version}`} />
          ) : draft ? (
            <SpecEditorPane key={draft.session} draft={draft} />
          ) : selectedId && chosen.error !== undefined ? (
            <ErrorNotice error={{ ...describeError(chosen.error, { refresh: chosen.refetch }), title: 'Could not open the spec' }} />
          ) : selectedId ? (
            <p className="muted">Loading the spec…</p>
          ) : empty ? (
            <EmptyLibrary />
          ) : (
            <p className="muted">Choose a spec to edit it, or start a new one.</p>
          )}
        </div>
      </div>
      {pending !== null && dirty && draft && (
        <DiscardDialog
          title={draft.id ? draft.original.name : 'the new spec'}
          onClose={() => usePipelines.getState().setPending(null)}
          // The pending spec opens once the draft is gone (the effect above).
          onDiscard={() => usePipelines.getState().closeDraft()}
        />
      )}
      {dialog === 'import' && <ImportSpecsDialog onClose={() => openDialog(null)} />}
      {dialog === 'export' && <ExportSpecsDialog shown={shownSpec && { id: shownSpec.id, name: shownSpec.name }} onClose={() => openDialog(null)} />}
    </section>
  );
}

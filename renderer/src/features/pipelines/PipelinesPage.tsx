import { useEffect, useId } from 'react';
import type { SpecMeta } from '../../../../shared/contract';
import { DiscardDialog } from '../../shell/DiscardDialog';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { describeError } from '../../shell/errorActions';
import { useRefreshCount } from '../../shell/useRefreshCount';
import { TabList } from '../../ui/TabList';
import { useQuery, type Query } from '../../ui/useQuery';
import { GitRepositoryDialog } from './GitRepositoryDialog';
import { draftOf, importSpecs, isDirty, newSpec, openSpec, usePipelines, type PipelinesTab } from './pipelinesStore';
import { RunsView } from './runs/RunsView';
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

const tabs = [
  { id: 'specs' as const, label: 'Specs' },
  { id: 'runs' as const, label: 'Runs' },
];

/**
 * The Pipelines page: the spec library and the runs (Jobs, CronJobs, Argo
 * Workflows) on the selected connection, as tabs.
 */
export function PipelinesPage() {
  const tab = usePipelines((s) => s.tab);
  const dialog = usePipelines((s) => s.dialog);
  const draft = usePipelines((s) => s.draft);
  const refresh = String(useRefreshCount('pipelines.changed'));
  const specs = useQuery('pipelines.specs', {}, { keepPrevious: true, refreshKey: refresh });
  const idPrefix = useId();
  const { openDialog, showTab } = usePipelines.getState();
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
          <button type="button" disabled={specs.value?.length === 0} onClick={() => openDialog('export')}>
            Export…
          </button>
          <button type="button" onClick={() => openDialog('git')}>
            Git repository…
          </button>
        </div>
      </div>
      <TabList<PipelinesTab> label="Pipelines views" tabs={tabs} current={tab} onChoose={showTab} tabId={(id) => `${idPrefix}-${id}`} panelId={`${idPrefix}-panel`} />
      <div role="tabpanel" id={`${idPrefix}-panel`} aria-labelledby={`${idPrefix}-${tab}`} className="pipelines-panel">
        {tab === 'specs' ? <SpecsView specs={specs} refresh={refresh} /> : <RunsView />}
      </div>
      {dialog === 'import' && <ImportSpecsDialog onClose={() => openDialog(null)} />}
      {dialog === 'git' && <GitRepositoryDialog onClose={() => openDialog(null)} />}
      {dialog === 'export' && <ExportSpecsDialog shown={draft?.id ? { id: draft.id, name: draft.original.name } : undefined} onClose={() => openDialog(null)} />}
    </section>
  );
}

/**
 * The spec library: the specs on the left, filtered as you type; the chosen
 * one on the right, in the editor with save, dry run and apply, or its
 * history of versions and applies.
 */
function SpecsView({ specs, refresh }: { specs: Query<SpecMeta[]>; /** Changes when the library changed. */ refresh: string }) {
  const selectedId = usePipelines((s) => s.selectedId);
  const draft = usePipelines((s) => s.draft);
  const history = usePipelines((s) => s.history);
  const pending = usePipelines((s) => s.pending);
  const chosen = useQuery('pipelines.spec', selectedId ? { id: selectedId } : null, { refreshKey: refresh });
  const dirty = isDirty(draft);
  const hasDraft = draft !== null;

  // The chosen spec is edited as soon as it arrives, and follows saves made elsewhere while it has no unsaved changes.
  useEffect(() => {
    const spec = chosen.value;
    if (!spec) return;
    const { draft: now, edit } = usePipelines.getState();
    if (!now) edit(draftOf(spec));
    // The message, the earlier text and the dry run stay with the edit (the dry run's lines are placed on the new text).
    else if (now.id === spec.id && !isDirty(now) && now.baseVersion !== spec.version) edit({ ...draftOf(spec), session: now.session, message: now.message, earlier: now.earlier, checked: now.checked });
  }, [chosen.value, hasDraft]);

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
  const empty = specs.value?.length === 0;
  const shownSpec = chosen.value && chosen.value.id === draft?.id ? chosen.value : undefined;

  return (
    <>
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
    </>
  );
}

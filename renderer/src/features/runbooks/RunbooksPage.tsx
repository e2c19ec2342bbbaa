import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { RunbookResource, type Highlighted, type RunbookHit } from '../../../../shared/contract';
import { call } from '../../api/client';
import { DiscardDialog } from '../../shell/DiscardDialog';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { describeError } from '../../shell/errorActions';
import { notifyError, notifySuccess } from '../../shell/toastStore';
import { useDebouncedValue } from '../../shell/useDebouncedValue';
import { useRefreshCount } from '../../shell/useRefreshCount';
import { useUi } from '../../shell/uiStore';
import { useQuery } from '../../ui/useQuery';
import { RunbookEditorPane } from './RunbookEditorPane';
import { RunbookDetail } from './RunbookDetail';
import { isDirty, newRunbook, useRunbooks } from './runbooksStore';
import './runbooks.css';

/** Search as you type, after this pause. */
const SEARCH_DEBOUNCE_MS = 150;
const LIMIT = 50;

/** Text with its matched parts as <mark>: segments are text, never HTML. */
function HighlightedText({ parts }: { parts: Highlighted }) {
  return (
    <>
      {parts.map((p, i) =>
        p.hit ? (
          <mark key={i} className="runbook-hit">
            {p.text}
          </mark>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}

function EmptyLibrary({ onAdded }: { onAdded(): void }) {
  const [busy, setBusy] = useState(false);
  const add = async () => {
    setBusy(true);
    try {
      const { added } = await call('runbooks.addStarters', {});
      notifySuccess(added ? `Added ${added} starter runbook${added === 1 ? '' : 's'}` : 'The starter runbooks are already in the library');
      onAdded();
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="empty">
      <p>The library has no runbooks yet.</p>
      <p className="muted">Start with the runbooks that ship with Pilothouse (rolling back a model server, draining a GPU node, a DR drill, a GPU cost spike, an expired kubeconfig credential), import a folder of Markdown files, or write one.</p>
      <div className="button-row">
        <button type="button" className="primary" disabled={busy} onClick={() => void add()}>
          {busy ? 'Adding…' : 'Add the starter runbooks'}
        </button>
        <button type="button" onClick={() => useUi.getState().openDialog('import-runbooks')}>
          Import folder…
        </button>
        <button type="button" onClick={newRunbook}>
          New runbook
        </button>
      </div>
    </div>
  );
}

/**
 * The runbook library: search as you type with highlighted titles and
 * snippets, tag and resource filters, results chosen with the arrow keys;
 * the chosen runbook (or the edit under way) beside them.
 */
export function RunbooksPage() {
  const selectedId = useRunbooks((s) => s.selectedId);
  const draft = useRunbooks((s) => s.draft);
  const libraryVersion = useRefreshCount('runbooks.changed');
  const [text, setText] = useState('');
  const [tags, setTags] = useState<string[]>([]);
  const [resourceText, setResourceText] = useState('');
  /** A selection waiting on the user's word about unsaved changes. */
  const [pending, setPending] = useState<string | null>(null);
  const query = useDebouncedValue(text.trim(), SEARCH_DEBOUNCE_MS);
  const resourceTyped = resourceText.trim().toLowerCase();
  const resourceValid = resourceTyped === '' || RunbookResource.safeParse(resourceTyped).success;
  const resource = resourceValid && resourceTyped ? resourceTyped : undefined;
  const search = useQuery('runbooks.search', { query, tags, ...(resource ? { resource } : {}), limit: LIMIT }, { keepPrevious: true, refreshKey: String(libraryVersion) });
  const chosen = useQuery('runbooks.get', selectedId ? { id: selectedId } : null, { refreshKey: String(libraryVersion) });
  const listId = useId();
  const optionId = (id: string) => `${listId}-${id}`;

  // Unsaved changes are not left behind by closing the window either.
  const dirty = isDirty(draft);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const choose = (id: string) => {
    if (id === selectedId && !draft) return;
    if (dirty) return setPending(id);
    useRunbooks.getState().closeDraft();
    useRunbooks.getState().select(id);
  };

  const hits: RunbookHit[] = search.value?.hits ?? [];
  const move = (e: KeyboardEvent) => {
    const step = { ArrowDown: 1, ArrowUp: -1, Home: -Infinity, End: Infinity }[e.key];
    if (step === undefined || !hits.length) return;
    // Home and End stay in the search box's text.
    if ((e.key === 'Home' || e.key === 'End') && e.currentTarget instanceof HTMLInputElement) return;
    e.preventDefault();
    const at = hits.findIndex((h) => h.id === selectedId);
    const next = Math.max(0, Math.min(hits.length - 1, at < 0 ? (step > 0 ? 0 : hits.length - 1) : at + step));
    choose(hits[next].id);
    document.getElementById(optionId(hits[next].id))?.scrollIntoView?.({ block: 'nearest' });
  };

  const toggleTag = (tag: string) => setTags((t) => (t.includes(tag) ? t.filter((x) => x !== tag) : [...t, tag]));
  const filtered = query !== '' || tags.length > 0 || resource !== undefined;
  const empty = search.value && search.value.total === 0 && !filtered && search.value.tags.length === 0;

  return (
    <section className="page-body runbooks-page" aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Runbooks</h1>
        <div className="page-header-actions">
          <button type="button" onClick={() => (dirty ? setPending('') : newRunbook())}>
            New
          </button>
          <button type="button" onClick={() => useUi.getState().openDialog('import-runbooks')}>
            Import folder…
          </button>
          <button type="button" onClick={() => useUi.getState().openDialog('export-runbooks')}>
            Export…
          </button>
        </div>
      </div>
      <div className="runbooks-layout">
        <div className="runbooks-list-pane">
          <label className="field">
            <span>Search</span>
            <input
              type="search"
              value={text}
              placeholder="drain gpu, “rollback model”…"
              role="combobox"
              aria-expanded={hits.length > 0}
              aria-controls={listId}
              aria-activedescendant={selectedId && hits.some((h) => h.id === selectedId) ? optionId(selectedId) : undefined}
              aria-autocomplete="list"
              maxLength={500}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={move}
            />
          </label>
          {search.value && search.value.tags.length > 0 && (
            <ul className="chips runbook-tags" aria-label="Filter by tag">
              {search.value.tags.map(({ tag, count }) => (
                <li key={tag}>
                  <button type="button" className={tags.includes(tag) ? 'chip chip-on' : 'chip'} aria-pressed={tags.includes(tag)} onClick={() => toggleTag(tag)}>
                    {tag} <span className="muted">{count}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <label className="field">
            <span>Resource</span>
            <input value={resourceText} placeholder="deployment/payments, namespace/ml-serving" spellCheck={false} onChange={(e) => setResourceText(e.target.value)} aria-invalid={!resourceValid} />
          </label>
          {!resourceValid && <p className="field-error">A resource is kind/name or kind/namespace/name, e.g. deployment/payments.</p>}
          {search.error !== undefined && <ErrorNotice error={{ ...describeError(search.error), title: 'Search failed', action: { label: 'Try again', run: search.refetch } }} />}
          {empty ? (
            <EmptyLibrary onAdded={search.refetch} />
          ) : (
            <>
              <p className="muted" role="status">
                {!search.value ? 'Searching…' : search.value.total === 0 ? 'No runbook matches.' : search.value.total > hits.length ? `The best ${hits.length} of ${search.value.total} runbooks` : `${search.value.total} runbook${search.value.total === 1 ? '' : 's'}`}
              </p>
              <ul id={listId} role="listbox" aria-label="Runbooks" className="runbook-results" tabIndex={-1} onKeyDown={move}>
                {hits.map((h) => (
                  <li key={h.id} id={optionId(h.id)} role="option" aria-selected={h.id === selectedId} className={h.id === selectedId ? 'selected' : undefined} onClick={() => choose(h.id)}>
                    <div className="runbook-result-title">
                      <HighlightedText parts={h.titleHighlight} />
                      {h.severity && <span className={`badge runbook-severity-${h.severity}`}>{h.severity}</span>}
                    </div>
                    {h.snippet.length > 0 && (
                      <div className="runbook-result-snippet muted">
                        <HighlightedText parts={h.snippet} />
                      </div>
                    )}
                    {h.tags.length > 0 && <div className="runbook-result-tags muted">{h.tags.join(' · ')}</div>}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
        <div className="runbooks-detail-pane">
          {draft ? (
            <RunbookEditorPane draft={draft} />
          ) : !selectedId ? (
            <p className="muted">Choose a runbook to read it.</p>
          ) : chosen.error !== undefined ? (
            <ErrorNotice error={{ ...describeError(chosen.error, { refresh: chosen.refetch }) }} />
          ) : chosen.value ? (
            <RunbookDetail key={chosen.value.id} runbook={chosen.value} />
          ) : (
            <p className="muted">Loading…</p>
          )}
        </div>
      </div>
      {pending !== null && draft && (
        <DiscardDialog
          title={draft.title}
          onClose={() => setPending(null)}
          onDiscard={() => {
            const next = pending;
            setPending(null);
            useRunbooks.getState().closeDraft();
            if (next) useRunbooks.getState().select(next);
            else newRunbook();
          }}
        />
      )}
    </section>
  );
}

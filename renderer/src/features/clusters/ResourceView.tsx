import { useCallback, useEffect, useId, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { ConnectionSummary, Row } from '../../../../shared/contract';
import { isTextEntry, KeyScope, type KeyBindings } from '../../shell/keyScope';
import { useToasts } from '../../shell/toastStore';
import { useVirtualWindow } from '../../ui/useVirtualWindow';
import { DetailPane } from './DetailPane';
import { useInspector, type FocusRequest } from './inspectorStore';
import { useNamespaceChoice } from './namespaceChoice';
import { resourceKey, type ResourceEntry } from './resourceCatalog';
import { ResourceGrid } from './ResourceGrid';
import { RowStore } from './rowStore';
import { TableToolbar } from './TableToolbar';
import { NAME_KEY, tableColumns, useColumnWidths, useHiddenColumns } from './tableColumns';
import { useResourceWatch } from './useResourceWatch';
import { useTableQuery } from './useTableQuery';
import { watchStatus } from './watchStatus';
import { WatchStatusBar } from './WatchStatusBar';

/** An empty namespace filter shows every namespace. */
const NO_NAMESPACE_FILTER: ReadonlySet<string> = new Set();
/** The kind whose refusal across namespaces says the user is held to some of them. */
const PODS_KEY = resourceKey({ group: '', resource: 'pods' });

/** The row a focus request names: by uid when known, else by namespace and name among the rows shown. */
function requestedRow(store: RowStore, request: FocusRequest): Row | undefined {
  const byUid = request.uid === undefined ? undefined : store.get(request.uid);
  if (byUid) return byUid;
  return store.view().find((r) => r.name === request.name && r.namespace === request.namespace);
}

interface ResourceViewProps {
  connection: ConnectionSummary;
  entry: ResourceEntry;
  /** How many times the user has picked a resource in the picker: each pick puts focus on the rows, so j/k move at once. */
  picks: number;
}

/**
 * One resource of one cluster, live: toolbar, virtualised table, detail pane
 * and status bar. Mounted per (connection, resource); leaving it unwatches.
 */
export function ResourceView({ connection, entry, picks }: ResourceViewProps) {
  const [store] = useState(() => new RowStore());
  // One choice per connection, whatever the kind; cluster-scoped kinds ignore it.
  const namespaces = useNamespaceChoice(connection.id);
  const scope = entry.namespaced ? namespaces.choice.scope : undefined;
  const watch = useResourceWatch(store, connection.id, entry.ref, scope);
  const version = useSyncExternalStore(store.subscribe, store.getVersion);

  const namespaced = watch.opened?.namespaced ?? entry.namespaced;
  const allColumns = useMemo(() => tableColumns(watch.opened?.columns ?? [], namespaced, entry.nameLast), [watch.opened, namespaced, entry.nameLast]);
  const [hidden, toggleColumn] = useHiddenColumns(entry.key);
  const [widths, resizeColumn] = useColumnWidths(entry.key);
  const columns = useMemo(() => allColumns.filter((c) => c.key === NAME_KEY || !hidden.has(c.key)), [allColumns, hidden]);
  // The namespace filter picks among the rows of an all-namespaces watch.
  const shownNamespaces = useMemo(() => (namespaced && scope === undefined ? new Set(namespaces.choice.shown) : NO_NAMESPACE_FILTER), [namespaced, scope, namespaces.choice.shown]);
  const query = useTableQuery(store, allColumns, entry.sort, shownNamespaces);

  const rows = store.view();
  const win = useVirtualWindow(rows.length);
  const filterRef = useRef<HTMLInputElement>(null);
  const [selectedUid, setSelectedUid] = useState<string | null>(null);
  const [detailOpen, setDetailOpen] = useState(false);

  const focusRows = () => win.ref.current?.focus({ preventScroll: true });
  // Read the store when a key is pressed, not when the view last rendered: events may have arrived since.
  const select = (index: number) => {
    const view = store.view();
    if (!view.length) return;
    const i = Math.min(view.length - 1, Math.max(0, index));
    setSelectedUid(view[i].uid);
    win.reveal(i);
    // Moving the selection from elsewhere (the detail pane, or nothing focused) brings focus to the rows, so Enter opens the detail next.
    if (!win.ref.current?.contains(document.activeElement)) focusRows();
  };
  useEffect(() => {
    if (picks) focusRows();
  }, [picks]);
  const selectedNow = () => (selectedUid === null ? -1 : store.indexOf(selectedUid));
  const move = (delta: number) => {
    const i = selectedNow();
    select(i < 0 ? 0 : i + delta);
  };
  const last = () => select(store.view().length - 1);
  // Back to the rows: the pane's focused control goes with it.
  const closeDetail = () => {
    setDetailOpen(false);
    focusRows();
  };
  // k9s-style keys of the table, from anywhere in the view the focused part does not take them.
  const tableKeys: KeyBindings = {
    '/': () => filterRef.current?.focus(),
    j: () => move(1),
    ArrowDown: () => move(1),
    k: () => move(-1),
    ArrowUp: () => move(-1),
    g: () => select(0),
    Home: () => select(0),
    G: last,
    End: last,
    Enter: () => selectedNow() >= 0 && setDetailOpen(true),
    // Esc leaves a field for the rows, or closes the detail.
    Escape: (e) => {
      if (isTextEntry(e.target)) focusRows();
      else if (detailOpen) closeDetail();
      else return false;
    },
  };
  const onRowClick = useCallback((uid: string) => {
    setSelectedUid(uid);
    setDetailOpen(true);
  }, []);

  // A link or the palette asked for one of our objects: select it, scroll to it and open it once its row is
  // here. Runs again on every store change (version) while the request is pending.
  const focus = useInspector((s) => s.focus);
  useEffect(() => {
    if (!focus || focus.connectionId !== connection.id || focus.key !== entry.key) return;
    if (scope !== undefined && focus.namespace !== undefined && focus.namespace !== scope) return namespaces.watchOne(focus.namespace);
    const row = requestedRow(store, focus);
    const index = row ? store.indexOf(row.uid) : -1;
    if (!row || index < 0) {
      // Hidden by the filter, or not listed yet: clear the filter and look again on the next change.
      if (store.view().length < store.size) {
        // Only when set: a new empty Set would re-filter, change the store and bring us back here.
        if (query.text) query.setText('');
        if (shownNamespaces.size) namespaces.showOnly(NO_NAMESPACE_FILTER);
      } else if (!row && store.state?.phase === 'live') {
        useInspector.getState().focusDone(focus);
        const name = focus.namespace ? `${focus.namespace}/${focus.name}` : focus.name;
        useToasts.getState().push({ tone: 'error', title: 'Not found', message: `The ${entry.one} ${name} is no longer in the cluster.` });
      }
      return;
    }
    useInspector.getState().focusDone(focus);
    setSelectedUid(row.uid);
    setDetailOpen(true);
    win.reveal(index);
    focusRows();
  }, [focus, version, connection.id, entry.key, entry.one, scope, store]);

  const status = watchStatus(store.state, watch.failure, namespaced);
  // Listing pods across all namespaces was refused: the user is held to some namespaces, so start over in the context's
  // namespace, which every kind then starts in too. A refusal of one other kind (Secrets, say) narrows nothing by itself:
  // its problem asks which namespace to watch.
  const refusedAcrossAll = scope === undefined && status.problem?.scope === true && entry.key === PODS_KEY;
  useEffect(() => {
    if (refusedAcrossAll) namespaces.refusedAcrossAll(connection.kube?.namespace);
  }, [refusedAcrossAll]);
  const idPrefix = useId();
  const namespaceSuggestions = [...new Set([connection.kube?.namespace ?? 'default', ...store.namespaces().keys()])];

  return (
    <KeyScope keys={tableKeys} page className="resource-view">
      <TableToolbar
        filterRef={filterRef}
        query={query}
        store={store}
        namespaced={namespaced}
        shownNamespaces={shownNamespaces}
        onShowNamespaces={namespaces.showOnly}
        scope={scope}
        scopeFromContext={namespaces.choice.origin === 'refused'}
        onAllNamespaces={namespaces.watchAll}
        columns={allColumns}
        hidden={hidden}
        onToggleColumn={toggleColumn}
        onFilterDone={focusRows}
      />
      <div className={detailOpen ? 'resource-main with-detail' : 'resource-main'}>
        <ResourceGrid
          label={entry.label}
          rows={rows}
          columns={columns}
          widths={widths}
          onResize={resizeColumn}
          sort={query.sort}
          onSort={query.toggleSort}
          selectedUid={selectedUid}
          onRowClick={onRowClick}
          win={win}
          idPrefix={idPrefix}
          busy={status.phase === 'opening' || status.phase === 'listing'}
          empty={<p className="muted">{store.size ? `No ${entry.many} match the filter.` : status.phase === 'live' ? `No ${entry.many}.` : ''}</p>}
        />
        {detailOpen && selectedUid !== null && (
          <DetailPane connection={connection} entry={entry} row={store.get(selectedUid)} columns={allColumns} onClose={closeDetail} />
        )}
      </div>
      <WatchStatusBar
        connection={connection}
        entry={entry}
        status={status}
        total={store.size}
        shown={rows.length}
        filtering={query.filtering}
        scope={scope}
        namespaceSuggestions={namespaceSuggestions}
        onScope={namespaces.watchOne}
        onRetry={watch.reopen}
      />
    </KeyScope>
  );
}

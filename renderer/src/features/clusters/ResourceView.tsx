import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { ConnectionSummary, Row } from '../../../../shared/contract';
import { isTextEntry, KeyScope, type KeyAction, type KeyBindings } from '../../shell/keyScope';
import { useToasts } from '../../shell/toastStore';
import { useFocusLater } from '../../shell/useFocusLater';
import { useVirtualWindow } from '../../ui/useVirtualWindow';
import type { GridSelection, MenuPoint, RowClick } from '../../ui/VirtualGrid';
import { podStatusShellProblem } from '../terminal/containerChoice';
import { bulkActions, cordonedStatus, NODE_KEY, permissionOf, POD_KEY, SHORTCUTS } from './actions/actionCatalog';
import { ChosenRowsMenu, PendingActionDialog, RowActionMenu, type PendingAction } from './actions/RowActions';
import { SelectionBar } from './actions/SelectionBar';
import { bulkActionStates, useBulkPermissions, whyNotOffered } from './actions/useBulkPermissions';
import { DetailPane } from './DetailPane';
import { useInspector, type FocusRequest } from './inspectorStore';
import { useNamespaceChoice } from './namespaceChoice';
import { resourceKey, type ResourceEntry } from './resourceCatalog';
import { ResourceGrid } from './ResourceGrid';
import { useRowSelection } from './rowSelection';
import { RowStore } from './rowStore';
import { TableToolbar } from './TableToolbar';
import { cellKey, NAME_KEY, tableColumns, useColumnWidths, useHiddenColumns } from './tableColumns';
import { useResourceWatch } from './useResourceWatch';
import { useTableQuery } from './useTableQuery';
import { watchStatus } from './watchStatus';
import { WatchStatusBar } from './WatchStatusBar';

/** An empty namespace filter shows every namespace. */
const NO_NAMESPACE_FILTER: ReadonlySet<string> = new Set();
/** The kind whose refusal across namespaces says the user is held to some of them. */
const PODS_KEY = resourceKey({ group: '', resource: 'pods' });

/** What a row's context menu was opened on: the chosen rows when it was one of several, else the row alone. */
interface OpenMenu {
  uid: string;
  at: MenuPoint;
  onChosen: boolean;
}

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
  const [hidden, toggleColumn] = useHiddenColumns(entry.key, allColumns);
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
  const selection = useRowSelection(store, version);
  const { toggle, extendTo, selectAll, clear: clearChosen } = selection;
  // Another namespace, or another namespace filter, starts a new choice; another resource mounts a new view.
  useEffect(() => clearChosen(), [scope, shownNamespaces, clearChosen]);
  const statusColumn = allColumns.find((c) => c.key === cellKey('status'));
  // Cordon and Uncordon are told apart by a node's Status.
  const cordoned = (row: Row) => entry.key === NODE_KEY && cordonedStatus(statusColumn?.value(row));
  const bulk = useBulkPermissions(connection.id, entry, selection.rows);
  const bulkStates = bulkActionStates(entry, selection.rows, bulk.check, cordoned);
  // Why the bulk key last pressed did nothing; a new choice of rows may be offered it.
  const [bulkNote, setBulkNote] = useState<string>();
  useEffect(() => setBulkNote(undefined), [selection.uids.size]);
  const [menu, setMenu] = useState<OpenMenu | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  const [pending, setPending] = useState<PendingAction | null>(null);
  // Back to the rows after an action's dialog, wherever it was opened from: the bar that opened it may be gone with its rows.
  const { ref: rowsAfterDialog, focusLater } = useFocusLater<HTMLDivElement>();
  const closePending = () => {
    setPending(null);
    rowsAfterDialog.current = win.ref.current;
    focusLater();
  };

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
    // Esc leaves a field for the rows, lets the open detail close itself (it asks first about an unsaved edit), or lets go of the chosen rows.
    Escape: (e) => {
      if (isTextEntry(e.target)) focusRows();
      else if (detailOpen) return false;
      else if (selection.uids.size) clearChosen();
      else return false;
    },
  };
  // Row handlers stay one function, so memoised rows do not re-render; they read the focused row from here.
  const focusedRef = useRef(selectedUid);
  useLayoutEffect(() => {
    focusedRef.current = selectedUid;
  });
  const onRowClick = useCallback(
    (uid: string, how: RowClick) => {
      if (how === 'toggle') toggle(uid, focusedRef.current);
      else if (how === 'range') extendTo(uid, focusedRef.current);
      else {
        clearChosen();
        setDetailOpen(true);
      }
      setSelectedUid(uid);
    },
    [toggle, extendTo, clearChosen],
  );
  const openMenu = (uid: string, at: MenuPoint) => {
    const onChosen = selection.uids.size > 1 && selection.uids.has(uid);
    // A row outside the chosen ones is acted on alone, and shown so, as in a file manager.
    if (!onChosen) clearChosen();
    setSelectedUid(uid);
    setMenu({ uid, at, onChosen });
  };
  const openMenuRef = useRef(openMenu);
  useLayoutEffect(() => {
    openMenuRef.current = openMenu;
  });
  const onRowMenu = useCallback((uid: string, at: MenuPoint) => openMenuRef.current(uid, at), []);
  const gridSelection: GridSelection = {
    keys: selection.uids,
    onToggleAll: () => (selection.uids.size === rows.length ? clearChosen() : selectAll()),
    onRowMenu,
  };

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
  // The Menu key and Shift+F10 open the focused row's menu under it.
  const menuOnFocused = () => {
    const i = selectedNow();
    if (selectedUid === null || i < 0) return false;
    win.reveal(i);
    const box = (document.getElementById(`${idPrefix}-${selectedUid}`) ?? win.ref.current)?.getBoundingClientRect();
    openMenu(selectedUid, { x: (box?.left ?? 0) + 24, y: box?.bottom ?? 0 });
  };
  // Keys of the rows themselves, only while they have focus: choosing rows, and the focused row's menu.
  const gridKeys: Record<string, KeyAction> = {
    ' ': () => {
      if (selectedUid === null || selectedNow() < 0) return false;
      toggle(selectedUid, null);
    },
    'Control+a': () => selectAll(),
    F10: (e) => (e.shiftKey ? menuOnFocused() : false),
    ContextMenu: menuOnFocused,
    // The choice is the rows' own: Esc on them lets go of it before it closes the detail.
    Escape: () => (selection.uids.size ? clearChosen() : false),
  };
  // While rows are chosen, the keys of the actions they can be given act on all of them, not on the focused row alone;
  // those of the kind's other bulk actions say why not, rather than reach the detail pane's row.
  if (selection.uids.size) {
    for (const state of bulkStates) {
      gridKeys[SHORTCUTS[permissionOf(state.action)].binding] ??= (e) => {
        if (state.enabled && !e.repeat) setPending({ bulk: state });
      };
    }
    for (const action of bulkActions(entry)) {
      gridKeys[SHORTCUTS[permissionOf(action)].binding] ??= () => setBulkNote(whyNotOffered(entry, action, bulk.check));
    }
  }
  const menuRow = menu && store.get(menu.uid);
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
        <KeyScope keys={gridKeys} className="resource-grid-keys">
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
            selection={gridSelection}
            win={win}
            idPrefix={idPrefix}
            busy={status.phase === 'opening' || status.phase === 'listing'}
            empty={<p className="muted">{store.size ? `No ${entry.many} match the filter.` : status.phase === 'live' ? `No ${entry.many}.` : ''}</p>}
          />
        </KeyScope>
        {detailOpen && selectedUid !== null && (
          <DetailPane connection={connection} entry={entry} row={store.get(selectedUid)} columns={allColumns} onClose={closeDetail} />
        )}
      </div>
      {selection.uids.size > 0 && (
        <SelectionBar
          entry={entry}
          count={selection.uids.size}
          states={bulkStates}
          check={bulk.check}
          onAction={(state) => setPending({ bulk: state })}
          note={bulkNote}
          onClear={() => {
            clearChosen();
            focusRows();
          }}
        />
      )}
      {menu && menuRow && menu.onChosen && (
        <ChosenRowsMenu
          entry={entry}
          count={selection.uids.size}
          states={bulkStates}
          check={bulk.check}
          at={menu.at}
          onPick={(state) => {
            setMenu(null);
            setPending({ bulk: state });
          }}
          onClose={closeMenu}
        />
      )}
      {menu && menuRow && !menu.onChosen && (
        <RowActionMenu
          connection={connection}
          entry={entry}
          row={menuRow}
          unschedulable={entry.key === NODE_KEY ? cordoned(menuRow) : undefined}
          shellProblem={entry.key === POD_KEY ? podStatusShellProblem(statusColumn?.value(menuRow)) : undefined}
          at={menu.at}
          onPick={(action) => {
            setMenu(null);
            setPending({ action, row: menuRow });
          }}
          onClose={closeMenu}
        />
      )}
      {pending && <PendingActionDialog connection={connection} entry={entry} pending={pending} cordoned={cordoned} onClose={closePending} onForbidden={bulk.recheck} />}
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

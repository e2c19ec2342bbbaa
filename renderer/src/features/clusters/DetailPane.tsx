import { useEffect, useId, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { ConnectionSummary, ObjectDetail, ObjectRef, Row } from '../../../../shared/contract';
import { useScopeKeys } from '../../shell/keyScope';
import { TabList } from '../../ui/TabList';
import { useQuery, type Query } from '../../ui/useQuery';
import { ObjectActions } from './actions/ObjectActions';
import { detailTabs, SECRETS_KEY, type DetailTab, type DetailTabId } from './detail/detailTabs';
import { EventsTab } from './detail/EventsTab';
import { HistoryTab } from './detail/HistoryTab';
import { OverviewTab } from './detail/OverviewTab';
import { RelatedTab } from './detail/RelatedTab';
import { useSecretReveal, type SecretReveal } from './detail/useSecretReveal';
import { DiscardEditDialog } from './detail/YamlEdit';
import { YamlTab, type EditState } from './detail/YamlTab';
import { useInspector } from './inspectorStore';
import { LogView, type LogViewHandle } from './logs/LogView';
import type { ResourceEntry } from './resourceCatalog';
import type { TableColumn } from './tableColumns';
import './detail/detail.css';

/** The Nodes table's Pods column (added by the services to node rows). */
const NODE_PODS_CELL = 'cell:pods';

interface DetailPaneProps {
  connection: ConnectionSummary;
  entry: ResourceEntry;
  /** The selected row; undefined once it has been deleted from the cluster. */
  row: Row | undefined;
  /** Every column, hidden ones included. */
  columns: readonly TableColumn[];
  onClose(): void;
}

interface TabPanelProps extends Omit<DetailPaneProps, 'onClose' | 'row'> {
  tab: DetailTabId;
  row: Row;
  objectRef: ObjectRef;
  detail: Query<ObjectDetail>;
  secret: SecretReveal;
  logRef: RefObject<LogViewHandle | null>;
  /** Edit on the YAML tab began. */
  onEdit(state: EditState | undefined): void;
}

function TabPanel({ tab, connection, entry, row, columns, objectRef, detail, secret, logRef, onEdit }: TabPanelProps) {
  switch (tab) {
    case 'overview':
      return <OverviewTab connection={connection} entry={entry} row={row} columns={columns} detail={detail} secret={secret} />;
    case 'yaml':
      return <YamlTab entry={entry} row={row} detail={detail} editing={false} onEdit={onEdit} />;
    case 'events':
      return <EventsTab objectRef={objectRef} />;
    case 'related':
      return <RelatedTab entry={entry} objectRef={objectRef} detail={detail} />;
    case 'history':
      return <HistoryTab target={{ connection, entry, row, ref: objectRef }} />;
    case 'logs':
      return detail.value ? (
        <LogView ref={logRef} connectionId={connection.id} namespace={row.namespace ?? ''} pod={row.name} containers={detail.value.containers ?? []} />
      ) : (
        <p className="muted">{detail.loading ? 'Loading containers…' : 'The logs need the pod’s containers: see Overview for why they could not be read.'}</p>
      );
  }
}

/**
 * The selected object: its name and actions, then tabs for its overview,
 * YAML, events, related objects, (workloads) history and (pods) logs. The tabs follow the
 * selection, and a row deleted meanwhile says so instead.
 */
export function DetailPane({ connection, entry, row, columns, onClose }: DetailPaneProps) {
  const tabs = detailTabs(entry);
  const [chosen, setChosen] = useState<DetailTabId>('overview');
  const tab = tabs.find((t) => t.id === chosen) ?? tabs[0];
  const objectRef: ObjectRef | null = row ? { connectionId: connection.id, resource: entry.ref, ...(row.namespace ? { namespace: row.namespace } : {}), name: row.name } : null;
  // The cells change when the object does: read it again then. Not for a node's Pods count, which moves with every pod scheduled on it.
  const detail = useQuery('kube.get', objectRef, { refreshKey: row && JSON.stringify(columns.filter((c) => c.key !== NODE_PODS_CELL).map((c) => c.value(row))) });
  const secret = useSecretReveal(entry.key === SECRETS_KEY ? objectRef : null);

  // The object whose YAML is being edited. The pane holds the edit, so another tab and back finds the draft as it was.
  const [edit, setEdit] = useState<EditState & { row: Row }>();
  const editHere = edit !== undefined && row !== undefined && edit.row.uid === row.uid;
  // Another row was selected while editing: an edit without changes just ends; one with changes stays, hidden, until
  // the user says what becomes of it. An edit of an object deleted meanwhile ends (the pane says it is gone).
  const ended = edit !== undefined && !editHere && (!edit.changed || row === undefined);
  const held = edit !== undefined && !editHere && !ended;
  useEffect(() => {
    if (ended) setEdit(undefined);
  }, [ended]);
  const kept = editHere || held ? edit : undefined;
  const editShown = editHere && tab.id === 'yaml';
  const editOf = (edited: Row) => (state: EditState | undefined) => setEdit(state && { ...state, row: edited });
  // Close pressed with unsaved changes: asked first, as Cancel asks.
  const [closing, setClosing] = useState(false);
  const close = () => (editHere && edit.changed ? setClosing(true) : onClose());
  const keepEditing = () => {
    setClosing(false);
    choose('yaml');
    // Back to the edited object: its view selects it again, and the held edit shows.
    if (held) useInspector.getState().focusObject({ connectionId: connection.id, key: entry.key, ...(edit.row.namespace ? { namespace: edit.row.namespace } : {}), name: edit.row.name, uid: edit.row.uid });
  };

  // The Logs key takes focus to the pod's log, as k9s's `l` does, so `/` searches it: at once, or once the containers have loaded.
  const logRef = useRef<LogViewHandle>(null);
  const logFocusFor = useRef<string | null>(null);
  useEffect(() => {
    if (logFocusFor.current === null || !logRef.current) return;
    // Only for the pod the key was pressed on: the selection may have moved since.
    if (logFocusFor.current === row?.uid) logRef.current.focusLines();
    logFocusFor.current = null;
  });
  const choose = (id: DetailTabId) => {
    logFocusFor.current = null;
    setChosen(id);
  };
  const showByKey = (t: DetailTab) => {
    choose(t.id);
    if (t.id !== 'logs' || !row) return;
    if (logRef.current) logRef.current.focusLines();
    else logFocusFor.current = row.uid;
  };
  // The tabs' letters work from anywhere in the view that leaves them (j/k keep moving the selection, and the tab follows it);
  // Esc closes the pane as its Close button does, asking first about an unsaved edit.
  useScopeKeys({ ...Object.fromEntries(tabs.map((t) => [t.key, () => showByKey(t)])), Escape: close });

  const idPrefix = useId();
  const tabId = (id: DetailTabId) => `${idPrefix}-tab-${id}`;
  const panelId = `${idPrefix}-panel`;
  const closeRef = useRef<HTMLButtonElement>(null);

  // The object went (deleted from here or elsewhere) and took the focused control with it: keep focus in the pane.
  const gone = !row;
  useLayoutEffect(() => {
    if (gone && (document.activeElement === document.body || document.activeElement === null)) closeRef.current?.focus();
  }, [gone]);

  return (
    <aside className="detail detail-pane" aria-label={`${entry.one} details`}>
      <div className="detail-head">
        <h2 className="mono">{row?.name ?? `Deleted ${entry.one}`}</h2>
        <button ref={closeRef} type="button" onClick={close} aria-keyshortcuts="Escape">
          Close <kbd>Esc</kbd>
        </button>
      </div>
      {row && objectRef ? (
        <>
          <div className="detail-actions">
            <ObjectActions connection={connection} entry={entry} row={row} detail={detail.value} />
          </div>
          <TabList label="Views" tabs={tabs} current={tab.id} onChoose={choose} tabId={tabId} panelId={panelId} />
          <div role="tabpanel" id={panelId} aria-labelledby={tabId(tab.id)} tabIndex={0} className={`detail-panel detail-panel-${tab.id}`}>
            {!editShown && (
              <TabPanel key="tab" tab={tab.id} connection={connection} entry={entry} row={row} columns={columns} objectRef={objectRef} detail={detail} secret={secret} logRef={logRef} onEdit={editOf(row)} />
            )}
            {kept && (
              <div key={`edit-${kept.row.uid}`} className="detail-edit" hidden={!editShown}>
                <YamlTab entry={entry} row={editHere ? row : kept.row} detail={detail} editing onEdit={editOf(kept.row)} />
              </div>
            )}
          </div>
        </>
      ) : (
        <p className="muted">It is no longer in the cluster.</p>
      )}
      {(closing || held) && edit && (
        <DiscardEditDialog
          what={`${entry.one} ${edit.row.name}`}
          onKeep={keepEditing}
          onDiscard={() => {
            setEdit(undefined);
            if (closing) onClose();
            setClosing(false);
          }}
        />
      )}
    </aside>
  );
}

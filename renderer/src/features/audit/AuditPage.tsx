import { useState } from 'react';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { useDebouncedValue } from '../../shell/useDebouncedValue';
import { AuditTable, type ShownEntry } from './AuditTable';
import { useAuditLog } from './useAuditLog';

/** Typing pauses this long before the filter is sent, so each keystroke is not a query. */
const FILTER_DELAY_MS = 300;

/** Every audited action: who did what to which connection, and how it ended; live. */
export function AuditPage() {
  const [filter, setFilter] = useState('');
  const typed = useDebouncedValue(filter, FILTER_DELAY_MS);
  // A filter set by following a reference applies at once; only typing waits for a pause.
  const [followed, setFollowed] = useState<string>();
  const text = followed ?? typed;
  const [shown, setShown] = useState<ShownEntry>();
  const { entries, hasMore, status, loadingOlder, error, reload, loadOlder, showUndone } = useAuditLog(text);

  // "undoes #4": scroll to #4 if it is listed, else filter the log down to it and the entries linked to it.
  const showEntry = (id: number) => {
    setShown({ id });
    if (entries.some((e) => e.id === id)) return;
    setFilter(`#${id}`);
    setFollowed(`#${id}`);
  };
  const type = (value: string) => {
    setFilter(value);
    setFollowed(undefined);
    setShown(undefined);
  };

  return (
    <section className="page-body" aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Audit</h1>
        <label className="field inline">
          <span>Filter</span>
          <input type="search" aria-label="Filter audit log" placeholder="#id, action, target, connection, detail" value={filter} onChange={(e) => type(e.target.value)} />
        </label>
      </div>
      {error && <ErrorNotice error={{ ...error, action: { label: 'Try again', run: () => void (status === 'error' ? reload() : loadOlder()) } }} />}
      {status === 'loading' && !entries.length && <p className="muted">Loading the audit log…</p>}
      {status === 'ready' && !entries.length && (
        <div className="empty">
          <p>{text.trim() ? `No audit entries match “${text.trim()}”.` : 'No audited actions yet. Imports, renames, label changes and deletions will appear here.'}</p>
        </div>
      )}
      {entries.length > 0 && <AuditTable entries={entries} shown={shown} onShow={showEntry} onUndone={showUndone} />}
      {hasMore && (
        <div className="button-row">
          <button type="button" disabled={loadingOlder} onClick={() => void loadOlder()}>
            {loadingOlder ? 'Loading…' : 'Load older'}
          </button>
        </div>
      )}
    </section>
  );
}

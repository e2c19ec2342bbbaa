import { useState } from 'react';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { useDebouncedValue } from '../../shell/useDebouncedValue';
import { AuditTable } from './AuditTable';
import { useAuditLog } from './useAuditLog';

/** Typing pauses this long before the filter is sent, so each keystroke is not a query. */
const FILTER_DELAY_MS = 300;

/** Every audited action: who did what to which connection, and how it ended; live. */
export function AuditPage() {
  const [filter, setFilter] = useState('');
  const text = useDebouncedValue(filter, FILTER_DELAY_MS);
  const { entries, hasMore, status, loadingOlder, error, reload, loadOlder } = useAuditLog(text);
  return (
    <section className="page-body" aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Audit</h1>
        <label className="field inline">
          <span>Filter</span>
          <input type="search" aria-label="Filter audit log" placeholder="action, target, connection, detail" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </label>
      </div>
      {error && <ErrorNotice error={{ ...error, action: { label: 'Try again', run: () => void (status === 'error' ? reload() : loadOlder()) } }} />}
      {status === 'loading' && !entries.length && <p className="muted">Loading the audit log…</p>}
      {status === 'ready' && !entries.length && (
        <div className="empty">
          <p>{text.trim() ? `No audit entries match “${text.trim()}”.` : 'No audited actions yet. Imports, renames, label changes and deletions will appear here.'}</p>
        </div>
      )}
      {entries.length > 0 && <AuditTable entries={entries} />}
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

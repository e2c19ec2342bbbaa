import type { AuditEntry } from '../../../../shared/contract';
import { formatTime } from '../../shell/format';

function Change({ entry }: { entry: AuditEntry }) {
  if (entry.before === undefined && entry.after === undefined) return null;
  return (
    <span className="mono change">
      <span title={entry.before}>{entry.before ?? '—'}</span> <span aria-label="changed to">→</span> <span title={entry.after}>{entry.after ?? '—'}</span>
    </span>
  );
}

/** Audit entries, newest first. */
export function AuditTable({ entries }: { entries: readonly AuditEntry[] }) {
  return (
    <table className="data" aria-label="Audit log">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Actor</th>
          <th scope="col">Connection</th>
          <th scope="col">Action</th>
          <th scope="col">Target</th>
          <th scope="col">Status</th>
          <th scope="col">Detail</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.id}>
            <td>
              <time dateTime={e.at}>{formatTime(e.at)}</time>
            </td>
            <td>{e.actor}</td>
            <td>{e.connectionName ?? '—'}</td>
            <td className="mono">{e.action}</td>
            <td>{e.target}</td>
            <td>
              <span className={`badge status-${e.status}`}>{e.status}</span>
            </td>
            <td>{e.error ? <span className="field-error">{e.error}</span> : e.detail}</td>
            <td>
              <Change entry={e} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

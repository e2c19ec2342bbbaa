import type { RejectedEntry } from '../../../../shared/contract';

/** Entries a preview found but cannot import, each with its reason and where it is. */
export function RejectedList({ rejected }: { rejected: readonly RejectedEntry[] }) {
  if (!rejected.length) return null;
  return (
    <section className="rejected" aria-label="Cannot be imported">
      <h3>Cannot be imported</h3>
      <ul>
        {rejected.map((r) => (
          <li key={`${r.source}:${r.name}:${r.line ?? ''}`}>
            <strong>{r.name}</strong>: {r.reason}{' '}
            <span className="muted">
              ({r.source}
              {r.line !== undefined && `, line ${r.line}`})
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

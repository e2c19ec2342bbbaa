import type { Labels } from '../../../../shared/contract';

/** `env=prod`; a label with an empty value shows as its key alone. */
export const formatLabel = (key: string, value: string): string => (value ? `${key}=${value}` : key);

/** A connection's labels as chips. */
export function LabelChips({ labels }: { labels: Labels }) {
  const entries = Object.entries(labels);
  if (!entries.length) return null;
  return (
    <ul className="chips" aria-label="Labels">
      {entries.map(([k, v]) => (
        <li key={k} className="chip">
          {formatLabel(k, v)}
        </li>
      ))}
    </ul>
  );
}

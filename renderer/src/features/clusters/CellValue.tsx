import type { Row } from '../../../../shared/contract';
import { formatTime } from '../../shell/format';
import { useNow } from '../../ui/useNow';
import { formatAge, nameTailStart, statusTone } from './cellFormat';
import type { TableColumn } from './tableColumns';

/** A relative age that follows the shared clock; the exact time is in the tooltip. */
export function Age({ iso, suffix = '' }: { iso: string; suffix?: string }) {
  const now = useNow();
  return (
    <time dateTime={iso} title={formatTime(iso)}>
      {formatAge(iso, now)}
      {suffix}
    </time>
  );
}

/**
 * An object name that, when its column is too narrow, gives up its middle
 * rather than the generated end that tells sibling pods apart. Two spans, so
 * the browser does the shortening without measuring text, and the whole name
 * stays the cell's text.
 */
export function ObjectName({ name }: { name: string }) {
  const cut = nameTailStart(name);
  if (!cut) return <>{name}</>;
  return (
    <span className="mid-ellipsis">
      <span className="mid-ellipsis-start">{name.slice(0, cut)}</span>
      <span className="mid-ellipsis-end">{name.slice(cut)}</span>
    </span>
  );
}

/** One cell, shown by its column's kind: ages relative, statuses as coloured badges, numbers grouped. */
export function CellValue({ kind, value }: { kind: TableColumn['kind']; value: Row['cells'][number] }) {
  if (value === null || value === '') return <span className="muted">—</span>;
  if (typeof value === 'number') return <>{value.toLocaleString()}</>;
  switch (kind) {
    case 'age':
      return <Age iso={value} />;
    case 'status':
      return <span className={`badge tone-${statusTone(value)}`}>{value}</span>;
    default:
      return <>{value}</>;
  }
}

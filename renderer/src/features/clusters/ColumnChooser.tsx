import { Popover } from '../../ui/Popover';
import { NAME_KEY, type TableColumn } from './tableColumns';

interface ColumnChooserProps {
  columns: readonly TableColumn[];
  hidden: ReadonlySet<string>;
  onToggle(key: string): void;
}

/** Turns columns on and off; the choice is kept per resource. Name always stays. */
export function ColumnChooser({ columns, hidden, onToggle }: ColumnChooserProps) {
  return (
    <Popover summary="Columns" label="Columns">
      {() => (
        <ul className="popover-list">
          {columns.map((c) => (
            <li key={c.key}>
              <label className="check">
                <input type="checkbox" checked={c.key === NAME_KEY || !hidden.has(c.key)} disabled={c.key === NAME_KEY} onChange={() => onToggle(c.key)} /> {c.title}
              </label>
            </li>
          ))}
        </ul>
      )}
    </Popover>
  );
}

import { Popover } from '../../ui/Popover';
import { naturalCompare } from './rowOrder';
import type { RowStore } from './rowStore';

interface NamespaceFilterProps {
  store: RowStore;
  /** Namespaces shown; empty shows all. */
  selected: ReadonlySet<string>;
  onChange(next: ReadonlySet<string>): void;
}

function summaryOf(selected: ReadonlySet<string>): string {
  if (!selected.size) return 'Namespaces: all';
  if (selected.size === 1) return `Namespace: ${[...selected][0]}`;
  return `Namespaces: ${selected.size}`;
}

function NamespaceOptions({ store, selected, onChange }: NamespaceFilterProps) {
  const counts = store.namespaces();
  // A chosen namespace stays listed after its last row goes, so it can be unchosen.
  const names = [...new Set([...counts.keys(), ...selected])].sort(naturalCompare);
  const toggle = (ns: string) => {
    const next = new Set(selected);
    if (!next.delete(ns)) next.add(ns);
    onChange(next);
  };
  return (
    <>
      <label className="check">
        <input type="checkbox" checked={!selected.size} onChange={() => onChange(new Set())} /> All namespaces
      </label>
      <ul className="popover-list">
        {names.map((ns) => (
          <li key={ns}>
            <label className="check">
              <input type="checkbox" checked={selected.has(ns)} onChange={() => toggle(ns)} /> {ns}
              <span className="muted">{(counts.get(ns) ?? 0).toLocaleString()}</span>
            </label>
          </li>
        ))}
      </ul>
    </>
  );
}

/** Shows only the rows of some namespaces, chosen from those seen in the rows. */
export function NamespaceFilter(props: NamespaceFilterProps) {
  return (
    <Popover summary={summaryOf(props.selected)} label="Namespaces">
      {() => <NamespaceOptions {...props} />}
    </Popover>
  );
}

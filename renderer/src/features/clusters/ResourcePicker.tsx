import { OVERVIEW, type DiscoveryState } from './inspectorStore';
import type { ResourceEntry } from './resourceCatalog';

interface ResourcePickerProps {
  entries: readonly ResourceEntry[];
  picked: string;
  discovery: DiscoveryState | undefined;
  onPick(key: string): void;
}

function PickButton({ label, active, disabled, onPick }: { label: string; active: boolean; disabled?: boolean; onPick(): void }) {
  return (
    <li>
      <button
        type="button"
        className="pick"
        aria-current={active ? 'true' : undefined}
        disabled={disabled}
        title={disabled ? 'This cluster does not serve it' : undefined}
        onClick={onPick}
      >
        {label}
      </button>
    </li>
  );
}

/** Entries grouped by `section`, in first-seen order. */
function bySection(entries: readonly ResourceEntry[]): [string, ResourceEntry[]][] {
  const sections = new Map<string, ResourceEntry[]>();
  for (const e of entries) sections.set(e.section, [...(sections.get(e.section) ?? []), e]);
  return [...sections];
}

/** The left column: the overview, the built-in resources by category, and custom resources by API group. */
export function ResourcePicker({ entries, picked, discovery, onPick }: ResourcePickerProps) {
  const builtins = bySection(entries.filter((e) => e.builtin));
  const custom = bySection(entries.filter((e) => !e.builtin));
  return (
    <nav aria-label="Resources" className="picker">
      <ul>
        <PickButton label="Overview" active={picked === OVERVIEW} onPick={() => onPick(OVERVIEW)} />
      </ul>
      {builtins.map(([section, items]) => (
        <div key={section}>
          <h3>{section}</h3>
          <ul>
            {items.map((e) => (
              <PickButton key={e.key} label={e.label} active={e.key === picked} disabled={!e.served} onPick={() => onPick(e.key)} />
            ))}
          </ul>
        </div>
      ))}
      <h3>Custom resources</h3>
      {custom.map(([group, items]) => (
        <details key={group} open={items.some((e) => e.key === picked) || undefined}>
          <summary className="mono">{group}</summary>
          <ul>
            {items.map((e) => (
              <PickButton key={e.key} label={e.label} active={e.key === picked} onPick={() => onPick(e.key)} />
            ))}
          </ul>
        </details>
      ))}
      {!custom.length && (
        <p className="muted picker-note">
          {discovery?.status === 'ready' ? 'None installed.' : discovery?.status === 'error' ? 'Unknown: discovery failed.' : 'Discovering…'}
        </p>
      )}
    </nav>
  );
}

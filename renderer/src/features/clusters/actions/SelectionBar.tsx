import { plural } from '../../../shell/format';
import type { ResourceEntry } from '../resourceCatalog';
import { BULK_WORDS } from './actionCatalog';
import type { BulkActionState } from './useBulkPermissions';
import type { PermissionCheck } from './useObjectPermissions';
import './actions.css';

interface SelectionBarProps {
  entry: ResourceEntry;
  count: number;
  states: readonly BulkActionState[];
  check: PermissionCheck;
  onAction(state: BulkActionState): void;
  onClear(): void;
  /** Why the key just pressed did nothing: its action is not offered on these rows. */
  note?: string;
}

/** "3 pods selected · Delete · Restart · Clear": what the chosen rows can be given, under the table. */
export function SelectionBar({ entry, count, states, check, onAction, onClear, note }: SelectionBarProps) {
  return (
    <div role="toolbar" aria-label="Selection" className="selection-bar">
      <strong>{plural(count, entry.one, entry.many)} selected</strong>
      {states.map((state) => {
        const { label } = BULK_WORDS[state.action];
        // Cordon and Uncordon each act on the part of the nodes they change: the button says how many.
        const name = state.targets.length === count ? label : `${label} ${state.targets.length}`;
        return (
          <button key={state.action} type="button" className={state.action === 'delete' ? 'danger' : undefined} disabled={!state.enabled} onClick={() => onAction(state)}>
            {name}
          </button>
        );
      })}
      {check.status === 'checking' && <span className="muted">Checking permissions…</span>}
      <span className="muted" role="status">
        {note}
      </span>
      {check.status === 'failed' && <span className="muted">Could not check permissions ({check.error.message}); the cluster decides when you act.</span>}
      <button type="button" onClick={onClear}>
        Clear
      </button>
    </div>
  );
}

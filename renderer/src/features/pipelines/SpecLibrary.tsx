import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import type { ConnectionSummary, SpecMeta } from '../../../../shared/contract';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { describeError } from '../../shell/errorActions';
import { formatTime, plural } from '../../shell/format';
import type { Query } from '../../ui/useQuery';
import { useConnections } from '../connections/connectionsStore';

/** Where a spec goes: "prod-eu / ml-jobs", "prod-eu / default namespace", or that none is chosen. */
export function targetText(spec: Pick<SpecMeta, 'connectionId' | 'namespace'>, connections: readonly ConnectionSummary[]): string {
  if (!spec.connectionId) return 'No target connection';
  const name = connections.find((c) => c.id === spec.connectionId)?.name ?? 'a deleted connection';
  return `${name} / ${spec.namespace ?? 'default namespace'}`;
}

/** A spec matches when every word typed is in its name, kinds, namespace or path. */
function matches(spec: SpecMeta, words: readonly string[]): boolean {
  const text = [spec.name, ...spec.kinds, spec.namespace ?? '', spec.path ?? ''].join(' ').toLowerCase();
  return words.every((w) => text.includes(w));
}

interface SpecLibraryProps {
  specs: Query<SpecMeta[]>;
  selectedId: string | null;
  onChoose(id: string): void;
}

/**
 * The spec library: a filter box over every spec (name, kinds, documents,
 * target, version, last save), chosen by click or with the arrow keys.
 */
export function SpecLibrary({ specs, selectedId, onChoose }: SpecLibraryProps) {
  const connections = useConnections((s) => s.connections);
  const [filter, setFilter] = useState('');
  const listId = useId();
  const optionId = (id: string) => `${listId}-${id}`;
  const words = useMemo(() => filter.toLowerCase().split(/\s+/).filter(Boolean), [filter]);
  const shown = useMemo(() => (specs.value ?? []).filter((s) => matches(s, words)), [specs.value, words]);

  const move = (e: KeyboardEvent) => {
    const step = { ArrowDown: 1, ArrowUp: -1, Home: -Infinity, End: Infinity }[e.key];
    if (step === undefined || !shown.length) return;
    // Home and End stay in the filter box's text.
    if ((e.key === 'Home' || e.key === 'End') && e.currentTarget instanceof HTMLInputElement) return;
    e.preventDefault();
    const at = shown.findIndex((s) => s.id === selectedId);
    const next = Math.max(0, Math.min(shown.length - 1, at < 0 ? (step > 0 ? 0 : shown.length - 1) : at + step));
    onChoose(shown[next].id);
    document.getElementById(optionId(shown[next].id))?.scrollIntoView?.({ block: 'nearest' });
  };

  const total = specs.value?.length ?? 0;
  return (
    <div className="pipelines-list-pane">
      <label className="field">
        <span>Filter</span>
        <input
          type="search"
          value={filter}
          placeholder="name, kind, namespace…"
          role="combobox"
          aria-expanded={shown.length > 0}
          aria-controls={listId}
          aria-activedescendant={selectedId && shown.some((s) => s.id === selectedId) ? optionId(selectedId) : undefined}
          aria-autocomplete="list"
          maxLength={200}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={move}
        />
      </label>
      {specs.error !== undefined && <ErrorNotice error={{ ...describeError(specs.error), title: 'Could not list the specs', action: { label: 'Try again', run: specs.refetch } }} />}
      <p className="muted" role="status">
        {!specs.value ? (specs.error === undefined ? 'Loading the specs…' : '') : total === 0 ? 'The library has no specs yet.' : shown.length === total ? plural(total, 'spec') : `${shown.length} of ${plural(total, 'spec')}`}
      </p>
      <ul id={listId} role="listbox" aria-label="Pipeline specs" className="pipelines-specs" tabIndex={-1} onKeyDown={move}>
        {shown.map((s) => (
          <li key={s.id} id={optionId(s.id)} role="option" aria-selected={s.id === selectedId} className={s.id === selectedId ? 'selected' : undefined} onClick={() => onChoose(s.id)}>
            <div className="pipelines-spec-name">
              <span>{s.name}</span>
              <span className="badge">v{s.version}</span>
            </div>
            <div className="pipelines-spec-line muted">
              {s.kinds.length ? s.kinds.join(', ') : 'no kinds'} · {plural(s.documents, 'document')}
            </div>
            <div className="pipelines-spec-line muted">{targetText(s, connections)}</div>
            <div className="pipelines-spec-line muted">
              Saved {formatTime(s.updatedAt)} by {s.updatedBy}
            </div>
          </li>
        ))}
      </ul>
      {specs.value && total > 0 && shown.length === 0 && <p className="muted">No spec matches “{filter}”.</p>}
    </div>
  );
}

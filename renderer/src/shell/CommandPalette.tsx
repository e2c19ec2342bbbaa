import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { describeError } from './errorActions';
import type { PaletteCommand, PaletteSearch } from './feature';
import { fuzzyFilter, fuzzyScoreNamed } from './fuzzy';
import { Modal } from './Modal';
import { paletteCommands } from './paletteCommands';
import { useRegistry } from './registryContext';
import { showPage } from './routes';
import { useUi } from './uiStore';
import './palette.css';

interface PaletteGroup {
  id: string;
  label: string;
  items: PaletteCommand[];
  /** How well the group's best item matches the text, to put the better group first. */
  best: number;
}

const NONE: readonly PaletteCommand[] = [];

/**
 * Ctrl/Cmd+K: fuzzy search over pages, connections and actions, and over what
 * features search for the text (a selected cluster's objects by name); arrows
 * move, Enter runs, Esc closes. Every command comes from the registry's features.
 */
export function CommandPalette() {
  const registry = useRegistry();
  const { closePalette } = useUi.getState();
  const [query, setQuery] = useState('');
  // By id, not position: found objects arrive later and must not move the highlight off what it is on.
  const [activeId, setActiveId] = useState<string | null>(null);
  const listId = useId();

  // Features' hooks, in registry order. The registry is fixed while the app runs, so every render calls the same hooks in the same order.
  const contributed: (readonly PaletteCommand[])[] = [];
  const searches: { id: string; search: PaletteSearch }[] = [];
  for (const f of registry.features) {
    contributed.push(f.usePaletteCommands?.() ?? NONE);
    if (f.usePaletteSearch) searches.push({ id: f.id, search: f.usePaletteSearch(query) });
  }

  const { pages } = registry;
  // One dependency per feature: a feature's list keeps its identity until it changes.
  const commands = useMemo(() => paletteCommands(pages, contributed, showPage), [pages, ...contributed]);
  const matches = useMemo(() => fuzzyFilter(commands, query, (c) => c.title, (c) => c.keywords), [commands, query]);

  const active = searches.filter((s) => s.search.active);
  const scoreOf = (c: PaletteCommand | undefined, text: (c: PaletteCommand) => string) => (c ? (fuzzyScoreNamed(query, text(c), c.keywords) ?? 0) : -Infinity);
  const title = (c: PaletteCommand) => c.title;
  const groups: PaletteGroup[] = [
    { id: 'commands', label: 'Commands', items: matches, best: scoreOf(matches[0], title) },
    ...active.map(({ id, search }) => ({ id, label: search.label, items: search.commands, best: scoreOf(search.commands[0], search.scoreText ?? title) })),
  ];
  // The better match first; commands win ties.
  groups.sort((a, b) => b.best - a.best);
  const searching = active.some((s) => s.search.searching);
  const nouns = (list: typeof searches) => list.map((s) => s.search.noun).join(' or ');
  const searchable = searches.filter((s) => s.search.available);

  const options = groups.flatMap((g) => g.items);
  const current = options.find((o) => o.id === activeId) ?? options[0];
  const optionId = (c: PaletteCommand) => `${listId}-${c.id}`;

  useEffect(() => {
    if (!current) return;
    // jsdom has no scrollIntoView.
    document.getElementById(optionId(current))?.scrollIntoView?.({ block: 'nearest' });
  });

  const run = (command: PaletteCommand) => {
    closePalette();
    command.run();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (!options.length || !current) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActiveId(options[(options.indexOf(current) + step + options.length) % options.length].id);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      run(current);
    }
  };

  const shownGroups = groups.filter((g) => g.items.length);
  return (
    <Modal label="Command palette" onClose={closePalette} className="palette">
      <input
        autoFocus
        role="combobox"
        aria-label="Search commands"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={current ? optionId(current) : undefined}
        aria-autocomplete="list"
        placeholder={searchable.length ? `Type a command, page, connection or ${nouns(searchable)} name` : 'Type a command, page or connection'}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActiveId(null);
        }}
        onKeyDown={onKeyDown}
      />
      <div id={listId} role="listbox" aria-label="Commands" className="palette-list">
        {shownGroups.map((g) => (
          <ul key={g.id} role="group" aria-labelledby={`${listId}-group-${g.id}`}>
            <li role="presentation" id={`${listId}-group-${g.id}`} className={shownGroups.length > 1 ? 'palette-group' : 'palette-group visually-hidden'}>
              {g.label}
            </li>
            {g.items.map((c) => (
              <li
                key={c.id}
                id={optionId(c)}
                role="option"
                aria-selected={c === current}
                className={c === current ? 'active' : undefined}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => run(c)}
              >
                <span className="palette-title">{c.title}</span>
                {c.hint && <span className="muted">{c.hint}</span>}
              </li>
            ))}
          </ul>
        ))}
      </div>
      {active.map(({ id, search }) => (
        <p key={id} className="muted palette-status" role="status">
          {search.error !== undefined
            ? `Cannot search ${search.label.toLowerCase()}: ${describeError(search.error).message}`
            : search.searching
              ? `Searching ${search.label.toLowerCase()}…`
              : ''}
        </p>
      ))}
      {!options.length && !searching && <p className="muted palette-empty">No {['command', ...active.map((s) => s.search.noun)].join(' or ')} matches “{query}”.</p>}
    </Modal>
  );
}

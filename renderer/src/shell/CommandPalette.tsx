import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { useClusterCommands, useObjectSearch } from '../features/clusters/clusterCommands';
import { useConnections } from '../features/connections/connectionsStore';
import { describeError } from './errorActions';
import { fuzzyFilter, fuzzyScore } from './fuzzy';
import { Modal } from './Modal';
import { paletteCommands, type PaletteCommand } from './paletteCommands';
import { navigate } from './routes';
import { useTheme } from './theme';
import { useUi } from './uiStore';
import './palette.css';

interface PaletteGroup {
  id: string;
  label: string;
  items: PaletteCommand[];
  /** How well the group's best item matches the text, to put the better group first. */
  best: number;
}

/**
 * Ctrl/Cmd+K: fuzzy search over pages, connections and actions, and (with a
 * cluster selected) its objects by name; arrows move, Enter runs, Esc closes.
 */
export function CommandPalette() {
  const connections = useConnections((s) => s.connections);
  const selectConnection = useConnections((s) => s.select);
  const toggleTheme = useTheme((s) => s.toggle);
  const clusterCommands = useClusterCommands();
  const { openDialog, closePalette } = useUi.getState();
  const [query, setQuery] = useState('');
  // By id, not position: found objects arrive later and must not move the highlight off what it is on.
  const [activeId, setActiveId] = useState<string | null>(null);
  const listId = useId();
  const objects = useObjectSearch(query);

  const commands = useMemo(
    () => paletteCommands(connections, { navigate, selectConnection, openDialog, toggleTheme }, clusterCommands),
    [connections, selectConnection, openDialog, toggleTheme, clusterCommands],
  );
  const matches = useMemo(() => fuzzyFilter(commands, query, (c) => c.title), [commands, query]);

  const groups = useMemo(() => {
    const scoreOf = (c: PaletteCommand | undefined, text: (c: PaletteCommand) => string) => (c ? (fuzzyScore(query, text(c)) ?? 0) : -Infinity);
    const list: PaletteGroup[] = [{ id: 'commands', label: 'Commands', items: matches, best: scoreOf(matches[0], (c) => c.title) }];
    if (objects.active) {
      // Score objects by namespace/name alone, without the kind in front.
      const nameOf = (c: PaletteCommand) => c.title.slice(c.title.indexOf(' · ') + 3);
      list.push({ id: 'objects', label: 'Objects', items: objects.commands, best: scoreOf(objects.commands[0], nameOf) });
    }
    // The better match first; commands win ties.
    return list.sort((a, b) => b.best - a.best);
  }, [matches, objects.active, objects.commands, query]);

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
        placeholder={objects.available ? 'Type a command, page, connection or object name' : 'Type a command, page or connection'}
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
      {objects.active && (
        <p className="muted palette-status" role="status">
          {objects.error !== undefined ? `Cannot search objects: ${describeError(objects.error).message}` : objects.searching ? 'Searching objects…' : ''}
        </p>
      )}
      {!options.length && !objects.searching && <p className="muted palette-empty">No {objects.active ? 'command or object' : 'command'} matches “{query}”.</p>}
    </Modal>
  );
}

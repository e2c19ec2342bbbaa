import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { useClusterCommands } from '../features/clusters/clusterCommands';
import { useConnections } from '../features/connections/connectionsStore';
import { fuzzyFilter } from './fuzzy';
import { Modal } from './Modal';
import { paletteCommands, type PaletteCommand } from './paletteCommands';
import { navigate } from './routes';
import { useTheme } from './theme';
import { useUi } from './uiStore';

/** Ctrl/Cmd+K: fuzzy search over pages, connections and actions; arrows move, Enter runs, Esc closes. */
export function CommandPalette() {
  const connections = useConnections((s) => s.connections);
  const selectConnection = useConnections((s) => s.select);
  const toggleTheme = useTheme((s) => s.toggle);
  const clusterCommands = useClusterCommands();
  const { openDialog, closePalette } = useUi.getState();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();

  const commands = useMemo(
    () => paletteCommands(connections, { navigate, selectConnection, openDialog, toggleTheme }, clusterCommands),
    [connections, selectConnection, openDialog, toggleTheme, clusterCommands],
  );
  const matches = useMemo(() => fuzzyFilter(commands, query, (c) => c.title), [commands, query]);
  const current = matches[Math.min(active, matches.length - 1)];

  const run = (command: PaletteCommand) => {
    closePalette();
    command.run();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (!matches.length) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (Math.min(i, matches.length - 1) + step + matches.length) % matches.length);
    } else if (e.key === 'Enter' && current) {
      e.preventDefault();
      run(current);
    }
  };

  const optionId = (c: PaletteCommand) => `${listId}-${c.id}`;

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
        placeholder="Type a command, page or connection"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" aria-label="Commands" className="palette-list">
        {matches.map((c) => (
          <li
            key={c.id}
            id={optionId(c)}
            role="option"
            aria-selected={c === current}
            className={c === current ? 'active' : undefined}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => run(c)}
          >
            <span>{c.title}</span>
            {c.hint && <span className="muted">{c.hint}</span>}
          </li>
        ))}
      </ul>
      {!matches.length && <p className="muted palette-empty">No command matches “{query}”.</p>}
    </Modal>
  );
}

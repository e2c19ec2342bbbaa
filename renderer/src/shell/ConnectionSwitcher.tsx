import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { kindLabel } from '../features/connections/connectionKinds';
import { selectedConnection, useConnections } from '../features/connections/connectionsStore';
import { HealthDot } from '../features/connections/HealthBadge';
import { LabelChips } from '../features/connections/LabelChips';
import { navigate } from './routes';

/** The top bar's connection picker: name, health dot and labels of every stored connection. */
export function ConnectionSwitcher() {
  const connections = useConnections((s) => s.connections);
  const selected = useConnections(selectedConnection);
  const select = useConnections((s) => s.select);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const listId = useId();

  useEffect(() => {
    if (!open) return;
    listRef.current?.focus();
    const onPointer = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const show = () => {
    setActive(Math.max(0, connections.findIndex((c) => c.id === selected?.id)));
    setOpen(true);
  };
  const choose = (id: string) => {
    select(id);
    setOpen(false);
    buttonRef.current?.focus();
  };

  const onListKey = (e: KeyboardEvent<HTMLUListElement>) => {
    const count = connections.length;
    if (e.key === 'Escape' || e.key === 'Tab') {
      setOpen(false);
      if (e.key === 'Escape') buttonRef.current?.focus();
    } else if (count && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : -1) + count) % count);
    } else if (count && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      choose(connections[active].id);
    }
  };

  return (
    <div className="switcher" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        aria-label={`Connection: ${selected?.name ?? 'none selected'}`}
        onClick={() => (open ? setOpen(false) : show())}
      >
        {selected ? <HealthDot health={selected.health} /> : null}
        <span>{selected?.name ?? 'Choose a connection'}</span>
        <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="switcher-menu">
          {connections.length ? (
            <ul
              ref={listRef}
              id={listId}
              role="listbox"
              aria-label="Connections"
              tabIndex={-1}
              aria-activedescendant={`${listId}-${active}`}
              onKeyDown={onListKey}
            >
              {connections.map((c, i) => (
                <li
                  key={c.id}
                  id={`${listId}-${i}`}
                  role="option"
                  aria-selected={c.id === selected?.id}
                  className={i === active ? 'active' : undefined}
                  onClick={() => choose(c.id)}
                >
                  <HealthDot health={c.health} />
                  <span className="switcher-name">{c.name}</span>
                  <span className="muted">{kindLabel(c.kind)}</span>
                  <LabelChips labels={c.labels} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No connections yet.</p>
          )}
          <button
            type="button"
            className="link"
            onClick={() => {
              setOpen(false);
              navigate('connections');
            }}
          >
            Manage connections
          </button>
        </div>
      )}
    </div>
  );
}

import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import type { MenuPoint } from './VirtualGrid';

/** One entry of a {@link ContextMenu}. */
export interface MenuEntry {
  id: string;
  label: string;
  /** Shown, focusable and explained, but not taken. */
  disabled?: boolean;
  /** Why it is disabled. */
  reason?: string;
  danger?: boolean;
  /** The key that does the same, shown at the right. */
  hint?: string;
}

interface ContextMenuProps {
  /** The menu's accessible name. */
  label: string;
  /** Where it was asked for: its top left corner, moved in so it fits the window. */
  at: MenuPoint;
  entries: readonly MenuEntry[];
  /** Shown when there are no entries (yet), e.g. "Checking permissions…". */
  empty?: string;
  onPick(id: string): void;
  onClose(): void;
}

/** Kept between the menu and the window's edges. */
const MARGIN = 4;

/**
 * A menu at a point (a right-click, or under the focused row for the Menu key
 * and Shift+F10): arrows, Home and End move, Enter or Space take an entry,
 * Esc, Tab or a click elsewhere close it, and focus goes back where it was.
 */
export function ContextMenu({ label, at, entries, empty, onPick, onClose }: ContextMenuProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [previous] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  const [position, setPosition] = useState(at);
  const [activeAt, setActive] = useState(0);
  // Entries may drop out once permissions are answered: stay on the last.
  const active = Math.max(0, Math.min(activeAt, entries.length - 1));
  const idPrefix = useId();

  // Opened near an edge, it opens the other way rather than being cut off.
  useLayoutEffect(() => {
    const { width, height } = ref.current!.getBoundingClientRect();
    const x = at.x + width + MARGIN > window.innerWidth ? Math.max(MARGIN, at.x - width) : at.x;
    const y = at.y + height + MARGIN > window.innerHeight ? Math.max(MARGIN, at.y - height) : at.y;
    setPosition({ x, y });
  }, [at, entries.length]);

  useEffect(() => {
    ref.current?.focus();
    const onPointer = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('pointerdown', onPointer, true);
    window.addEventListener('resize', onClose);
    return () => {
      document.removeEventListener('pointerdown', onPointer, true);
      window.removeEventListener('resize', onClose);
    };
  }, [onClose]);

  const close = () => {
    previous?.focus();
    onClose();
  };
  const pick = (entry: MenuEntry | undefined) => {
    if (!entry || entry.disabled) return;
    // Focus goes back first, so a dialog the entry opens returns focus there, not to this menu.
    previous?.focus();
    onPick(entry.id);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const last = entries.length - 1;
    const moves: Record<string, () => void> = {
      ArrowDown: () => setActive(active >= last ? 0 : active + 1),
      ArrowUp: () => setActive(active <= 0 ? last : active - 1),
      Home: () => setActive(0),
      End: () => setActive(last),
      Enter: () => pick(entries[active]),
      ' ': () => pick(entries[active]),
      Escape: close,
      Tab: close,
    };
    // Every key is the menu's while it is open: none reaches the table's shortcuts or the page.
    e.stopPropagation();
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    move();
  };

  const entryId = (i: number) => `${idPrefix}-${i}`;
  return createPortal(
    <div
      ref={ref}
      role="menu"
      aria-label={label}
      aria-activedescendant={entries.length ? entryId(active) : undefined}
      tabIndex={-1}
      className="context-menu"
      style={{ left: position.x, top: position.y }}
      onKeyDown={onKeyDown}
      onContextMenu={(e) => e.preventDefault()}
    >
      {entries.map((entry, i) => (
        <div
          key={entry.id}
          id={entryId(i)}
          role="menuitem"
          aria-disabled={entry.disabled || undefined}
          title={entry.reason}
          className={['context-menu-item', i === active && 'active', entry.danger && 'danger'].filter(Boolean).join(' ')}
          onPointerMove={() => setActive(i)}
          onClick={() => pick(entry)}
        >
          <span>{entry.label}</span>
          {entry.hint && <kbd aria-hidden="true">{entry.hint}</kbd>}
        </div>
      ))}
      {!entries.length && empty && <p className="muted context-menu-empty">{empty}</p>}
    </div>,
    document.body,
  );
}

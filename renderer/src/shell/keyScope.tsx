import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useRef, useState, type ComponentProps, type RefObject } from 'react';
import { useUi } from './uiStore';

/** What a key does in a part of the page; returning `false` declines it, and it goes on to the part around. */
export type KeyAction = (e: KeyboardEvent) => boolean | void;

/**
 * Actions by key name: `e.key` as typed ("j", "G", "/", "Enter", "Escape",
 * "ArrowDown"), or "Control+d" / "Control+Shift+d" for a Ctrl chord.
 */
export type KeyBindings = Readonly<Record<string, KeyAction | undefined>>;

/**
 * Where typed keys are text: every key stays there but Esc, which leaves.
 * Monaco counts whatever it focuses: a textarea in older builds, an
 * EditContext div where Chromium has EditContext (monaco-editor 0.54 on Electron 41).
 */
const TEXT_ENTRY = 'input, textarea, select, [contenteditable]:not([contenteditable="false"]), .monaco-editor, [role="textbox"]';

/** Where a plain key is the control's (Space presses, a letter picks an option): no single-key shortcut fires there. */
const CONTROL = `${TEXT_ENTRY}, button, a[href], summary, [role="button"], [role="tab"], [role="checkbox"], [role="radio"], [role="switch"], [role="option"], [role="menuitem"], [role="listbox"], [role="menu"]`;

const within = (target: EventTarget | null, selector: string) => target instanceof Element && target.closest(selector) !== null;

/** The key was typed into a field, Monaco's editor included. */
export const isTextEntry = (target: EventTarget | null): boolean => within(target, TEXT_ENTRY);

/** The key was pressed on a control: a field, a button, a link, a select. */
export const isControl = (target: EventTarget | null): boolean => within(target, CONTROL);

/** A dialog or the palette is open, so keys belong to it: app-wide ones by the UI store, any other by the aria-modal that Modal renders. */
export function overlayOpen(): boolean {
  const ui = useUi.getState();
  return Boolean(ui.dialog || ui.paletteOpen || document.querySelector('[aria-modal="true"]'));
}

/**
 * The letter as Shift alone would make it. Caps Lock changes a letter's case
 * (and with Shift, Windows and Linux flip it back while macOS does not), so
 * with it on `s` arrives as "S", and Shift+g as "g" or "G": the case is
 * Shift's alone.
 */
function withoutCapsLock(e: KeyboardEvent): string {
  if (e.key.length !== 1 || !e.getModifierState?.('CapsLock')) return e.key;
  const upper = e.key.toUpperCase();
  const lower = e.key.toLowerCase();
  if (upper === lower) return e.key;
  return e.shiftKey ? upper : lower;
}

/**
 * The name a key press goes by in {@link KeyBindings}, or null when it is no
 * command: already taken by what has focus, mid-composition, with Alt or
 * Cmd (the system's and the menu's), while a dialog is open, typed into a
 * field, or a plain key on a control, where a stray `f` must not open a
 * dialog. Esc is a command everywhere: it leaves a field, or goes back.
 */
export function commandKey(e: KeyboardEvent): string | null {
  if (e.defaultPrevented || e.isComposing || e.altKey || e.metaKey || overlayOpen()) return null;
  if (e.key !== 'Escape' && (e.ctrlKey ? isTextEntry(e.target) : isControl(e.target))) return null;
  if (!e.ctrlKey) return withoutCapsLock(e);
  // Caps Lock must not turn Ctrl+D into another chord.
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  return e.shiftKey ? `Control+Shift+${key}` : `Control+${key}`;
}

/** The value of the last render, for handlers that outlive it. */
function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}

/** Keys added to a scope by the parts inside it. */
type AddKeys = (keys: RefObject<KeyBindings>) => () => void;

const KeyScopeContext = createContext<AddKeys | null>(null);

interface KeyScopeProps extends Omit<ComponentProps<'div'>, 'onKeyDown'> {
  /** The part's own keys. */
  keys: KeyBindings;
  /** The page's main part: it also takes keys pressed while nothing has focus (what had it went away). */
  page?: boolean;
}

/**
 * A part of the page that owns its keys (the table, the log view), as a div
 * around it. A key pressed inside goes to the innermost part first, then
 * outward; once a part has acted on it, no part around it and nothing on the
 * page sees it. Parts inside may add keys with {@link useScopeKeys}.
 */
export function KeyScope({ keys, page = false, children, ...div }: KeyScopeProps) {
  const own = useLatest(keys);
  const [added] = useState(() => new Set<RefObject<KeyBindings>>());
  const [addKeys] = useState(() => (more: RefObject<KeyBindings>) => {
    added.add(more);
    return () => void added.delete(more);
  });

  const run = useCallback(
    (e: KeyboardEvent): boolean => {
      const name = commandKey(e);
      if (name === null) return false;
      for (const bindings of [own, ...added]) {
        const action = bindings.current[name];
        if (action && action(e) !== false) {
          e.preventDefault();
          return true;
        }
      }
      return false;
    },
    [own, added],
  );

  useEffect(() => {
    if (!page) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.target === document.body) run(e);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [page, run]);

  return (
    <KeyScopeContext.Provider value={addKeys}>
      <div
        {...div}
        onKeyDown={(e) => {
          if (run(e.nativeEvent)) e.stopPropagation();
        }}
      >
        {children}
      </div>
    </KeyScopeContext.Provider>
  );
}

/**
 * Adds keys to the {@link KeyScope} around while mounted: the detail pane's
 * letters act on the table's selection, so they work wherever focus is in
 * the view, not only inside the pane.
 */
export function useScopeKeys(keys: KeyBindings): void {
  const addKeys = useContext(KeyScopeContext);
  const latest = useLatest(keys);
  useEffect(() => addKeys?.(latest), [addKeys, latest]);
}

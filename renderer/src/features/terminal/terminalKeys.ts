/**
 * The Terminal page's own keys. All are Ctrl+Shift chords a shell does not
 * need (Ctrl+Shift+letter reaches it as Ctrl+letter, which stays free) and
 * that Chromium lets a page have, so they work in browser mode too: no
 * Ctrl+Shift+T/W/N, no Ctrl+PageUp/PageDown.
 */
export type TerminalShortcut = 'newTab' | 'closeTab' | 'nextTab' | 'previousTab' | 'split' | 'otherPane' | 'copy' | 'paste' | 'find';

/** What each key is called in tooltips and aria-keyshortcuts. */
export const SHORTCUTS: Record<TerminalShortcut, { hint: string; aria: string }> = {
  newTab: { hint: 'Ctrl+Shift+Enter', aria: 'Control+Shift+Enter' },
  closeTab: { hint: 'Ctrl+Shift+X', aria: 'Control+Shift+X' },
  nextTab: { hint: 'Ctrl+Shift+→', aria: 'Control+Shift+ArrowRight' },
  previousTab: { hint: 'Ctrl+Shift+←', aria: 'Control+Shift+ArrowLeft' },
  split: { hint: 'Ctrl+Shift+D', aria: 'Control+Shift+D' },
  otherPane: { hint: 'Ctrl+Shift+O', aria: 'Control+Shift+O' },
  copy: { hint: 'Ctrl+Shift+C', aria: 'Control+Shift+C' },
  paste: { hint: 'Ctrl+Shift+V', aria: 'Control+Shift+V' },
  find: { hint: 'Ctrl+Shift+F', aria: 'Control+Shift+F' },
};

const BY_KEY: Readonly<Record<string, TerminalShortcut>> = {
  enter: 'newTab',
  x: 'closeTab',
  arrowright: 'nextTab',
  arrowleft: 'previousTab',
  d: 'split',
  o: 'otherPane',
  c: 'copy',
  v: 'paste',
  f: 'find',
};

/** The page's shortcut a key press is, or null: only Ctrl+Shift without Alt or Cmd. */
export function terminalShortcut(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey'>): TerminalShortcut | null {
  if (!e.ctrlKey || !e.shiftKey || e.altKey || e.metaKey) return null;
  return BY_KEY[e.key.toLowerCase()] ?? null;
}

/** The shortcuts the page handles around the terminal; copy, paste and find are the focused terminal's own. */
export type PageShortcut = Exclude<TerminalShortcut, 'copy' | 'paste' | 'find'>;

export const isPageShortcut = (s: TerminalShortcut | null): s is PageShortcut => s !== null && s !== 'copy' && s !== 'paste' && s !== 'find';

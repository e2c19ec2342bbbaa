import { z } from 'zod';

/** Which pane has the keyboard: the left one, or the right one when split. */
export type PaneIndex = 0 | 1;

/**
 * The page's tabs as this window arranges them: their order, the session
 * each pane shows, whether the page is split and which pane has focus.
 * A pane shows a session the other pane does not.
 */
export interface TerminalLayout {
  tabs: string[];
  panes: [string | null, string | null];
  split: boolean;
  focused: PaneIndex;
}

export const EMPTY_LAYOUT: TerminalLayout = { tabs: [], panes: [null, null], split: false, focused: 0 };

const Id = z.string().regex(/^t[0-9]{1,9}$/);
const Stored = z.object({
  tabs: z.array(Id).max(500),
  panes: z.tuple([Id.nullable(), Id.nullable()]),
  split: z.boolean(),
  focused: z.union([z.literal(0), z.literal(1)]),
});

/** The layout kept in storage, or the empty one when there is none or it is not one. */
export function parseLayout(text: string | null): TerminalLayout {
  if (!text) return EMPTY_LAYOUT;
  try {
    const parsed = Stored.safeParse(JSON.parse(text));
    return parsed.success ? normalise(parsed.data) : EMPTY_LAYOUT;
  } catch {
    return EMPTY_LAYOUT;
  }
}

/**
 * Puts the invariants back: unique tabs, panes show tabs, never the same one
 * twice, an empty pane shows a tab if one is free. A tab another window shows
 * (`shownElsewhere`) is not taken for an empty pane: showing it here would
 * take it from that window unasked.
 */
function normalise({ tabs, panes, split, focused }: TerminalLayout, shownElsewhere: ReadonlySet<string> = new Set()): TerminalLayout {
  const unique = [...new Set(tabs)];
  let [left, right] = panes.map((p) => (p !== null && unique.includes(p) ? p : null)) as [string | null, string | null];
  if (!split) right = null;
  if (right === left) right = null;
  const free = (other: string | null) => unique.find((t) => t !== other && !shownElsewhere.has(t)) ?? null;
  left ??= free(right);
  if (split && right === null) right = free(left);
  return { tabs: unique, panes: [left, right], split, focused: split ? focused : 0 };
}

/**
 * The layout for the sessions that exist now (`ids`, in the services' order):
 * gone ones leave, a pane that showed one shows its neighbour, and sessions
 * this window has not arranged yet (started elsewhere) join at the end.
 */
export function reconcile(layout: TerminalLayout, ids: readonly string[], shownElsewhere: ReadonlySet<string> = new Set()): TerminalLayout {
  const live = new Set(ids);
  const kept = layout.tabs.filter((t) => live.has(t));
  const tabs = [...kept, ...ids.filter((id) => !kept.includes(id))];
  const panes = layout.panes.map((p) => (p !== null && !live.has(p) ? neighbour(layout.tabs, p, live, layout.panes, shownElsewhere) : p)) as [string | null, string | null];
  return normalise({ ...layout, tabs, panes }, shownElsewhere);
}

/** The tab beside `gone` (after it, else before it) that still exists and no pane shows. */
function neighbour(tabs: readonly string[], gone: string, live: ReadonlySet<string>, panes: readonly (string | null)[], shownElsewhere: ReadonlySet<string>): string | null {
  const i = tabs.indexOf(gone);
  const free = (t: string) => live.has(t) && !panes.includes(t) && !shownElsewhere.has(t);
  return tabs.slice(i + 1).find(free) ?? tabs.slice(0, Math.max(i, 0)).reverse().find(free) ?? null;
}

/** Shows `id` in the focused pane; one the other pane shows already gets the focus instead. */
export function show(layout: TerminalLayout, id: string): TerminalLayout {
  if (!layout.tabs.includes(id)) return layout;
  const other: PaneIndex = layout.focused === 0 ? 1 : 0;
  if (layout.split && layout.panes[other] === id) return { ...layout, focused: other };
  const panes: [string | null, string | null] = [...layout.panes];
  panes[layout.focused] = id;
  return { ...layout, panes };
}

/** Adds a tab for a new session (after `after` when given, else at the end) and shows it in the focused pane. */
export function addTab(layout: TerminalLayout, id: string, after?: string): TerminalLayout {
  const tabs = layout.tabs.filter((t) => t !== id);
  const at = after !== undefined && tabs.includes(after) ? tabs.indexOf(after) + 1 : tabs.length;
  tabs.splice(at, 0, id);
  return show({ ...layout, tabs }, id);
}

/** Removes a tab; a pane that showed it shows its neighbour. */
export function removeTab(layout: TerminalLayout, id: string): TerminalLayout {
  const ids = layout.tabs.filter((t) => t !== id);
  return reconcile(layout, ids);
}

/** Shows the next (`step` 1) or previous (-1) tab in the focused pane, skipping the one the other pane shows. */
export function cycle(layout: TerminalLayout, step: 1 | -1): TerminalLayout {
  const other = layout.split ? layout.panes[layout.focused === 0 ? 1 : 0] : null;
  const choices = layout.tabs.filter((t) => t !== other);
  if (choices.length === 0) return layout;
  const current = choices.indexOf(layout.panes[layout.focused] ?? '');
  const next = choices[(current + step + choices.length) % choices.length];
  return show(layout, next);
}

/** Splits the page in two (the right pane takes focus, with another tab if there is one), or joins it back, keeping the focused pane's tab. */
export function toggleSplit(layout: TerminalLayout): TerminalLayout {
  if (layout.split) return normalise({ ...layout, panes: [layout.panes[layout.focused], null], split: false, focused: 0 });
  return normalise({ ...layout, split: true, focused: 1, panes: [layout.panes[0], null] });
}

/** Gives the focus to the other pane, when split. */
export const focusOther = (layout: TerminalLayout): TerminalLayout => (layout.split ? { ...layout, focused: layout.focused === 0 ? 1 : 0 } : layout);

/** Gives the focus to pane `pane`. */
export const focusPane = (layout: TerminalLayout, pane: PaneIndex): TerminalLayout => (layout.split || pane === 0 ? { ...layout, focused: pane } : layout);

/** Puts `id` where `old` was (a session started again in place of the one that ended); panes showing `old` show `id`. */
export function replaceTab(layout: TerminalLayout, old: string, id: string): TerminalLayout {
  if (!layout.tabs.includes(old)) return addTab(layout, id);
  const tabs = layout.tabs.filter((t) => t !== id).map((t) => (t === old ? id : t));
  const panes = layout.panes.map((p) => (p === old ? id : p === id ? null : p)) as [string | null, string | null];
  return normalise({ ...layout, tabs, panes });
}

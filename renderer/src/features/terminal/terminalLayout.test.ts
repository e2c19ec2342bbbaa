import { describe, expect, it } from 'vitest';
import { addTab, cycle, EMPTY_LAYOUT, focusOther, focusPane, parseLayout, reconcile, removeTab, replaceTab, show, toggleSplit, type TerminalLayout } from './terminalLayout';

const layout = (over: Partial<TerminalLayout>): TerminalLayout => ({ ...EMPTY_LAYOUT, ...over });

describe('terminal layout', () => {
  it('reads back what it stored, and the empty layout from anything else', () => {
    const stored = layout({ tabs: ['t1', 't2'], panes: ['t2', 't1'], split: true, focused: 1 });
    expect(parseLayout(JSON.stringify(stored))).toEqual(stored);
    for (const bad of [null, '', '{', 'null', '[]', '{"tabs":"t1"}', JSON.stringify({ ...stored, tabs: ['../../x'] }), JSON.stringify({ ...stored, focused: 2 }), JSON.stringify({ ...stored, tabs: Array(501).fill('t1') })])
      expect(parseLayout(bad)).toEqual(EMPTY_LAYOUT);
  });

  it('repairs a stored layout whose panes show nothing it has, or the same tab twice', () => {
    expect(parseLayout(JSON.stringify({ tabs: ['t1', 't1', 't2'], panes: ['t9', 't2'], split: false, focused: 1 }))).toEqual(layout({ tabs: ['t1', 't2'], panes: ['t1', null] }));
    expect(parseLayout(JSON.stringify({ tabs: ['t1', 't2'], panes: ['t1', 't1'], split: true, focused: 1 }))).toEqual(layout({ tabs: ['t1', 't2'], panes: ['t1', 't2'], split: true, focused: 1 }));
  });

  it('follows the sessions that exist: gone ones leave, their pane shows the neighbour, new ones join at the end', () => {
    const l = layout({ tabs: ['t3', 't1', 't2'], panes: ['t1', 't3'], split: true, focused: 0 });
    expect(reconcile(l, ['t1', 't2', 't3', 't4'])).toEqual({ ...l, tabs: ['t3', 't1', 't2', 't4'] });
    expect(reconcile(l, ['t2', 't3'])).toEqual({ ...l, tabs: ['t3', 't2'], panes: ['t2', 't3'] });
    expect(reconcile(l, [])).toEqual({ ...l, tabs: [], panes: [null, null] });
    // A session another window shows is not taken for an empty pane; a free one is.
    expect(reconcile({ tabs: [], panes: [null, null], split: false, focused: 0 }, ['t1', 't2'], new Set(['t1']))).toMatchObject({ tabs: ['t1', 't2'], panes: ['t2', null] });
    expect(reconcile({ tabs: [], panes: [null, null], split: false, focused: 0 }, ['t1'], new Set(['t1']))).toMatchObject({ tabs: ['t1'], panes: [null, null] });
  });

  it('shows a tab in the focused pane, or moves the focus to the pane that shows it', () => {
    const l = layout({ tabs: ['t1', 't2', 't3'], panes: ['t1', 't2'], split: true, focused: 0 });
    expect(show(l, 't3').panes).toEqual(['t3', 't2']);
    expect(show(l, 't2')).toEqual({ ...l, focused: 1 });
    expect(show(l, 't9')).toBe(l);
  });

  it('adds a new tab after a given one and shows it', () => {
    const l = layout({ tabs: ['t1', 't2'], panes: ['t1', null] });
    expect(addTab(l, 't3', 't1')).toEqual({ ...l, tabs: ['t1', 't3', 't2'], panes: ['t3', null] });
    expect(addTab(l, 't3')).toEqual({ ...l, tabs: ['t1', 't2', 't3'], panes: ['t3', null] });
  });

  it('cycles through the tabs, skipping the one the other pane shows', () => {
    const l = layout({ tabs: ['t1', 't2', 't3'], panes: ['t1', 't2'], split: true, focused: 0 });
    expect(cycle(l, 1).panes).toEqual(['t3', 't2']);
    expect(cycle(cycle(l, 1), 1).panes).toEqual(['t1', 't2']);
    expect(cycle(l, -1).panes).toEqual(['t3', 't2']);
    expect(cycle(EMPTY_LAYOUT, 1)).toBe(EMPTY_LAYOUT);
  });

  it('splits with another tab in the right pane, and joins back keeping the focused pane’s tab', () => {
    const l = layout({ tabs: ['t1', 't2'], panes: ['t1', null] });
    const split = toggleSplit(l);
    expect(split).toEqual({ ...l, panes: ['t1', 't2'], split: true, focused: 1 });
    expect(toggleSplit(split)).toEqual({ ...l, panes: ['t2', null] });
    expect(toggleSplit(focusOther(split))).toEqual({ ...l, panes: ['t1', null] });
    expect(toggleSplit(layout({ tabs: ['t1'], panes: ['t1', null] })).panes).toEqual(['t1', null]);
    expect(focusOther(l)).toBe(l);
    expect(focusPane(l, 1)).toBe(l);
  });

  it('removes a tab, and puts a started-again session in the place of the ended one', () => {
    const l = layout({ tabs: ['t1', 't2', 't3'], panes: ['t2', null] });
    expect(removeTab(l, 't2')).toEqual({ ...l, tabs: ['t1', 't3'], panes: ['t3', null] });
    expect(replaceTab(l, 't2', 't4')).toEqual({ ...l, tabs: ['t1', 't4', 't3'], panes: ['t4', null] });
  });
});

import { describe, expect, it } from 'vitest';
import { TASK_LIST_CASES } from '../../../shared/runbookTaskLists.cases';
import { checklistItemCount } from './checklist';

describe('checklist items', () => {
  it('counts task list items as the UI numbers them: lists, nested, ordered and quoted ones, not code or text', () => {
    const body = [
      '- [ ] cordon the node',
      '- [x] drain it',
      '  - [ ] nested step',
      '- plain item',
      '1. [X] numbered task',
      '> - [ ] quoted task',
      '```',
      '- [ ] in a code block',
      '```',
      '    - [ ] indented code',
      '[ ] not in a list',
      '- [] not a box',
      '- [ ]no space',
      '<input type="checkbox">',
    ].join('\n');
    expect(checklistItemCount(body)).toBe(5);
    expect(checklistItemCount('')).toBe(0);
  });

  it.each(TASK_LIST_CASES)('counts as many items as the UI shows: $name', ({ body, items }) => {
    expect(checklistItemCount(body)).toBe(items.length);
  });

  it('remembers a version\'s count by its key', () => {
    expect(checklistItemCount('- [ ] a', 'rb-x:1')).toBe(1);
    expect(checklistItemCount('- [ ] a\n- [ ] b', 'rb-x:1')).toBe(1);
    expect(checklistItemCount('- [ ] a\n- [ ] b', 'rb-x:2')).toBe(2);
  });
});

/**
 * Runbook bodies and the checklist items each has, in order (each item's own
 * text): one corpus for the renderer, which shows the boxes, and the
 * services, which count them to check ticks, so the two cannot drift apart.
 */
export const TASK_LIST_CASES: { name: string; body: string; items: string[] }[] = [
  {
    name: 'lists, nested, ordered and quoted',
    body: ['- [ ] cordon the node', '- [x] drain it', '  - [ ] nested step', '- plain item', '1. [X] numbered task', '> - [ ] quoted task'].join('\n'),
    items: ['cordon the node', 'drain it', 'nested step', 'numbered task', 'quoted task'],
  },
  { name: 'not boxes: text, no space, empty brackets', body: '[ ] not in a list\n\n- [] empty\n- [ ]no space\n- [y] other', items: [] },
  { name: 'code blocks are not lists', body: '```\n- [ ] fenced\n```\n\n    - [ ] indented\n\n- [ ] after', items: ['after'] },
  { name: 'an escaped bracket is text', body: '- \\[ ] esc\n- [ ] real', items: ['real'] },
  { name: 'an entity bracket is text', body: '- &#91; ] ent\n- &lbrack;x] named\n- [ ] real', items: ['real'] },
  { name: 'a box keeps the brackets after it', body: '- [ ] \\[x] literal', items: ['[x] literal'] },
  { name: 'raw HTML checkboxes are not items', body: '- [ ] a\n\n<input type="checkbox" data-task="x:1" checked>\n\n- [ ] b', items: ['a', 'b'] },
  { name: 'items in a template are not shown', body: '<template>\n\n- [ ] a\n\n</template>\n\n- [ ] c\n- [ ] d', items: ['c', 'd'] },
  { name: 'items in an inline template are not shown', body: 'Text <template>\n\n- [ ] a\n\n</template>\n\n- [ ] c', items: ['c'] },
  { name: 'nested templates', body: '<template>\n\n<template>\n\n</template>\n\n- [ ] a\n\n</template>\n\n- [ ] b', items: ['b'] },
  { name: 'items in a textarea are its text', body: 'x <textarea>\n\n- [ ] a\n\n</textarea>\n\n- [ ] b', items: ['b'] },
  { name: 'a template in a comment or code is not one', body: '<!-- <template> -->\n\n`<template>`\n\n- [ ] a', items: ['a'] },
  { name: 'an HTML comment hides its items', body: '<!--\n\n- [ ] hidden\n\n-->\n\n- [ ] shown', items: ['shown'] },
];

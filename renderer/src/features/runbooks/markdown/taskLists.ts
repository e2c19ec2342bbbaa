import type { Env, MarkdownIt, StateCore, Token } from 'markdown-it';

const MARKER = /^\[([ xX])\](?=\s|$)\s?/;

/** What the task-list rule records while it renders: how many checkboxes it made. */
export interface TaskEnv extends Env {
  /** Marks the checkboxes this render made, so raw HTML cannot pass for one. */
  nonce: string;
  tasks: number;
}

/**
 * GitHub's task lists: a list item whose text starts with `[ ]` or `[x]`
 * gets a checkbox, numbered in document order from 0. The `[x]` of the
 * source is not kept: ticks belong to a use of the runbook, not to its text.
 */
export function taskLists(md: MarkdownIt): void {
  md.core.ruler.after('inline', 'task_lists', (state: StateCore) => {
    const tokens = state.tokens;
    for (let i = 2; i < tokens.length; i++) {
      const inline = tokens[i];
      if (inline.type !== 'inline' || tokens[i - 1].type !== 'paragraph_open' || tokens[i - 2].type !== 'list_item_open') continue;
      const first = inline.children?.[0];
      if (!first || first.type !== 'text' || !MARKER.test(first.content)) continue;
      first.content = first.content.replace(MARKER, '');
      const box = new state.Token('task_checkbox', 'input', 0) as Token;
      inline.children!.unshift(box);
    }
    return true;
  });
  md.renderer.rules.task_checkbox = (_tokens, _idx, _options, env) => {
    const task = env as TaskEnv;
    return `<input type="checkbox" data-task="${task.nonce}:${task.tasks++}">`;
  };
}

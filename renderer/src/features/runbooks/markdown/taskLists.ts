import type { Env, MarkdownIt } from 'markdown-it';
import { TASK_CHECKBOX, taskLists } from '../../../../../shared/runbookTaskLists';

/** What the task-list rule needs to render. */
export interface TaskEnv extends Env {
  /** Marks the checkboxes this render made, so raw HTML cannot pass for one. */
  nonce: string;
}

/** The shared task lists ({@link taskLists}), each box marked with this render's nonce. */
export function taskCheckboxes(md: MarkdownIt): void {
  md.use(taskLists);
  md.renderer.rules[TASK_CHECKBOX] = (_tokens, _idx, _options, env) => {
    return `<input type="checkbox" data-task="${(env as TaskEnv).nonce}">`;
  };
}

import { useEffect } from 'react';
import { create } from 'zustand';
import { isTaskFinished, type TaskSummary } from '../../../../shared/contract';
import { call, getBridge } from '../../api/client';
import { describeError, type ErrorView } from '../../shell/errorActions';

/** Finished tasks the tray asks for; older ones stay in the history. */
const RECENT_FINISHED = 50;

interface TasksState {
  /** Running tasks, then finished ones not dismissed; newest first within each. */
  tasks: TaskSummary[];
  /** `idle` until the first load starts. */
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** Why the last load failed; the list keeps what was last loaded. */
  error?: ErrorView;
  load(): Promise<void>;
  /** Tasks as a `tasks.changed` event or an answer to this window says they are now. */
  apply(changed: readonly TaskSummary[]): void;
}

/** Running first, then newest first; at most {@link RECENT_FINISHED} finished ones, as a fresh load would show. */
function ordered(tasks: Iterable<TaskSummary>): TaskSummary[] {
  const sorted = [...tasks].sort((a, b) => Number(isTaskFinished(a.status)) - Number(isTaskFinished(b.status)) || b.startedAt.localeCompare(a.startedAt));
  const running = sorted.filter((t) => !isTaskFinished(t.status));
  return [...running, ...sorted.slice(running.length, running.length + RECENT_FINISHED)];
}

/** Counts every change applied, so a list answer can tell which tasks changed while it was on its way. */
let generation = 0;
/** The generation at which each task last changed from an event or an answer. */
const changedAt = new Map<string, number>();
/** Generations of changes remembered: far more than can happen while one list call is answered. */
const CHANGES_KEPT = 1_000;

/** The tasks shown in the tray, as `tasks.list` and `tasks.changed` last said. */
export const useTasks = create<TasksState>()((set, get) => ({
  tasks: [],
  status: 'idle',
  async load() {
    const asked = generation;
    set((s) => (s.status === 'ready' ? s : { status: 'loading' }));
    try {
      // A task that runs long can be older than the newest finished ones: ask for the running ones apart.
      const [running, recent] = await Promise.all([
        call('tasks.list', { status: ['running', 'cancelling'], limit: 500 }),
        call('tasks.list', { limit: RECENT_FINISHED }),
      ]);
      const merged = new Map<string, TaskSummary>();
      for (const t of [...recent.tasks, ...running.tasks]) merged.set(t.id, t);
      // What changed since the request left is newer than the answer.
      for (const t of get().tasks) if ((changedAt.get(t.id) ?? 0) > asked) merged.set(t.id, t);
      for (const [id] of changedAt) if ((changedAt.get(id) ?? 0) > asked && !get().tasks.some((t) => t.id === id)) merged.delete(id);
      set({ tasks: ordered(merged.values()), status: 'ready', error: undefined });
    } catch (err) {
      set((s) => ({ status: s.status === 'ready' ? 'ready' : 'error', error: describeError(err) }));
    }
  },
  apply(changed) {
    generation++;
    const byId = new Map(get().tasks.map((t) => [t.id, t]));
    for (const t of changed) {
      changedAt.set(t.id, generation);
      if (t.dismissed) byId.delete(t.id);
      else byId.set(t.id, t);
    }
    // Bounded: changes far older than any list answer still in flight are forgotten.
    for (const [id, at] of changedAt) if (at < generation - CHANGES_KEPT) changedAt.delete(id);
    set({ tasks: ordered(byId.values()) });
  },
}));

/** Puts the store back as a fresh launch finds it (tests). */
export function resetTasks(): void {
  generation = 0;
  changedAt.clear();
  useTasks.setState({ tasks: [], status: 'idle', error: undefined });
}

/** Tasks at work now. */
export const runningCount = (s: Pick<TasksState, 'tasks'>): number => s.tasks.filter((t) => !isTaskFinished(t.status)).length;

/**
 * Loads the tasks and keeps them current from `tasks.changed`, reloading
 * after missed events. Tasks run in the services, so after a reload the
 * running ones come back with their progress.
 */
export function useLiveTasks(): void {
  useEffect(() => {
    const { load, apply } = useTasks.getState();
    void load();
    const bridge = getBridge();
    const offChanged = bridge.events['tasks.changed'](({ tasks }) => apply(tasks));
    const offResync = bridge.onResync(() => void load());
    return () => {
      offChanged();
      offResync();
    };
  }, []);
}

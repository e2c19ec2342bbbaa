import { useEffect, useState } from 'react';
import { isTaskFinished, type TaskSummary } from '../../../../shared/contract';
import { call, getBridge } from '../../api/client';

/** Whether `next` may replace `shown`: an ended task stays ended, and only a copy with its report improves on it. */
function newer(shown: TaskSummary, next: TaskSummary): boolean {
  if (next.id !== shown.id) return false;
  if (!isTaskFinished(shown.status)) return true;
  return isTaskFinished(next.status) && !shown.report && Boolean(next.report);
}

/**
 * Follows one task from the summary that started it: its `tasks.changed`
 * events, a `tasks.get` for what happened before they were listened to and
 * after any that were missed, and its report once it has ended (events
 * leave reports out). Works whether or not the task tray is open.
 */
export function useTask(started: TaskSummary): TaskSummary {
  const [task, setTask] = useState(started);
  const needsReport = isTaskFinished(task.status) && !task.report;

  useEffect(() => {
    let current = true;
    const take = (next: TaskSummary) => current && setTask((shown) => (newer(shown, next) ? next : shown));
    // A failed read is not shown: events keep coming, and the next resync asks again.
    const fetch = () => void call('tasks.get', { id: started.id }).then(take, () => undefined);
    const bridge = getBridge();
    const offChanged = bridge.events['tasks.changed'](({ tasks }) => tasks.forEach(take));
    const offResync = bridge.onResync(fetch);
    // It may have moved on (or ended) between the answer that started it and this subscription.
    fetch();
    return () => {
      current = false;
      offChanged();
      offResync();
    };
  }, [started.id]);

  // The event that ends a task carries no report: ask for it once.
  useEffect(() => {
    if (!needsReport) return;
    let current = true;
    void call('tasks.get', { id: started.id }).then(
      (next) => current && setTask((shown) => (newer(shown, next) ? next : shown)),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [needsReport, started.id]);

  return task;
}

import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { Popover } from '../../ui/Popover';
import { TaskItem } from './TaskItem';
import { runningCount, useLiveTasks, useTasks } from './tasksStore';
import './tasks.css';

/** The current time, every second while some task runs (for the elapsed times). */
function useSecondsWhile(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

function TaskList() {
  const tasks = useTasks((s) => s.tasks);
  const error = useTasks((s) => s.error);
  const status = useTasks((s) => s.status);
  const now = useSecondsWhile(useTasks((s) => runningCount(s) > 0));
  const listRef = useRef<HTMLDivElement>(null);
  // A dismissed task takes its buttons with it: keep focus in the panel, so Esc still closes it.
  useLayoutEffect(() => {
    if (document.activeElement === document.body || document.activeElement === null) listRef.current?.focus();
  }, [tasks.length]);
  return (
    <div ref={listRef} tabIndex={-1} className="task-panel">
      {error && <ErrorNotice error={{ ...error, title: 'Could not list tasks', action: { label: 'Try again', run: () => void useTasks.getState().load() } }} />}
      {tasks.length ? (
        <ul className="task-list">
          {tasks.map((t) => (
            <TaskItem key={t.id} task={t} now={now} />
          ))}
        </ul>
      ) : (
        status !== 'loading' && <p className="muted">No tasks. Long work (imports, rollbacks, drills, backups) shows here while it runs, and its outcome after.</p>
      )}
    </div>
  );
}

/**
 * "Tasks · N running" in the top bar: every task of the app, live, with its
 * phase, progress and elapsed time, Cancel, the outcome, the report, and
 * Dismiss. Tasks run in the services, so they outlive the window and come
 * back after a reload.
 */
export function TasksButton() {
  useLiveTasks();
  const running = useTasks(runningCount);
  return (
    <div className="tasks-tray">
      <Popover summary={running ? `Tasks · ${running} running` : 'Tasks'} label="Tasks">
        {() => <TaskList />}
      </Popover>
    </div>
  );
}

import { tasksContract } from '../../../shared/contract';
import type { ServiceArea } from '../app/serviceArea';
import type { AuditService } from '../audit/auditService';
import type { Logger } from '../logging/logger';
import type { EventHub } from '../rpc/eventHub';
import type { Database } from '../store/database';
import { createTaskRunner, type TaskRunner, type TaskRunnerOptions } from './taskRunner';

/** What the tasks area is built from. */
export interface TasksAreaDeps {
  db: Database;
  audit: AuditService;
  hub: EventHub;
  log: Logger;
  options?: TaskRunnerOptions;
}

/**
 * The tasks area. A task belongs to the app, not to the window that started
 * it: a session's end leaves it running, and every window's tray shows it.
 * Closing the app cancels the running tasks and waits briefly for their cleanups.
 */
export function createTasksArea(deps: TasksAreaDeps): ServiceArea<typeof tasksContract> & { runner: TaskRunner } {
  const runner = createTaskRunner(deps);
  return {
    contract: tasksContract,
    runner,
    handlers: {
      'tasks.list': (query) => runner.list(query),
      'tasks.get': ({ id }) => runner.get(id),
      'tasks.cancel': ({ id }, ctx) => runner.cancel(id, ctx.actor),
      'tasks.dismiss': ({ id }) => runner.dismiss(id),
    },
    endSession: () => {},
    close: () => runner.close(),
  };
}

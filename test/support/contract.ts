/**
 * Calling the services as the UI does, for integration tests: through
 * `dispatch`, so params and results are validated against the contract.
 */
import { isTaskFinished, type ConnectionSummary, type MethodName, type ParamsIn, type ResultOf, type TaskSummary } from '../../shared/contract';
import type { AppErrorShape, Result } from '../../shared/result';
import type { Services } from '../../electron/services/app/createServices';
import { dispatch } from '../../electron/services/rpc/dispatch';

/** Polls `probe` until it returns something truthy, and returns that; fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The two methods that start an import task. */
type ImportMethod = 'connections.importKubeconfig' | 'connections.importAwsProfiles';

/** Contract calls on the services `current()` returns (set in a beforeAll), as `actor` in UI session `session`. */
export function contractClient(current: () => Services, { actor, session }: { actor: string; session: string }) {
  const result = async <M extends MethodName>(method: M, params: ParamsIn<M>): Promise<Result<ResultOf<M>>> => {
    const services = current();
    return (await dispatch(services.handlers, method, params, { transport: 'test', actor, session }, services.log)) as Result<ResultOf<M>>;
  };
  const call = async <M extends MethodName>(method: M, params: ParamsIn<M>): Promise<ResultOf<M>> => {
    const res = await result(method, params);
    if (!res.ok) throw Object.assign(new Error(`${method}: ${res.error.code}: ${res.error.message}`), { shape: res.error });
    return res.value;
  };
  /** Task `id` once it has ended, with its report: polled with `tasks.get`, as a window that missed its events would. */
  const finishedTask = (id: string): Promise<TaskSummary> =>
    until(`task ${id} to end`, async () => {
      const task = await call('tasks.get', { id });
      return isTaskFinished(task.status) && task;
    });
  /** Starts an import and waits for its task; the call's own refusal, or the task's error, comes back as the shape. */
  const importTask = async <M extends ImportMethod>(method: M, params: ParamsIn<M>): Promise<{ ok: true; task: TaskSummary } | { ok: false; error: AppErrorShape }> => {
    const started = await result(method, params);
    if (!started.ok) return started;
    const task = await finishedTask(started.value.taskId);
    if (task.status === 'succeeded') return { ok: true, task };
    return { ok: false, error: task.error ?? { code: 'INTERNAL', message: `the import ended ${task.status}: ${task.message ?? 'no message'}` } };
  };
  return {
    /** The whole answer, failures included. */
    result,
    /** The value; a failure throws, naming its code. */
    call,
    finishedTask,
    /**
     * Starts an import and waits for its task: the connections it saved (found
     * by the names chosen, in their order) and the task. A refusal or a
     * failed task throws, naming its code.
     */
    async importAndWait<M extends ImportMethod>(method: M, params: ParamsIn<M>): Promise<{ imported: ConnectionSummary[]; task: TaskSummary }> {
      const res = await importTask(method, params);
      if (!res.ok) throw Object.assign(new Error(`${method}: ${res.error.code}: ${res.error.message}`), { shape: res.error });
      const byName = new Map((await call('connections.list', {})).map((c) => [c.name.toLowerCase(), c]));
      const names = params.selections.map((s: { name: string }) => s.name.toLowerCase());
      return { imported: names.map((n) => byName.get(n)).filter((c): c is ConnectionSummary => c !== undefined), task: res.task };
    },
    /** The error an import fails with, whether the call refused it or its task failed; a success throws. */
    async importFailure<M extends ImportMethod>(method: M, params: ParamsIn<M>): Promise<AppErrorShape> {
      const res = await importTask(method, params);
      if (res.ok) throw new Error(`${method} succeeded, expected a failure`);
      return res.error;
    },
    /** The error the call fails with; a success throws. */
    async failure<M extends MethodName>(method: M, params: ParamsIn<M>): Promise<AppErrorShape> {
      const res = await result(method, params);
      if (res.ok) throw new Error(`${method} succeeded, expected a failure`);
      return res.error;
    },
  };
}

/**
 * Calling the services as the UI does, for integration tests: through
 * `dispatch`, so params and results are validated against the contract.
 */
import type { MethodName, ParamsIn, ResultOf } from '../../shared/contract';
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

/** Contract calls on the services `current()` returns (set in a beforeAll), as `actor` in UI session `session`. */
export function contractClient(current: () => Services, { actor, session }: { actor: string; session: string }) {
  const result = async <M extends MethodName>(method: M, params: ParamsIn<M>): Promise<Result<ResultOf<M>>> => {
    const services = current();
    return (await dispatch(services.handlers, method, params, { transport: 'test', actor, session }, services.log)) as Result<ResultOf<M>>;
  };
  return {
    /** The whole answer, failures included. */
    result,
    /** The value; a failure throws, naming its code. */
    async call<M extends MethodName>(method: M, params: ParamsIn<M>): Promise<ResultOf<M>> {
      const res = await result(method, params);
      if (!res.ok) throw Object.assign(new Error(`${method}: ${res.error.code}: ${res.error.message}`), { shape: res.error });
      return res.value;
    },
    /** The error the call fails with; a success throws. */
    async failure<M extends MethodName>(method: M, params: ParamsIn<M>): Promise<AppErrorShape> {
      const res = await result(method, params);
      if (res.ok) throw new Error(`${method} succeeded, expected a failure`);
      return res.error;
    },
  };
}

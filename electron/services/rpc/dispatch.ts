import type { z } from 'zod';
import { methods, type MethodName, type ParamsOf, type ResultOf } from '../../../shared/contract';
import { AppError, type Result } from '../../../shared/result';
import type { Logger } from '../logging/logger';

/** Who is calling, as far as the transport can tell. */
export interface CallContext {
  transport: 'ipc' | 'websocket' | 'test';
  /** Recorded in audit entries. */
  actor: string;
  /** One UI connection (a window, a browser tab): what it opened is closed when it goes. */
  session: string;
}

/** One handler per contract method: the services' side of the contract. */
export type Handlers = {
  [M in MethodName]: (params: ParamsOf<M>, ctx: CallContext) => Promise<ResultOf<M>> | ResultOf<M>;
};

function describeIssues(error: z.ZodError): string {
  // zod messages name the path and the expected type, never the received value.
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/**
 * Validates params, runs the handler, validates its result and wraps the
 * outcome: the single path every call takes, whatever the transport.
 */
export async function dispatch(
  handlers: Handlers,
  name: string,
  rawParams: unknown,
  ctx: CallContext,
  log: Logger,
): Promise<Result<unknown>> {
  if (!Object.hasOwn(methods, name)) {
    return { ok: false, error: { code: 'VALIDATION', message: `Unknown method "${name.slice(0, 80)}"` } };
  }
  const method = name as MethodName;
  const spec = methods[method];
  // A contract method no area serves is a wiring fault: fail the call, never throw past the transport.
  const handler = Object.hasOwn(handlers, method) ? (handlers[method] as (p: unknown, c: CallContext) => Promise<unknown> | unknown) : undefined;
  if (typeof handler !== 'function') {
    log.error('no handler for a contract method', { method });
    return { ok: false, error: { code: 'UNSUPPORTED', message: `${method} is not served by these services; update or reinstall Pilothouse` } };
  }
  const params = spec.params.safeParse(rawParams ?? {});
  if (!params.success) {
    return { ok: false, error: { code: 'VALIDATION', message: describeIssues(params.error) } };
  }
  try {
    const value = await handler(params.data, ctx);
    const checked = spec.result.safeParse(value);
    if (!checked.success) {
      log.error('handler returned a result outside the contract', { method, issues: describeIssues(checked.error) });
      return { ok: false, error: { code: 'INTERNAL', message: `The ${method} service gave an answer outside the contract` } };
    }
    return { ok: true, value: checked.data };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, error: err.toShape() };
    log.error('handler failed', { method, error: err });
    return { ok: false, error: { code: 'INTERNAL', message: `${method} failed unexpectedly; see the log for details` } };
  }
}

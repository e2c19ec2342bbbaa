import type { z } from 'zod';
import type { AreaContract, MethodSpec } from '../../../shared/contract/area';
import type { CallContext } from '../rpc/dispatch';

type Spec<T> = T extends MethodSpec ? T : never;

/** One handler per method of an area's contract. */
export type AreaHandlers<C extends AreaContract> = {
  [M in keyof C['methods']]: (
    params: z.output<Spec<C['methods'][M]>['params']>,
    ctx: CallContext,
  ) => Promise<z.output<Spec<C['methods'][M]>['result']>> | z.output<Spec<C['methods'][M]>['result']>;
};

/**
 * What an area's services module gives the composition root: the handlers of
 * its contract and its lifecycle. Both lifecycle hooks are required, and the
 * root calls them for every area it lists, so no area can be left out of a
 * session's end or the app's close.
 */
export interface ServiceArea<C extends AreaContract = AreaContract> {
  contract: C;
  handlers: AreaHandlers<C>;
  /** A UI session (a window, a browser tab) went away: release what it opened. */
  endSession(session: string): void;
  /**
   * The app is closing: stop timers, sockets and streams. A promise holds the
   * close until work that needs the data file has ended (a task's cleanup);
   * the root waits for it before closing the areas built earlier.
   */
  close(): void | Promise<void>;
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/**
 * Every area's handlers in one map. Refuses at start-up an area whose handlers
 * and contract differ, and a method served twice.
 */
export function combineHandlers<const A extends readonly ServiceArea[]>(areas: A): UnionToIntersection<A[number]['handlers']> {
  const handlers: Record<string, unknown> = {};
  for (const area of areas) {
    const served = Object.keys(area.handlers).sort();
    const declared = Object.keys(area.contract.methods).sort();
    const missing = declared.filter((m) => !served.includes(m));
    const extra = served.filter((m) => !declared.includes(m));
    if (missing.length || extra.length) {
      throw new Error(`area "${area.contract.name}" does not serve its contract: missing [${missing.join(', ')}], not in the contract [${extra.join(', ')}]`);
    }
    for (const name of served) {
      if (Object.hasOwn(handlers, name)) throw new Error(`method "${name}" is served by two areas`);
      handlers[name] = (area.handlers as Record<string, unknown>)[name];
    }
  }
  return handlers as UnionToIntersection<A[number]['handlers']>;
}

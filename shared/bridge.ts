import type { EventName, EventPayload, MethodName, ParamsIn, ResultOf } from './contract';
import type { Result } from './result';
import type { EventBatch } from './wire';

/**
 * What the UI talks to: one typed function per contract method and one
 * subscription per event. The Electron preload and the browser-mode WebSocket
 * client both provide it, so the renderer does not know which it runs in.
 */
export interface PilothouseBridge {
  methods: { [M in MethodName]: (params: ParamsIn<M>) => Promise<Result<ResultOf<M>>> };
  events: { [E in EventName]: (listener: (payload: EventPayload<E>) => void) => () => void };
  /** Called when events were missed (the UI fell behind): refetch what is shown. */
  onResync(listener: () => void): () => void;
}

type Listener = (payload: unknown) => void;

/** Listener registry shared by both bridges: delivers a batch, then lets the caller acknowledge it. */
export function createEventListeners(names: readonly EventName[]) {
  const listeners = new Map<string, Set<Listener>>(names.map((n) => [n, new Set()]));
  const resync = new Set<() => void>();
  const add = <T>(set: Set<T>, fn: T) => {
    set.add(fn);
    return () => void set.delete(fn);
  };
  return {
    events: Object.fromEntries(names.map((n) => [n, (fn: Listener) => add(listeners.get(n)!, fn)])) as unknown as PilothouseBridge['events'],
    onResync: (fn: () => void) => add(resync, fn),
    /** Runs every listener for every event in the batch; a throwing listener does not stop the others. */
    deliver(batch: EventBatch): void {
      const safely = (fn: () => void) => {
        try {
          fn();
        } catch (err) {
          console.error('event listener failed', err);
        }
      };
      if (batch.overflow) for (const fn of resync) safely(fn);
      for (const e of batch.events) for (const fn of listeners.get(e.name) ?? []) safely(() => fn(e.payload));
    },
  };
}

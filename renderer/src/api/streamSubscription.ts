import type { EventName, EventPayload } from '../../../shared/contract';
import { getBridge } from './client';

/** A stream the services open on request and whose events carry its id (a watch, a log stream). */
export interface StreamSubscription<E extends EventName, Opened> {
  event: E;
  /** The stream id an event belongs to. */
  idOf(event: EventPayload<E>): string;
  open(): Promise<Opened>;
  idOfOpened(opened: Opened): string;
  close(id: string): void;
  /** Receives only this stream's events, in order. */
  apply(event: EventPayload<E>): void;
  onOpened?(opened: Opened): void;
  onFailed(err: unknown): void;
}

/**
 * Opens the stream and applies its events. Events can overtake the answer of
 * the open call (a joined watch resets at once), so they are held until the
 * id is known. Returns the cleanup for a `useEffect`: it stops listening and
 * closes the stream, even one whose open call is still in flight.
 */
export function subscribeStream<E extends EventName, Opened>(s: StreamSubscription<E, Opened>): () => void {
  let id: string | undefined;
  let pending = true;
  let closed = false;
  const early: EventPayload<E>[] = [];
  const listen = getBridge().events[s.event] as (listener: (payload: EventPayload<E>) => void) => () => void;
  const off = listen((event) => {
    if (pending) early.push(event);
    else if (s.idOf(event) === id) s.apply(event);
  });
  s.open().then(
    (opened) => {
      pending = false;
      if (closed) return s.close(s.idOfOpened(opened));
      id = s.idOfOpened(opened);
      s.onOpened?.(opened);
      for (const event of early.splice(0)) if (s.idOf(event) === id) s.apply(event);
    },
    (err: unknown) => {
      pending = false;
      early.length = 0;
      if (!closed) s.onFailed(err);
    },
  );
  return () => {
    closed = true;
    off();
    if (id !== undefined) s.close(id);
  };
}

import type { EventName } from './contract';
import type { Result } from './result';

/** One delivery of events to a UI: in publish order, acknowledged by `seq`. */
export interface EventBatch {
  seq: number;
  events: { name: EventName; payload: unknown }[];
  /** The UI fell too far behind and missed events: it should refetch what it shows. */
  overflow?: true;
}

/** UI → services over the browser-mode WebSocket. */
export type ClientMessage = { t: 'call'; id: number; method: string; params: unknown } | { t: 'ack'; seq: number };
/** Services → UI over the browser-mode WebSocket. */
export type ServerMessage = { t: 'result'; id: number; result: Result<unknown> } | { t: 'events'; batch: EventBatch };

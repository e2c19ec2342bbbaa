import { events, type EventName, type EventPayload } from '../../../shared/contract';
import type { EventBatch } from '../../../shared/wire';
import type { Logger } from '../logging/logger';

export type { EventBatch };

/** A transport's connection to the hub. */
export interface Subscription {
  /** The consumer has processed every batch up to `seq`. */
  ack(seq: number): void;
  close(): void;
}

export interface EventHubOptions {
  /** How long events gather before a batch goes out. */
  batchMs?: number;
  /** Batches sent but not acknowledged before the hub holds back. */
  maxInFlight?: number;
  /** Events queued for one subscriber before it is told it overflowed. */
  maxQueued?: number;
}

interface Subscriber {
  send: (batch: EventBatch) => void;
  queue: EventBatch['events'];
  nextSeq: number;
  acked: number;
  /** Events in each batch sent and not yet acknowledged, oldest first (seq `acked + 1` onwards). */
  inFlight: number[];
  inFlightEvents: number;
  overflowed: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Fans events out to every connected UI with batching and ack-based flow
 * control, so a burst (a watch relist, a chatty log) cannot flood a window.
 */
export class EventHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly batchMs: number;
  private readonly maxInFlight: number;
  private readonly maxQueued: number;

  constructor(
    private readonly log: Logger,
    options: EventHubOptions = {},
  ) {
    this.batchMs = options.batchMs ?? 25;
    this.maxInFlight = options.maxInFlight ?? 4;
    this.maxQueued = options.maxQueued ?? 10_000;
  }

  /** Validates and queues an event for every subscriber. */
  publish<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const checked = events[name].safeParse(payload);
    if (!checked.success) {
      this.log.error('event outside the contract dropped', { name });
      return;
    }
    for (const sub of this.subscribers) {
      if (sub.overflowed) continue;
      if (sub.queue.length >= this.maxQueued) {
        sub.overflowed = true;
        sub.queue = [];
      } else {
        sub.queue.push({ name, payload: checked.data });
      }
      this.schedule(sub);
    }
  }

  /** Connects a consumer; `send` must not throw. */
  subscribe(send: (batch: EventBatch) => void): Subscription {
    const sub: Subscriber = { send, queue: [], nextSeq: 1, acked: 0, inFlight: [], inFlightEvents: 0, overflowed: false };
    this.subscribers.add(sub);
    return {
      ack: (seq) => {
        if (seq > sub.acked && seq < sub.nextSeq) {
          for (const done of sub.inFlight.splice(0, seq - sub.acked)) sub.inFlightEvents -= done;
          sub.acked = seq;
        }
        this.schedule(sub);
      },
      close: () => {
        if (sub.timer) clearTimeout(sub.timer);
        this.subscribers.delete(sub);
      },
    };
  }

  /**
   * Events queued or sent and not yet acknowledged, for the subscriber
   * furthest behind; one that overflowed counts as full. Producers that can
   * wait (log streams) hold back while it is high, leaving the room to the
   * live tables.
   */
  backlog(): number {
    let most = 0;
    for (const sub of this.subscribers) most = Math.max(most, sub.overflowed ? this.maxQueued : sub.queue.length + sub.inFlightEvents);
    return most;
  }

  /** Subscribers connected now. */
  get size(): number {
    return this.subscribers.size;
  }

  private schedule(sub: Subscriber): void {
    if (sub.timer || (!sub.queue.length && !sub.overflowed)) return;
    sub.timer = setTimeout(() => {
      sub.timer = undefined;
      this.flush(sub);
    }, this.batchMs);
  }

  private flush(sub: Subscriber): void {
    if (!this.subscribers.has(sub)) return;
    const inFlight = sub.nextSeq - 1 - sub.acked;
    if (inFlight >= this.maxInFlight) return; // resumes on the next ack
    if (sub.overflowed) {
      sub.overflowed = false;
      sub.inFlight.push(0);
      sub.send({ seq: sub.nextSeq++, events: [], overflow: true });
      return;
    }
    if (!sub.queue.length) return;
    const batch = { seq: sub.nextSeq++, events: sub.queue };
    sub.queue = [];
    sub.inFlight.push(batch.events.length);
    sub.inFlightEvents += batch.events.length;
    sub.send(batch);
  }
}

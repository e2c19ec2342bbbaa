import { eventNames, methodNames, type EventName, type EventPayload, type MethodName, type ParamsIn, type ResultOf, type StreamName, type StreamPayload } from './contract';
import type { AppErrorShape, Result } from './result';
import { decodeStreamFrame, type ClientMessage, type EventBatch, type ServerMessage } from './wire';

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
  /**
   * Reads private stream `id` (named by the call that opened it) of kind
   * `name`: its messages in order, then its end. The returned function stops
   * reading and closes the stream.
   */
  stream<S extends StreamName>(name: S, id: string, reader: StreamReader<StreamPayload<S>>): () => void;
}

/** What reads a private stream. */
export interface StreamReader<T> {
  /**
   * Takes one message. Its bytes are acknowledged when this returns, or, when
   * it returns a promise, once that settles: a reader that renders later (a
   * terminal) holds its stream back until it has caught up.
   */
  message(payload: T): void | Promise<void>;
  /** The stream is over: ended by the services (with `error` when it failed), or its connection was lost. */
  end(error?: AppErrorShape): void;
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

/** Frames held for a stream nobody reads yet (its opening call has not answered), within these bounds. */
const EARLY_STREAMS = 64;
const EARLY_BYTES = 8 * 1024 * 1024;
/** Acknowledgements are gathered up to this many bytes, or the end of the current task. */
const ACK_EVERY_BYTES = 64 * 1024;

interface EarlyStream {
  frames: Uint8Array[];
  bytes: number;
  ended?: { error?: AppErrorShape };
}

/**
 * The UI's end of private streams, shared by both bridges: decodes binary
 * frames, hands each message to the stream's reader, and acknowledges the
 * bytes once the reader has taken them, so the services hold a stream back
 * only while its own reader is behind.
 */
export function createStreamReceiver(send: (msg: ClientMessage) => void) {
  const readers = new Map<number, StreamReader<unknown>>();
  const early = new Map<number, EarlyStream>();
  /** Streams this side closed: frames still in flight for them are dropped, not held (bounded, oldest forgotten). */
  const cancelled = new Set<number>();
  const CANCELLED_KEPT = 256;
  const cancel = (stream: number) => {
    cancelled.add(stream);
    if (cancelled.size > CANCELLED_KEPT) cancelled.delete(cancelled.values().next().value!);
    send({ t: 'streamCancel', stream });
  };
  const unacked = new Map<number, number>();
  const decoder = new TextDecoder();
  let earlyBytes = 0;
  let ackTimer: ReturnType<typeof setTimeout> | undefined;

  const flushAcks = () => {
    if (ackTimer !== undefined) clearTimeout(ackTimer);
    ackTimer = undefined;
    for (const [stream, bytes] of unacked) send({ t: 'streamAck', stream, bytes });
    unacked.clear();
  };
  const acknowledge = (stream: number, bytes: number) => {
    const total = (unacked.get(stream) ?? 0) + bytes;
    unacked.set(stream, total);
    if (total >= ACK_EVERY_BYTES) flushAcks();
    else ackTimer ??= setTimeout(flushAcks, 0);
  };
  const read = (stream: number, reader: StreamReader<unknown>, payload: Uint8Array) => {
    const failed = (err: unknown) => console.error('stream reader failed', err);
    let taken: void | Promise<void> = undefined;
    try {
      taken = reader.message(JSON.parse(decoder.decode(payload)));
    } catch (err) {
      failed(err);
    }
    if (taken instanceof Promise)
      // A stream closed or lost meanwhile is not acknowledged: its number may be another stream's by then.
      taken.catch(failed).finally(() => readers.get(stream) === reader && acknowledge(stream, payload.byteLength));
    else acknowledge(stream, payload.byteLength);
  };
  const dropEarly = (stream: number) => {
    const held = early.get(stream);
    if (!held) return;
    early.delete(stream);
    earlyBytes -= held.bytes;
    // Nobody will read it: let the services close it rather than hold it paused.
    if (!held.ended) cancel(stream);
  };
  const holdEarly = (stream: number): EarlyStream => {
    let held = early.get(stream);
    if (!held) {
      if (early.size >= EARLY_STREAMS) dropEarly(early.keys().next().value!);
      held = { frames: [], bytes: 0 };
      early.set(stream, held);
    }
    return held;
  };

  return {
    /** A binary frame arrived. */
    frame(frame: Uint8Array): void {
      const decoded = decodeStreamFrame(frame);
      if (!decoded || cancelled.has(decoded.stream)) return;
      const reader = readers.get(decoded.stream);
      if (reader) return read(decoded.stream, reader, decoded.payload);
      const held = holdEarly(decoded.stream);
      held.frames.push(decoded.payload);
      held.bytes += decoded.payload.byteLength;
      earlyBytes += decoded.payload.byteLength;
      while (earlyBytes > EARLY_BYTES && early.size) dropEarly(early.keys().next().value!);
    },
    /** The services ended a stream. */
    end(stream: number, error?: AppErrorShape): void {
      if (cancelled.delete(stream)) return;
      const reader = readers.get(stream);
      if (reader) {
        readers.delete(stream);
        reader.end(error);
      } else {
        holdEarly(stream).ended = { ...(error ? { error } : {}) };
      }
    },
    /** The connection was lost: every stream is over. */
    reset(): void {
      const lost = [...readers.values()];
      readers.clear();
      early.clear();
      cancelled.clear();
      earlyBytes = 0;
      unacked.clear();
      for (const reader of lost) reader.end({ code: 'UNREACHABLE', message: 'The connection to the Pilothouse services was lost' });
    },
    /** The bridge's {@link PilothouseBridge.stream}. */
    stream: (<S extends StreamName>(_name: S, id: string, reader: StreamReader<StreamPayload<S>>) => {
      const stream = Number(id);
      const generic = reader as StreamReader<unknown>;
      readers.set(stream, generic);
      const held = early.get(stream);
      if (held) {
        early.delete(stream);
        earlyBytes -= held.bytes;
        for (const payload of held.frames) read(stream, generic, payload);
        if (held.ended) {
          readers.delete(stream);
          generic.end(held.ended.error);
        }
      }
      return () => {
        if (readers.get(stream) !== generic) return;
        readers.delete(stream);
        cancel(stream);
      };
    }) as PilothouseBridge['stream'],
  };
}

/** How long a call may wait for the services before it fails with TIMEOUT. */
const CALL_TIMEOUT_MS = 120_000;

/** Carries the protocol's frames to the services: a WebSocket in browser mode, a MessagePort in Electron. */
export interface FrameTransport {
  /** Sends one message; called only while connected. */
  send(text: string): void;
}

/**
 * The contract client both bridges run: calls with their results, event
 * batches with acknowledgements, private streams acknowledged by bytes. The
 * transport tells it when it connects, what arrives, and when it is lost;
 * calls made while disconnected wait for the connection.
 */
export function createContractClient(transport: FrameTransport) {
  const registry = createEventListeners(eventNames);
  const pending = new Map<number, { resolve: (r: Result<unknown>) => void; timer: ReturnType<typeof setTimeout> }>();
  /** Calls made while disconnected, by id: sent on connecting, unless they timed out first. */
  const queue = new Map<number, string>();
  let connected = false;
  let connectedOnce = false;
  let nextId = 1;

  const send = (msg: ClientMessage) => {
    const text = JSON.stringify(msg);
    if (connected) transport.send(text);
    // Acknowledgements are for the connection that delivered; a new one starts afresh.
    else if (msg.t === 'call') queue.set(msg.id, text);
  };
  const streams = createStreamReceiver(send);

  const call = (method: string, params: unknown) =>
    new Promise<Result<unknown>>((resolve) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        // The caller was told it failed: it must not run later, when the connection comes back.
        queue.delete(id);
        resolve({ ok: false, error: { code: 'TIMEOUT', message: `${method} took longer than ${CALL_TIMEOUT_MS / 1000} s` } });
      }, CALL_TIMEOUT_MS);
      pending.set(id, { resolve, timer });
      send({ t: 'call', id, method, params });
    });

  const bridge: PilothouseBridge = {
    methods: Object.fromEntries(methodNames.map((m) => [m, (params: unknown) => call(m, params)])) as PilothouseBridge['methods'],
    events: registry.events,
    onResync: registry.onResync,
    stream: streams.stream,
  };

  return {
    bridge,
    /** The transport is (again) connected: queued calls go out; after a reconnect the UI refetches what it shows. */
    connected(): void {
      connected = true;
      for (const text of queue.values()) transport.send(text);
      queue.clear();
      if (connectedOnce) registry.deliver({ seq: 0, events: [], overflow: true });
      connectedOnce = true;
    },
    /** One frame from the services. */
    receive(frame: string | Uint8Array): void {
      if (typeof frame !== 'string') return streams.frame(frame);
      const msg = JSON.parse(frame) as ServerMessage;
      if (msg.t === 'result') {
        const p = pending.get(msg.id);
        if (!p) return;
        clearTimeout(p.timer);
        pending.delete(msg.id);
        p.resolve(msg.result);
      } else if (msg.t === 'events') {
        registry.deliver(msg.batch);
        send({ t: 'ack', seq: msg.batch.seq });
      } else if (msg.t === 'streamEnd') {
        streams.end(msg.stream, msg.error);
      }
    },
    /** The transport is lost: calls in flight fail with `message`, streams end; new calls wait for the next connection. */
    disconnected(message: string): void {
      connected = false;
      for (const [id, p] of pending) {
        clearTimeout(p.timer);
        p.resolve({ ok: false, error: { code: 'UNREACHABLE', message } });
        pending.delete(id);
      }
      streams.reset();
    },
  };
}

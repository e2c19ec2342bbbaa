import { streams as streamSchemas, type StreamName, type StreamPayload } from '../../../shared/contract';
import type { AppErrorShape } from '../../../shared/result';
import { encodeStreamFrame, type ServerMessage } from '../../../shared/wire';
import type { Logger } from '../logging/logger';

/** What a session's transport carries: JSON text (results, events, stream ends) or a binary stream frame. */
export type SessionFrame = string | Uint8Array;

/** One private stream, as its producer sees it. */
export interface PrivateStream<S extends StreamName> {
  /** The id the UI subscribes with; the opening call returns it. */
  readonly id: string;
  /**
   * Sends a message to the stream's session only. Returns false once the bytes
   * sent and not yet acknowledged pass the high-water mark: hold the source
   * back until {@link paused} turns false.
   */
  write(message: StreamPayload<S>): boolean;
  /** True while unacknowledged bytes are over the high-water mark. */
  readonly paused: boolean;
  /** Called when the stream closes for any reason: ended here, the UI closed it, or its session ended. */
  onClose(listener: () => void): void;
  /** Called each time a paused stream resumes (its reader caught up): the source may go on. */
  onResume(listener: () => void): void;
  /** Ends the stream, telling the UI why when `error` is given. */
  end(error?: AppErrorShape): void;
  readonly closed: boolean;
}

export interface StreamHubOptions {
  /** Unacknowledged bytes past which a stream is paused. */
  highWaterBytes?: number;
  /** A paused stream resumes once unacknowledged bytes fall to this. */
  lowWaterBytes?: number;
  /** Streams one session may hold open. */
  maxStreamsPerSession?: number;
}

interface StreamState {
  id: string;
  numericId: number;
  session: string;
  name: StreamName;
  unacked: number;
  paused: boolean;
  closed: boolean;
  close: Set<() => void>;
  resume: Set<() => void>;
  highWater: number;
  lowWater: number;
}

interface SessionState {
  send: (frame: SessionFrame) => void;
  streams: Map<number, StreamState>;
  nextId: number;
}

const encoder = new TextEncoder();

/**
 * Private streams: what belongs to one UI session and cannot be refetched
 * (pod logs, terminal output). Unlike the event hub, a stream's messages go
 * to its session only, and each stream is flow-controlled by the bytes its
 * session acknowledges, so a window that stops reading holds back its own
 * streams and nobody else's.
 */
export class StreamHub {
  private readonly sessions = new Map<string, SessionState>();
  private readonly highWater: number;
  private readonly lowWater: number;
  private readonly maxPerSession: number;

  constructor(
    private readonly log: Logger,
    options: StreamHubOptions = {},
  ) {
    this.highWater = options.highWaterBytes ?? 2 * 1024 * 1024;
    this.lowWater = options.lowWaterBytes ?? this.highWater / 4;
    this.maxPerSession = options.maxStreamsPerSession ?? 64;
  }

  /** A transport's session can receive stream frames through `send` (which must not throw). */
  attach(session: string, send: (frame: SessionFrame) => void): void {
    this.detach(session);
    this.sessions.set(session, { send, streams: new Map(), nextId: 1 });
  }

  /** The session went away: its streams close. */
  detach(session: string): void {
    const state = this.sessions.get(session);
    if (!state) return;
    this.sessions.delete(session);
    for (const stream of state.streams.values()) this.finish(stream);
  }

  /**
   * Opens a stream of kind `name` to `session`; fails when the session is
   * unknown or holds too many. A stream whose reader must stay close behind
   * (a terminal, where keystrokes echo behind the output in flight) sets its
   * own, lower, high-water mark.
   */
  open<S extends StreamName>(session: string, name: S, options: Pick<StreamHubOptions, 'highWaterBytes' | 'lowWaterBytes'> = {}): PrivateStream<S> {
    const state = this.sessions.get(session);
    if (!state) throw new Error(`no transport is attached for session ${session}`);
    if (state.streams.size >= this.maxPerSession) throw new Error(`session holds ${state.streams.size} streams, the most it may`);
    const numericId = state.nextId++;
    const highWater = options.highWaterBytes ?? this.highWater;
    const lowWater = options.lowWaterBytes ?? (options.highWaterBytes === undefined ? this.lowWater : highWater / 4);
    const stream: StreamState = { id: String(numericId), numericId, session, name, unacked: 0, paused: false, closed: false, close: new Set(), resume: new Set(), highWater, lowWater };
    state.streams.set(numericId, stream);
    return {
      id: stream.id,
      get paused() {
        return stream.paused;
      },
      get closed() {
        return stream.closed;
      },
      write: (message) => this.write(stream, message),
      onClose: (listener) => (stream.closed ? listener() : void stream.close.add(listener)),
      onResume: (listener) => void stream.resume.add(listener),
      end: (error) => this.end(stream, error),
    };
  }

  /** The UI has processed `bytes` more of stream `id` of `session`. */
  ack(session: string, id: number, bytes: number): void {
    const stream = this.sessions.get(session)?.streams.get(id);
    if (!stream || !Number.isSafeInteger(bytes) || bytes <= 0) return;
    stream.unacked = Math.max(0, stream.unacked - bytes);
    if (stream.paused && stream.unacked <= stream.lowWater) {
      stream.paused = false;
      for (const listener of stream.resume) {
        try {
          listener();
        } catch (err) {
          this.log.error('a stream resume listener failed', { stream: stream.name, error: err });
        }
      }
    }
  }

  /** The UI no longer wants stream `id` of `session`. */
  cancel(session: string, id: number): void {
    const stream = this.sessions.get(session)?.streams.get(id);
    if (stream) this.finish(stream);
  }

  /** Bytes sent and not yet acknowledged on one stream, for diagnostics and tests. */
  unacknowledged(session: string, id: string): number | undefined {
    return this.sessions.get(session)?.streams.get(Number(id))?.unacked;
  }

  private write(stream: StreamState, message: unknown): boolean {
    if (stream.closed) return false;
    const checked = streamSchemas[stream.name].safeParse(message);
    if (!checked.success) {
      this.log.error('stream message outside the contract dropped', { stream: stream.name });
      return !stream.paused;
    }
    const payload = encoder.encode(JSON.stringify(checked.data));
    // Counted before sending: a transport may deliver, and the reader acknowledge, before send returns.
    stream.unacked += payload.byteLength;
    if (!stream.paused && stream.unacked > stream.highWater) stream.paused = true;
    this.sessions.get(stream.session)?.send(encodeStreamFrame(stream.numericId, payload));
    return !stream.paused;
  }

  private end(stream: StreamState, error?: AppErrorShape): void {
    if (stream.closed) return;
    const end: ServerMessage = { t: 'streamEnd', stream: stream.numericId, ...(error ? { error } : {}) };
    this.sessions.get(stream.session)?.send(JSON.stringify(end));
    this.finish(stream);
  }

  private finish(stream: StreamState): void {
    if (stream.closed) return;
    stream.closed = true;
    this.sessions.get(stream.session)?.streams.delete(stream.numericId);
    for (const listener of stream.close) {
      try {
        listener();
      } catch (err) {
        this.log.error('a stream close listener failed', { stream: stream.name, error: err });
      }
    }
    stream.close.clear();
    stream.resume.clear();
  }
}

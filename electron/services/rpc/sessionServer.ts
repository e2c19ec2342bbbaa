import type { ClientMessage, ServerMessage } from '../../../shared/wire';
import type { Services } from '../app/createServices';
import { dispatch, type CallContext } from './dispatch';
import type { SessionFrame } from './streamHub';

/** Who a session is, as its transport established it. */
export interface SessionInfo {
  actor: string;
  transport: CallContext['transport'];
}

/** How the services reach one session's transport. */
export interface SessionPort {
  /** Delivers a frame to the UI; must not throw. */
  send(frame: SessionFrame): void;
  /** Ends the connection: the UI broke the protocol. */
  close(code: number, reason: string): void;
}

/**
 * The services' end of every UI connection, whatever carries it (a WebSocket
 * relayed by browser mode, a MessagePort in Electron, a test): contract calls
 * in and their results out, event batches with acknowledgements, private
 * streams acknowledged by bytes.
 */
export interface SessionServer {
  open(session: string, info: SessionInfo, port: SessionPort): void;
  /** One frame from the UI. Malformed frames close that session only. */
  receive(session: string, frame: SessionFrame): void;
  /** The connection is gone: release everything the session held. */
  end(session: string): void;
  /** Sessions open now. */
  readonly size: number;
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

function parse(frame: SessionFrame): ClientMessage | undefined {
  try {
    const text = typeof frame === 'string' ? frame : textDecoder.decode(frame);
    const msg = JSON.parse(text) as ClientMessage;
    return msg && typeof msg === 'object' ? msg : undefined;
  } catch {
    return undefined;
  }
}

const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

/** The {@link SessionServer} of `services`. */
export function createSessionServer(services: Services): SessionServer {
  const sessions = new Map<string, { info: SessionInfo; port: SessionPort; ack: (seq: number) => void; unsubscribe: () => void }>();

  const send = (session: string, msg: ServerMessage) => sessions.get(session)?.port.send(JSON.stringify(msg));

  return {
    open(session, info, port) {
      this.end(session);
      const subscription = services.hub.subscribe((batch) => port.send(JSON.stringify({ t: 'events', batch } satisfies ServerMessage)));
      services.streams.attach(session, (frame) => port.send(frame));
      sessions.set(session, { info, port, ack: (seq) => subscription.ack(seq), unsubscribe: () => subscription.close() });
    },

    receive(session, frame) {
      const state = sessions.get(session);
      if (!state) return;
      const msg = parse(frame);
      switch (msg?.t) {
        case 'call':
          if (!isCount(msg.id) || typeof msg.method !== 'string') break;
          void dispatch(services.handlers, msg.method, msg.params, { ...state.info, session }, services.log).then((result) => send(session, { t: 'result', id: msg.id, result }));
          return;
        case 'ack':
          if (!isCount(msg.seq)) break;
          state.ack(msg.seq);
          return;
        case 'streamAck':
          if (!isCount(msg.stream) || !isCount(msg.bytes)) break;
          services.streams.ack(session, msg.stream, msg.bytes);
          return;
        case 'streamCancel':
          if (!isCount(msg.stream)) break;
          services.streams.cancel(session, msg.stream);
          return;
      }
      services.log.warn('closed a UI connection that sent a message outside the protocol', { transport: state.info.transport });
      state.port.close(1008, 'Messages are JSON text of the Pilothouse protocol');
      this.end(session);
    },

    end(session) {
      const state = sessions.get(session);
      if (!state) return;
      sessions.delete(session);
      state.unsubscribe();
      services.endSession(session);
    },

    get size() {
      return sessions.size;
    },
  };
}

import { createEventListeners, type PilothouseBridge } from '../../../shared/bridge';
import { eventNames, methodNames } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import type { ClientMessage, ServerMessage } from '../../../shared/wire';

/** How long a call may wait for the services before it fails with TIMEOUT. */
const CALL_TIMEOUT_MS = 120_000;

/**
 * Browser mode's bridge: the contract over one WebSocket to the page's own
 * origin (the session cookie authenticates it). Reconnects with backoff and
 * asks the UI to refetch after a reconnect, since events may have been missed.
 */
export function createWebSocketBridge(url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc`): PilothouseBridge & { close(): void } {
  const registry = createEventListeners(eventNames);
  const pending = new Map<number, { resolve: (r: Result<unknown>) => void; timer: ReturnType<typeof setTimeout> }>();
  const queue: string[] = [];
  let nextId = 1;
  let socket: WebSocket | undefined;
  let attempt = 0;
  let closed = false;
  let connectedOnce = false;

  const failAll = (message: string) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.resolve({ ok: false, error: { code: 'UNREACHABLE', message } });
      pending.delete(id);
    }
  };

  const connect = () => {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      for (const m of queue.splice(0)) ws.send(m);
      if (connectedOnce) registry.deliver({ seq: 0, events: [], overflow: true });
      connectedOnce = true;
    };
    ws.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data)) as ServerMessage;
      if (msg.t === 'result') {
        const p = pending.get(msg.id);
        if (!p) return;
        clearTimeout(p.timer);
        pending.delete(msg.id);
        p.resolve(msg.result);
      } else if (msg.t === 'events') {
        registry.deliver(msg.batch);
        ws.send(JSON.stringify({ t: 'ack', seq: msg.batch.seq } satisfies ClientMessage));
      }
    };
    ws.onclose = () => {
      failAll('Lost the connection to Pilothouse; reconnecting. If this persists, restart "npm run serve" and open its new URL.');
      if (closed) return;
      const delay = Math.min(10_000, 250 * 2 ** attempt++);
      setTimeout(connect, delay);
    };
  };
  connect();

  const call = (method: string, params: unknown) =>
    new Promise<Result<unknown>>((resolve) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve({ ok: false, error: { code: 'TIMEOUT', message: `${method} took longer than ${CALL_TIMEOUT_MS / 1000} s` } });
      }, CALL_TIMEOUT_MS);
      pending.set(id, { resolve, timer });
      const text = JSON.stringify({ t: 'call', id, method, params } satisfies ClientMessage);
      if (socket?.readyState === WebSocket.OPEN) socket.send(text);
      else queue.push(text);
    });

  return {
    methods: Object.fromEntries(methodNames.map((m) => [m, (params: unknown) => call(m, params)])) as PilothouseBridge['methods'],
    events: registry.events,
    onResync: registry.onResync,
    close: () => {
      closed = true;
      socket?.close();
    },
  };
}

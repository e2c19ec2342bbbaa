import { createContractClient, type PilothouseBridge } from '../../../shared/bridge';

/**
 * Browser mode's bridge: the contract over one WebSocket to the page's own
 * origin (the session cookie authenticates it). Text frames carry calls,
 * results and events; binary frames carry private streams. Reconnects with
 * backoff (the services may have restarted) and asks the UI to refetch after
 * a reconnect, since events may have been missed.
 */
export function createWebSocketBridge(url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc`): PilothouseBridge & { close(): void } {
  let socket: WebSocket | undefined;
  let attempt = 0;
  let closed = false;
  const client = createContractClient({ send: (text) => socket?.send(text) });

  const connect = () => {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      client.connected();
    };
    ws.onmessage = (ev) => client.receive(typeof ev.data === 'string' ? ev.data : new Uint8Array(ev.data as ArrayBuffer));
    ws.onclose = () => {
      client.disconnected('Lost the connection to Pilothouse; reconnecting. If this persists, restart "npm run serve" and open its new URL.');
      if (closed) return;
      const delay = Math.min(10_000, 250 * 2 ** attempt++);
      setTimeout(connect, delay);
    };
  };
  connect();

  return {
    ...client.bridge,
    close: () => {
      closed = true;
      socket?.close();
    },
  };
}

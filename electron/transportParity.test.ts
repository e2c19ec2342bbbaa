/**
 * Both transports carry every contract method to the services: browser
 * mode's WebSocket (through the server, with the same client the page runs)
 * and Electron's MessagePort (through the real preload). Each call's method
 * name is recorded where the services look its handler up, and a handler
 * taken away is reported as such through each transport, so a transport that
 * dropped, renamed or mixed up a method fails here.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createContractClient, type PilothouseBridge } from '../shared/bridge';
import { methodNames, type MethodName } from '../shared/contract';
import type { Result } from '../shared/result';
import { fakeRendererDir, originOf, signIn } from '../test/support/browserServer';
import { createTestServices } from '../test/support/services';
import { startBrowserServer, type BrowserServer } from './server/browserServer';
import type { Services } from './services/app/createServices';
import type { Handlers } from './services/rpc/dispatch';
import { createSessionServer } from './services/rpc/sessionServer';

// Electron is not available under Node: capture what the preload registers and exposes.
const portListeners: ((event: { ports: unknown[] }) => void)[] = [];
const exposed: Record<string, unknown> = {};
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: { on: (_channel: string, listener: (event: { ports: unknown[] }) => void) => portListeners.push(listener), send: vi.fn() },
}));

let services: Services;
let server: BrowserServer;
let realHandlers: Handlers;
/** Method names as the services looked their handlers up, in order. */
const lookedUp: string[] = [];
let removed: string | undefined;
const bridges: Record<string, PilothouseBridge> = {};
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  ({ services } = createTestServices());
  realHandlers = services.handlers;
  services.handlers = new Proxy(realHandlers, {
    getOwnPropertyDescriptor(target, name) {
      if (typeof name === 'string') lookedUp.push(name);
      return name === removed ? undefined : Reflect.getOwnPropertyDescriptor(target, name);
    },
  });
  const sessions = createSessionServer(services);

  // Browser mode: the real server, and over a real WebSocket the client the page runs.
  server = await startBrowserServer({ sessions, log: services.log, rendererDir: fakeRendererDir() });
  const cookie = await signIn(server);
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc`, { headers: { Cookie: cookie, Origin: originOf(server) } });
  const wsClient = createContractClient({ send: (text) => ws.send(text) });
  ws.on('message', (data, isBinary) => wsClient.receive(isBinary ? new Uint8Array(data as Buffer) : data.toString()));
  await new Promise((resolve) => ws.once('open', resolve));
  wsClient.connected();
  bridges.websocket = wsClient.bridge;
  cleanups.push(() => ws.close());

  // Electron: the real preload, given one end of a MessageChannel whose other end the services serve, as the utility process does.
  await import('./preload/index');
  const { port1, port2 } = new MessageChannel();
  sessions.open('electron', { actor: 'tester', transport: 'ipc' }, { send: (frame) => port2.postMessage(frame), close: () => port2.close() });
  port2.on('message', (frame) => sessions.receive('electron', frame));
  for (const listener of portListeners) listener({ ports: [asPagePort(port1)] });
  bridges.electron = exposed.pilothouse as PilothouseBridge;
  cleanups.push(() => port1.close());
});

afterAll(async () => {
  for (const cleanup of cleanups) cleanup();
  await server.close();
  services.handlers = realHandlers;
  services.close();
});

/** Node's MessagePort delivers to `on('message')` with the data itself; the page's port calls `onmessage` with an event. */
function asPagePort(port: MessagePort) {
  return {
    postMessage: (data: string) => port.postMessage(data),
    set onmessage(listener: (event: { data: unknown }) => void) {
      port.on('message', (data) => listener({ data }));
    },
    start: () => port.start(),
    close: () => port.close(),
  };
}

/** dispatch's answer for a method no handler serves. */
const unserved = (message: string) => /is not served by these services/.test(message);

async function callThrough(transport: string, method: MethodName): Promise<Result<unknown>> {
  const fn = bridges[transport].methods[method] as (p: unknown) => Promise<Result<unknown>>;
  return fn({});
}

describe.each(['websocket', 'electron'])('the %s transport', (transport) => {
  it('carries every method, by its own name, to the services’ handlers', async () => {
    for (const method of methodNames) {
      lookedUp.length = 0;
      const result = await callThrough(transport, method);
      expect(lookedUp, method).toEqual([method]);
      expect(result.ok === false && unserved(result.error.message), method).toBe(false);
    }
  });

  it('reports a method whose handler is gone, and only that one', async () => {
    removed = 'kube.get';
    try {
      const gone = await callThrough(transport, 'kube.get');
      expect(gone).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED', message: expect.stringMatching(/not served/) } });
      const still = await callThrough(transport, 'app.info');
      expect(still).toMatchObject({ ok: true });
    } finally {
      removed = undefined;
    }
  });
});

describe('the Electron preload', () => {
  it('exposes the typed bridge and nothing generic', () => {
    expect(Object.keys(exposed)).toEqual(['pilothouse']);
    expect(Object.keys(exposed.pilothouse as object).sort()).toEqual(['events', 'methods', 'onResync', 'stream']);
  });
});

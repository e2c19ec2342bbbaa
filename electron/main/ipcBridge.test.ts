import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventNames, ipcChannel, methodNames } from '../../shared/contract';
import type { Services } from '../services/app/createServices';
import { createTestServices } from '../../test/support/services';

// The Electron runtime is not available under Node: record what the bridge registers.
const handlers = new Map<string, (event: unknown, params: unknown) => Promise<unknown>>();
const exposed: Record<string, unknown> = {};
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, params: unknown) => Promise<unknown>) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
    on: vi.fn(),
    off: vi.fn(),
  },
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: { invoke: vi.fn(async (channel: string, params: unknown) => ({ channel, params })), on: vi.fn(), send: vi.fn() },
}));

const { registerIpcBridge } = await import('./ipcBridge');

let services: Services;
const mainFrame = { url: 'app://pilothouse/index.html' };
const win = { isDestroyed: () => false, webContents: { id: 1, mainFrame, send: vi.fn(), on: vi.fn() } };

beforeAll(() => {
  ({ services } = createTestServices({ mode: 'desktop' }));
  registerIpcBridge(win as never, services, (url) => url.startsWith('app://pilothouse/'));
});
afterAll(() => services.close());

describe('Electron IPC bridge', () => {
  it('registers exactly one handler per contract method', () => {
    expect([...handlers.keys()].sort()).toEqual(methodNames.map(ipcChannel).sort());
  });

  it('every contract method has a service handler', () => {
    expect(Object.keys(services.handlers).sort()).toEqual([...methodNames].sort());
  });

  it('answers the top frame of our window', async () => {
    const result = await handlers.get(ipcChannel('app.info'))!({ senderFrame: mainFrame }, {});
    expect(result).toMatchObject({ ok: true, value: { mode: 'desktop' } });
  });

  it('refuses a subframe, another page or a navigated-away frame', async () => {
    const fromIframe = await handlers.get(ipcChannel('connections.list'))!({ senderFrame: { url: 'app://pilothouse/index.html' } }, {});
    expect(fromIframe).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const navigated = { url: 'https://evil.example/' };
    const win2 = { isDestroyed: () => false, webContents: { id: 2, mainFrame: navigated, send: vi.fn(), on: vi.fn() } };
    handlers.clear();
    registerIpcBridge(win2 as never, services, (url) => url.startsWith('app://pilothouse/'));
    const fromElsewhere = await handlers.get(ipcChannel('connections.list'))!({ senderFrame: navigated }, {});
    expect(fromElsewhere).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('validates params before any service runs', async () => {
    handlers.clear();
    registerIpcBridge(win as never, services, () => true);
    const result = await handlers.get(ipcChannel('connections.rename'))!({ senderFrame: mainFrame }, { id: 1 });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});

describe('preload', () => {
  it('exposes one function per contract method and event, and nothing generic', async () => {
    await import('../preload/index');
    const bridge = exposed.pilothouse as { methods: Record<string, unknown>; events: Record<string, unknown>; onResync: unknown };
    expect(Object.keys(bridge).sort()).toEqual(['events', 'methods', 'onResync']);
    expect(Object.keys(bridge.methods).sort()).toEqual([...methodNames].sort());
    expect(Object.keys(bridge.events).sort()).toEqual([...eventNames].sort());
    const call = bridge.methods['app.info'] as (p: unknown) => Promise<unknown>;
    expect(await call({})).toEqual({ channel: ipcChannel('app.info'), params: {} });
  });
});

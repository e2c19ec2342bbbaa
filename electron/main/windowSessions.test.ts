import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONNECT_CHANNEL, PORT_CHANNEL } from '../preload/channels';

// The Electron runtime is not available under Node: record what main registers, and hand out fake ports.
const listeners = new Map<string, (event: unknown) => void>();
let channels = 0;
vi.mock('electron', () => ({
  ipcMain: {
    on: (channel: string, fn: (event: unknown) => void) => listeners.set(channel, fn),
    off: (channel: string, fn: (event: unknown) => void) => listeners.get(channel) === fn && listeners.delete(channel),
  },
  MessageChannelMain: class {
    port1 = { name: `services-end-${++channels}` };
    port2 = { name: `page-end-${channels}` };
  },
}));

const { connectWindow } = await import('./windowSessions');

const trusted = (url: string) => url.startsWith('app://pilothouse/');

function frame(url: string) {
  return { url, postMessage: vi.fn() };
}

function setup(url = 'app://pilothouse/index.html') {
  const mainFrame = frame(url);
  const navigation: ((d: { isMainFrame: boolean; isSameDocument: boolean }) => void)[] = [];
  const webContents = { id: 1, mainFrame, on: (_e: string, fn: (d: { isMainFrame: boolean; isSameDocument: boolean }) => void) => navigation.push(fn) };
  const win = { isDestroyed: () => false, webContents };
  const restarts: (() => void)[] = [];
  const host = { openOnPort: vi.fn(), end: vi.fn(), onRestart: (fn: () => void) => (restarts.push(fn), () => undefined) };
  const disconnect = connectWindow(win as never, host as never, trusted);
  const connect = (senderFrame: unknown, sender: unknown = webContents) => listeners.get(CONNECT_CHANNEL)!({ sender, senderFrame });
  return { win, mainFrame, host, connect, navigate: () => navigation.forEach((fn) => fn({ isMainFrame: true, isSameDocument: false })), restart: () => restarts.forEach((fn) => fn()), disconnect };
}

afterEach(() => listeners.clear());

describe('window sessions', () => {
  it('gives the top frame of our page one end of a channel and the services the other', () => {
    const { mainFrame, host, connect } = setup();
    connect(mainFrame);
    expect(host.openOnPort).toHaveBeenCalledWith('window-1-1', { actor: expect.stringContaining('(desktop)'), transport: 'ipc' }, { name: `services-end-${channels}` });
    expect(mainFrame.postMessage).toHaveBeenCalledWith(PORT_CHANNEL, null, [{ name: `page-end-${channels}` }]);
  });

  it('gives nothing to a subframe, another window or a page navigated elsewhere', () => {
    const { mainFrame, host, connect } = setup();
    const iframe = frame('app://pilothouse/index.html');
    connect(iframe);
    connect(mainFrame, { id: 2 });
    expect(host.openOnPort).not.toHaveBeenCalled();
    expect(iframe.postMessage).not.toHaveBeenCalled();

    const elsewhere = setup('https://evil.example/');
    elsewhere.connect(elsewhere.mainFrame);
    expect(elsewhere.host.openOnPort).not.toHaveBeenCalled();
    expect(elsewhere.mainFrame.postMessage).not.toHaveBeenCalled();
  });

  it('ends the page’s session when it reloads, and a second connect replaces the first', () => {
    const { mainFrame, host, connect, navigate } = setup();
    connect(mainFrame);
    navigate();
    expect(host.end).toHaveBeenCalledWith('window-1-1');
    connect(mainFrame);
    connect(mainFrame);
    expect(host.end).toHaveBeenLastCalledWith('window-1-2');
    expect(host.openOnPort).toHaveBeenLastCalledWith('window-1-3', expect.anything(), expect.anything());
  });

  it('hands a page still showing our UI a new port after the services restart', () => {
    const { mainFrame, host, connect, restart } = setup();
    connect(mainFrame);
    restart();
    expect(host.openOnPort).toHaveBeenCalledTimes(2);
    expect(mainFrame.postMessage).toHaveBeenCalledTimes(2);
  });

  it('stops listening and ends the session when the window closes', () => {
    const { mainFrame, host, connect, disconnect } = setup();
    connect(mainFrame);
    disconnect();
    expect(host.end).toHaveBeenCalledWith('window-1-1');
    expect(listeners.has(CONNECT_CHANNEL)).toBe(false);
  });
});

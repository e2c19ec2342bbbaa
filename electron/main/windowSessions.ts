import { ipcMain, MessageChannelMain, type BrowserWindow, type IpcMainEvent, type WebFrameMain } from 'electron';
import { userInfo } from 'node:os';
import type { ServicesHost } from '../host/servicesHost';
import { CONNECT_CHANNEL, PORT_CHANNEL } from '../preload/channels';

/**
 * Accepts messages only from the top frame of our own window showing our own
 * UI: an iframe, a navigated-away page or another window gets nothing.
 * (Same rule as VS Code's validatedIpcMain.)
 */
function trustedSender(win: BrowserWindow, frame: WebFrameMain | null, isTrustedUrl: (url: string) => boolean): boolean {
  return frame !== null && !win.isDestroyed() && frame === win.webContents.mainFrame && isTrustedUrl(frame.url);
}

/**
 * Connects the window's page to the services process: on request from the
 * trusted top frame, a MessageChannel whose one end goes to the services and
 * the other to that frame only. Frames then pass between page and services
 * without crossing this process. A reload ends the page's session; a
 * services restart hands the page a new port.
 */
export function connectWindow(win: BrowserWindow, host: Pick<ServicesHost, 'openOnPort' | 'end' | 'onRestart'>, isTrustedUrl: (url: string) => boolean): () => void {
  const actor = `${userInfo().username} (desktop)`;
  let session: string | undefined;
  let sessions = 0;

  const endSession = () => {
    if (session) host.end(session);
    session = undefined;
  };
  const givePort = (frame: WebFrameMain) => {
    endSession();
    session = `window-${win.webContents.id}-${++sessions}`;
    const { port1, port2 } = new MessageChannelMain();
    host.openOnPort(session, { actor, transport: 'ipc' }, port1);
    frame.postMessage(PORT_CHANNEL, null, [port2]);
  };

  const onConnect = (event: IpcMainEvent) => {
    if (event.sender !== win.webContents) return;
    if (!trustedSender(win, event.senderFrame, isTrustedUrl)) return;
    givePort(event.senderFrame!);
  };
  ipcMain.on(CONNECT_CHANNEL, onConnect);

  // A reload starts a page that knows nothing of the old one's watches and streams: end its session at once.
  const onNavigation = (details: { isMainFrame: boolean; isSameDocument: boolean }) => {
    if (details.isMainFrame && !details.isSameDocument) endSession();
  };
  win.webContents.on('did-start-navigation', onNavigation);

  // The old port died with the services: a page still showing our UI gets a new one and refetches.
  const offRestart = host.onRestart(() => {
    session = undefined;
    const frame = win.isDestroyed() ? null : win.webContents.mainFrame;
    try {
      if (frame && isTrustedUrl(frame.url)) givePort(frame);
    } catch {
      // The frame went away meanwhile (closed, navigating): its next page asks for a port itself.
    }
  });

  return () => {
    ipcMain.off(CONNECT_CHANNEL, onConnect);
    offRestart();
    endSession();
  };
}

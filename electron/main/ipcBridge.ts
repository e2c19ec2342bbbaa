import { ipcMain, type BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import { userInfo } from 'node:os';
import { ipcChannel, methodNames } from '../../shared/contract';
import type { Services } from '../services/app/createServices';
import { dispatch } from '../services/rpc/dispatch';

const EVENTS_CHANNEL = 'pilothouse:events';
const ACK_CHANNEL = 'pilothouse:events-ack';

/**
 * Accepts messages only from the top frame of our own window showing our own
 * UI: an iframe, a navigated-away page or another window gets nothing.
 * (Same rule as VS Code's validatedIpcMain.)
 */
function trustedSender(win: BrowserWindow, frame: WebFrameMain | null, isTrustedUrl: (url: string) => boolean): boolean {
  return frame !== null && !win.isDestroyed() && frame === win.webContents.mainFrame && isTrustedUrl(frame.url);
}

/** Registers one handler per contract method and forwards event batches with acks. */
export function registerIpcBridge(win: BrowserWindow, services: Services, isTrustedUrl: (url: string) => boolean): () => void {
  const actor = `${userInfo().username} (desktop)`;
  // A reload starts a new page that knows nothing of the old one's watches:
  // end the old session before the new page can make a call.
  let session = `window-${win.webContents.id}-0`;
  let loads = 0;
  win.webContents.on('did-start-navigation', (details) => {
    if (!details.isMainFrame || details.isSameDocument) return;
    services.endSession(session);
    session = `window-${win.webContents.id}-${++loads}`;
  });
  for (const name of methodNames) {
    ipcMain.handle(ipcChannel(name), async (event: IpcMainInvokeEvent, params: unknown) => {
      if (!trustedSender(win, event.senderFrame, isTrustedUrl)) {
        services.log.warn('refused IPC from an untrusted frame', { method: name });
        return { ok: false, error: { code: 'FORBIDDEN', message: 'Refused: the request did not come from the Pilothouse window' } };
      }
      return dispatch(services.handlers, name, params, { transport: 'ipc', actor, session }, services.log);
    });
  }
  const subscription = services.hub.subscribe((batch) => {
    if (!win.isDestroyed()) win.webContents.send(EVENTS_CHANNEL, batch);
  });
  const onAck = (event: IpcMainEvent, seq: unknown) => {
    if (trustedSender(win, event.senderFrame, isTrustedUrl) && Number.isInteger(seq)) subscription.ack(seq as number);
  };
  ipcMain.on(ACK_CHANNEL, onAck);
  return () => {
    for (const name of methodNames) ipcMain.removeHandler(ipcChannel(name));
    ipcMain.off(ACK_CHANNEL, onAck);
    subscription.close();
    services.endSession(session);
  };
}

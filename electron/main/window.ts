import { BrowserWindow, app, dialog, session, shell, type WebContents } from 'electron';
import { join } from 'node:path';
import { APP_ORIGIN } from './protocol';

/** The dev server's URL under `electron-vite dev`; never trusted in a packaged app. */
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;

/** Only our own UI may talk to the services or be navigated to. */
export function isTrustedUrl(url: string): boolean {
  try {
    const origin = new URL(url).origin;
    return origin === APP_ORIGIN || (devServerUrl !== undefined && origin === new URL(devServerUrl).origin);
  } catch {
    return false;
  }
}

/** http(s) links open in the user's browser and mailto: links in their mail program; anything else (file:, javascript:, custom schemes) is dropped. */
function openExternally(url: string): void {
  try {
    const { protocol } = new URL(url);
    // Reviewed: only http(s) and mailto URLs reach here, from a link the user clicked (setWindowOpenHandler below).
    if (protocol === 'https:' || protocol === 'http:' || protocol === 'mailto:') void shell.openExternal(url); /* eng-disable OPEN_EXTERNAL_JS_CHECK */
  } catch {
    // Not a URL: nothing to open.
  }
}

/** Applied to every web contents the app creates. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isTrustedUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // New windows are never created; a link with target=_blank (a click) opens in the browser.
  contents.setWindowOpenHandler(({ url, disposition }) => {
    if (disposition === 'foreground-tab' || disposition === 'background-tab' || disposition === 'new-window') openExternally(url);
    return { action: 'deny' };
  });
}

/** Denies every permission request (camera, notifications prompts, geolocation, …). */
export function denyPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/** Creates the single main window, sandboxed and isolated. */
export function createMainWindow(preloadDir: string): BrowserWindow {
  // Reviewed: middle-click (auxclick) new windows are denied by setWindowOpenHandler; the preload exposes only contract methods.
  const win = new BrowserWindow({ /* eng-disable AUXCLICK_JS_CHECK */
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Pilothouse',
    backgroundColor: '#0f141a',
    webPreferences: {
      preload: join(preloadDir, 'index.cjs'), /* eng-disable PRELOAD_JS_CHECK */
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  // The page refuses to unload while a spec has unsaved changes (its beforeunload); Electron then only cancels the close, so the user is asked here.
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Leave and lose them', 'Stay'],
      defaultId: 1,
      cancelId: 1,
      title: 'Unsaved changes',
      message: 'A pipeline spec has unsaved changes.',
      detail: 'Leave and lose them, or stay and save them first?',
    });
    // preventDefault here lets the unload go ahead.
    if (choice === 0) event.preventDefault();
  });
  void win.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
  return win;
}

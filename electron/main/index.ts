/**
 * Electron composition root: window, menu, protocol, single-instance lock,
 * the IPC bridge and the Electron-only adapters. No domain logic lives here.
 */
import { app, dialog, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { createServices, type Services } from '../services/app/createServices';
import { registerIpcBridge } from './ipcBridge';
import { installMenu } from './menu';
import { sqliteBindingForElectron } from './nativeBinding';
import { registerAppScheme, serveRenderer } from './protocol';
import { createDesktopSecretBox } from './safeStorageSecretBox';
import { createMainWindow, denyPermissions, hardenWebContents, isTrustedUrl } from './window';

const here = import.meta.dirname;
let mainWindow: BrowserWindow | undefined;
let services: Services | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => services?.close());
  app.whenReady().then(start, (err) => fail(err));
}

function fail(err: unknown): void {
  dialog.showErrorBox('Pilothouse cannot start', err instanceof Error ? err.message : String(err));
  app.exit(1);
}

function start(): void {
  try {
    const userData = app.getPath('userData');
    denyPermissions();
    serveRenderer(join(here, '../renderer'));
    services = createServices({
      mode: 'desktop',
      version: app.getVersion(),
      dataDir: userData,
      secretBox: createDesktopSecretBox(userData),
      sqliteBinding: sqliteBindingForElectron(app.getAppPath()),
      chooseFile: async (title) => {
        const result = await dialog.showOpenDialog(mainWindow!, { title, properties: ['openFile', 'showHiddenFiles'] });
        return result.canceled ? undefined : result.filePaths[0];
      },
    });
    installMenu((command) => services?.hub.publish('app.command', { command }));
    mainWindow = createMainWindow(join(here, '../preload'));
    const unregister = registerIpcBridge(mainWindow, services, isTrustedUrl);
    mainWindow.on('closed', () => {
      unregister();
      mainWindow = undefined;
    });
  } catch (err) {
    fail(err);
  }
}

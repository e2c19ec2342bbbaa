/**
 * Electron composition root: window, menu, protocol, single-instance lock,
 * the Electron-only adapters, and the start (and restart) of the services
 * process. No domain logic lives here, and no frame of the contract passes
 * through: each window talks to the services on a port of its own.
 */
import { app, dialog, Notification, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { ServicesHost } from '../host/servicesHost';
import { desktopSecrets } from './desktopSecrets';
import { installMenu } from './menu';
import { sqliteBindingForElectron } from './nativeBinding';
import { registerAppScheme, serveRenderer } from './protocol';
import { saveReportPdf } from './reportPdf';
import { spawnUtilityServices } from './utilityServices';
import { createMainWindow, denyPermissions, hardenWebContents, isTrustedUrl } from './window';
import { connectWindow } from './windowSessions';

const here = import.meta.dirname;
let mainWindow: BrowserWindow | undefined;
let host: ServicesHost | undefined;

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
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed || !host) return;
    // Let the services close their areas and the data file before the app exits.
    event.preventDefault();
    void host.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
  app.whenReady().then(start, (err) => fail(err));
}

function fail(err: unknown): void {
  dialog.showErrorBox('Pilothouse cannot start', err instanceof Error ? err.message : String(err));
  app.exit(1);
}

async function start(): Promise<void> {
  try {
    const userData = app.getPath('userData');
    denyPermissions();
    serveRenderer(join(here, '../renderer'));
    const services = new ServicesHost({
      spawn: () => spawnUtilityServices(join(here, 'services.js')),
      config: {
        mode: 'desktop',
        version: app.getVersion(),
        dataDir: userData,
        secrets: desktopSecrets(userData),
        sqliteBinding: sqliteBindingForElectron(app.getAppPath()),
        nativeFileDialog: true,
        pdfExport: true,
        nativeNotifications: Notification.isSupported(),
      },
      log: (message, fields) => console.warn(message, fields ?? ''),
      onGiveUp: (message) => fail(new Error(message)),
      chooseFile: async (title, folder) => {
        if (!mainWindow) return undefined;
        const result = await dialog.showOpenDialog(mainWindow, { title, properties: [folder ? 'openDirectory' : 'openFile', 'showHiddenFiles'] });
        return result.canceled ? undefined : result.filePaths[0];
      },
      notify: (title, body) => new Notification({ title, body }).show(),
      savePdf: (html, fileName) => saveReportPdf(mainWindow, html, fileName),
    });
    host = services;
    await services.start();
    installMenu((command) => services.command(command));
    mainWindow = createMainWindow(join(here, '../preload'));
    const disconnect = connectWindow(mainWindow, services, isTrustedUrl);
    mainWindow.on('closed', () => {
      disconnect();
      mainWindow = undefined;
    });
  } catch (err) {
    fail(err);
  }
}

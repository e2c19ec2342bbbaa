/**
 * Saves a report as PDF (desktop only): the person picks the file, the
 * report is laid out in a hidden window that runs no script and can reach
 * nothing, and Chromium prints it. The HTML comes from the services, built
 * with every value escaped; this window adds a second wall.
 */
import { BrowserWindow, dialog, session, type Session } from 'electron';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** An in-memory session of its own: the main window's session, its app:// scheme and its storage are out of reach, and its request rules are left alone. */
const PDF_PARTITION = 'pilothouse-report-pdf';
/** Chromium refuses a URL longer than 2 MiB; base64 makes 3 bytes 4 characters. */
const URL_MAX_CHARS = 2 * 1024 * 1024;
const DATA_URL_PREFIX = 'data:text/html;charset=utf-8;base64,';
/** The most a report may take to lay out and print before it is given up. */
export const PDF_TIMEOUT_MS = 60_000;

let isolated: Session | undefined;

/** The printer's session: every request refused but the report's own data: URL, every permission denied. */
function printerSession(): Session {
  if (isolated) return isolated;
  const s = session.fromPartition(PDF_PARTITION, { cache: false });
  s.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !details.url.startsWith('data:') }));
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  isolated = s;
  return s;
}

/** Rejects once `ms` have passed, unless `work` settled first. */
async function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the report took over ${Math.round(ms / 1000)} s to lay out and print; nothing was saved`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Writes `data` at `path` whole or not at all: into a new temporary file
 * beside it (never through a file or link already at that name), synced,
 * then renamed over it. A failed write leaves what was there as it was.
 */
async function writeWhole(path: string, data: Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path).slice(0, 64)}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o644);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/** Asks where to save `fileName`, prints `html` there; the path, or undefined when the person cancelled. */
export async function saveReportPdf(parent: BrowserWindow | undefined, html: string, fileName: string): Promise<string | undefined> {
  const url = DATA_URL_PREFIX + Buffer.from(html, 'utf8').toString('base64');
  // Refused before the person picks a file: Chromium would not load it.
  if (url.length > URL_MAX_CHARS) throw new Error(`the report is too large to print here (${(Buffer.byteLength(html) / 1024 / 1024).toFixed(1)} MB; at most 1.5 MB): export it as HTML and print that from a browser`);
  // Linux's dialog replaces a file of the name typed without asking unless told to ask; macOS and Windows always ask.
  const options: Electron.SaveDialogOptions = { title: 'Save report as PDF', defaultPath: fileName, filters: [{ name: 'PDF', extensions: ['pdf'] }], properties: ['showOverwriteConfirmation', 'createDirectory'] };
  const choice = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
  if (choice.canceled || !choice.filePath) return undefined;
  // Middle-click cannot open anything here: the window runs no script, is never shown, and every new window and navigation is refused by hardenWebContents.
  const printer = new BrowserWindow({ /* eng-disable AUXCLICK_JS_CHECK */
    show: false,
    webPreferences: {
      session: printerSession(),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      javascript: false,
      webSecurity: true,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableDialogs: true,
      spellcheck: false,
    },
  });
  try {
    // The report only: a meta refresh or a link followed goes nowhere.
    printer.webContents.on('will-navigate', (event) => event.preventDefault());
    printer.webContents.on('will-redirect', (event) => event.preventDefault());
    const pdf = await bounded(
      (async () => {
        // Electron's own error quotes the whole URL, the report with it: only its code is kept.
        await printer.loadURL(url).catch((err: unknown) => {
          throw new Error(`the report could not be laid out (${(err as { code?: unknown }).code ?? 'load failed'})`);
        });
        return printer.webContents.printToPDF({ printBackground: true, pageSize: 'A4', margins: { marginType: 'default' } });
      })(),
      PDF_TIMEOUT_MS,
    );
    await writeWhole(choice.filePath, pdf);
    return choice.filePath;
  } finally {
    printer.destroy();
  }
}

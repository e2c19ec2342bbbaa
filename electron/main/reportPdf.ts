/**
 * Saves a report as PDF (desktop only): the person picks the file, the
 * report is laid out in a hidden window that runs no script and can reach
 * nothing, and Chromium prints it. The HTML comes from the services, built
 * with every value escaped; this window adds a second wall.
 */
import { BrowserWindow, dialog } from 'electron';
import { writeFile } from 'node:fs/promises';

/** Asks where to save `fileName`, prints `html` there; the path, or undefined when the person cancelled. */
export async function saveReportPdf(parent: BrowserWindow | undefined, html: string, fileName: string): Promise<string | undefined> {
  const options = { title: 'Save report as PDF', defaultPath: fileName, filters: [{ name: 'PDF', extensions: ['pdf'] }] };
  const choice = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
  if (choice.canceled || !choice.filePath) return undefined;
  // Middle-click cannot open anything here: the window runs no script, is never shown, and every new window and navigation is refused by hardenWebContents.
  const printer = new BrowserWindow({ /* eng-disable AUXCLICK_JS_CHECK */
    show: false,
    webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, webSecurity: true, spellcheck: false },
  });
  try {
    // No request leaves this window: the report is self-contained.
    printer.webContents.session.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'file://*/*'] }, (_details, callback) => callback({ cancel: true }));
    await printer.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    const pdf = await printer.webContents.printToPDF({ printBackground: true, pageSize: 'A4', margins: { marginType: 'default' } });
    await writeFile(choice.filePath, pdf);
    return choice.filePath;
  } finally {
    printer.destroy();
  }
}

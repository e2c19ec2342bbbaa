import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { madeTempDir } from '../../test/support/tempDirs';

// The Electron runtime is not available under Node: a window that records how it was made and what it was asked.
type Handler = (details: { url: string }, callback: (r: { cancel: boolean }) => void) => void;
const state = vi.hoisted(() => ({
  savePath: '' as string | undefined,
  windows: [] as { options: { webPreferences: Record<string, unknown> }; destroyed: boolean; loaded: string[]; navigation: Map<string, (e: { preventDefault(): void }) => void> }[],
  load: (_url: string): Promise<void> => Promise.resolve(),
  print: (): Promise<Uint8Array> => Promise.resolve(new TextEncoder().encode('%PDF-1.7 new')),
  partitions: [] as string[],
  requestHandler: undefined as Handler | undefined,
  defaultSessionTouched: false,
  dialogShown: 0,
  dialogOptions: undefined as { properties?: string[] } | undefined,
}));

vi.mock('electron', () => {
  const isolatedSession = {
    webRequest: { onBeforeRequest: (fn: Handler) => (state.requestHandler = fn) },
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
  };
  class BrowserWindow {
    destroyed = false;
    loaded: string[] = [];
    navigation = new Map<string, (e: { preventDefault(): void }) => void>();
    webContents = {
      on: (event: string, fn: (e: { preventDefault(): void }) => void) => this.navigation.set(event, fn),
      printToPDF: () => state.print(),
      get session() {
        state.defaultSessionTouched = true;
        return { webRequest: { onBeforeRequest: () => undefined } };
      },
    };
    constructor(public options: { webPreferences: Record<string, unknown> }) {
      state.windows.push(this);
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return state.load(url);
    }
    destroy() {
      this.destroyed = true;
    }
  }
  return {
    BrowserWindow,
    dialog: {
      showSaveDialog: async (options: { properties?: string[] }) => {
        state.dialogShown++;
        state.dialogOptions = options;
        return state.savePath ? { canceled: false, filePath: state.savePath } : { canceled: true, filePath: '' };
      },
    },
    session: {
      fromPartition: (name: string) => {
        state.partitions.push(name);
        return isolatedSession;
      },
      get defaultSession() {
        state.defaultSessionTouched = true;
        return {};
      },
    },
  };
});

const { saveReportPdf, PDF_TIMEOUT_MS } = await import('./reportPdf');

const HTML = '<!doctype html><html><body><h1>Drill of team-a — passed</h1><p>&lt;script&gt;</p></body></html>';
let dir: string;

beforeEach(() => {
  dir = madeTempDir('ph-report-pdf-');
  state.savePath = join(dir, 'drill-team-a-2026-12-04.pdf');
  state.windows.length = 0;
  state.partitions.length = 0;
  state.load = () => Promise.resolve();
  state.print = () => Promise.resolve(new TextEncoder().encode('%PDF-1.7 new'));
  state.defaultSessionTouched = false;
  state.dialogShown = 0;
});

afterEach(() => vi.useRealTimers());

describe('saving a report as PDF', () => {
  it('prints in a window of its own session that runs no script and reaches nothing but the report, and leaves the main session alone', async () => {
    expect(await saveReportPdf(undefined, HTML, 'drill-team-a-2026-12-04.pdf')).toBe(state.savePath);
    expect(readFileSync(state.savePath!, 'utf8')).toBe('%PDF-1.7 new');
    // An existing file is never replaced without asking, on Linux too.
    expect(state.dialogOptions?.properties).toContain('showOverwriteConfirmation');
    const [win] = state.windows;
    expect(win.options.webPreferences).toMatchObject({ javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(win.options.webPreferences.session).toBeDefined();
    expect(state.partitions.every((p) => !p.startsWith('persist:'))).toBe(true);
    expect(state.defaultSessionTouched).toBe(false);
    // Every request is refused but the report's own data: URL, whatever its scheme: the app's own app:// too.
    const verdict = (url: string) => {
      let cancel: boolean | undefined;
      state.requestHandler!({ url }, (r) => (cancel = r.cancel));
      return cancel;
    };
    for (const url of ['https://evil.example/x.png', 'http://127.0.0.1:8080/', 'file:///etc/passwd', 'app://pilothouse/index.html', 'ws://localhost/', 'ftp://x/']) expect(verdict(url)).toBe(true);
    expect(verdict(win.loaded[0])).toBe(false);
    // A meta refresh or a followed link goes nowhere.
    const prevented = vi.fn();
    win.navigation.get('will-navigate')!({ preventDefault: prevented });
    win.navigation.get('will-redirect')!({ preventDefault: prevented });
    expect(prevented).toHaveBeenCalledTimes(2);
    // The report is loaded whole, as base64, so no character of it can end the URL early.
    const url = win.loaded[0];
    expect(url.startsWith('data:text/html;charset=utf-8;base64,')).toBe(true);
    expect(Buffer.from(url.split(',')[1], 'base64').toString('utf8')).toBe(HTML);
    expect(win.destroyed).toBe(true);
  });

  it('replaces the chosen file whole, and leaves it as it was (and no temporary file) when printing or writing fails', async () => {
    writeFileSync(state.savePath!, '%PDF-1.4 the old report');
    state.print = () => Promise.reject(new Error('printing failed'));
    await expect(saveReportPdf(undefined, HTML, 'r.pdf')).rejects.toThrow('printing failed');
    expect(readFileSync(state.savePath!, 'utf8')).toBe('%PDF-1.4 the old report');
    expect(state.windows.at(-1)!.destroyed).toBe(true);

    // The name taken by a folder: the rename fails, the temporary file goes.
    state.print = () => Promise.resolve(new TextEncoder().encode('%PDF-1.7 new'));
    state.savePath = join(dir, 'taken.pdf');
    mkdirSync(join(state.savePath, 'inside'), { recursive: true });
    await expect(saveReportPdf(undefined, HTML, 'r.pdf')).rejects.toThrow();
    expect(state.windows.at(-1)!.destroyed).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['drill-team-a-2026-12-04.pdf', 'taken.pdf']);

    state.savePath = join(dir, 'drill-team-a-2026-12-04.pdf');
    await saveReportPdf(undefined, HTML, 'r.pdf');
    expect(readFileSync(state.savePath, 'utf8')).toBe('%PDF-1.7 new');
    expect(readdirSync(dir).sort()).toEqual(['drill-team-a-2026-12-04.pdf', 'taken.pdf']);
  });

  it('replaces a link at the chosen name rather than writing through it into the file it points at', async () => {
    const elsewhere = join(madeTempDir('ph-report-pdf-other-'), 'notes.txt');
    writeFileSync(elsewhere, 'not a report');
    symlinkSync(elsewhere, state.savePath!);
    await saveReportPdf(undefined, HTML, 'r.pdf');
    expect(readFileSync(elsewhere, 'utf8')).toBe('not a report');
    expect(lstatSync(state.savePath!).isFile()).toBe(true);
    expect(readFileSync(state.savePath!, 'utf8')).toBe('%PDF-1.7 new');
  });

  it('gives up on a report that never lays out, and destroys its window', async () => {
    vi.useFakeTimers();
    state.load = () => new Promise(() => undefined);
    const saving = saveReportPdf(undefined, HTML, 'r.pdf');
    const failed = expect(saving).rejects.toThrow(/took over 60 s/);
    await vi.advanceTimersByTimeAsync(PDF_TIMEOUT_MS + 1);
    await failed;
    expect(state.windows[0].destroyed).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names a failed load by its code, never quoting the report', async () => {
    state.load = () => Promise.reject(Object.assign(new Error(`ERR_INVALID_URL (-300) loading 'data:text/html;base64,${'A'.repeat(5000)}'`), { code: 'ERR_INVALID_URL' }));
    await expect(saveReportPdf(undefined, HTML, 'r.pdf')).rejects.toThrow(/^the report could not be laid out \(ERR_INVALID_URL\)$/);
    expect(state.windows[0].destroyed).toBe(true);
  });

  it('refuses a report too large for Chromium to load before the person picks a file', async () => {
    const big = `<p>${'x'.repeat(1_600_000)}</p>`;
    await expect(saveReportPdf(undefined, big, 'r.pdf')).rejects.toThrow(/too large to print here .*export it as HTML/);
    expect(state.dialogShown).toBe(0);
    expect(state.windows).toEqual([]);
  });

  it('does nothing when the person cancels the dialog', async () => {
    state.savePath = undefined;
    expect(await saveReportPdf(undefined, HTML, 'r.pdf')).toBeUndefined();
    expect(state.windows).toEqual([]);
  });
});

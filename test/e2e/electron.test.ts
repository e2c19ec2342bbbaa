import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { _electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { madeTempDir } from '../support/tempDirs';

const root = resolve(import.meta.dirname, '../..');

/** The Electron binary, or why there is none (installs made with ELECTRON_SKIP_BINARY_DOWNLOAD=1 have none). */
function electronBinary(): { path?: string; why?: string } {
  try {
    return { path: createRequire(import.meta.url)('electron') as string };
  } catch (err) {
    return { why: `the Electron binary is not installed here (${(err as Error).message.split('\n')[0]})` };
  }
}

const electron = electronBinary();
const display = process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
const why = electron.why ?? (display ? undefined : 'no display (run under xvfb-run to include it)');
if (why) console.warn(`Electron smoke test not run: ${why}. Browser-mode end-to-end tests cover the UI; run this where Electron is installed.`);

describe('Electron smoke test', () => {
  it.skipIf(Boolean(why))('opens a sandboxed, isolated window that talks to the services only through the contract', async () => {
    const app = await _electron.launch({
      executablePath: electron.path!,
      args: [root, `--user-data-dir=${madeTempDir('ph-electron-')}`],
      env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
    });
    try {
      const page = await app.firstWindow();
      await page.waitForSelector('nav[aria-label="Main"]');
      expect(await page.title()).toBe('Pilothouse');
      expect(page.url()).toMatch(/^app:\/\/pilothouse\//);
      // No Node in the page, and only the contract bridge.
      expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      const info = await page.evaluate(() => (window as unknown as { pilothouse: { methods: Record<string, (p: unknown) => Promise<unknown>> } }).pilothouse.methods['app.info']({}));
      expect(info).toMatchObject({ ok: true, value: { mode: 'desktop' } });
      // Navigation away from the app is blocked. A listener added now runs after the app's own, so it sees the verdict.
      await app.evaluate(({ BrowserWindow }) => {
        const contents = BrowserWindow.getAllWindows()[0].webContents;
        (globalThis as { navigation?: Promise<unknown> }).navigation = new Promise((resolve) =>
          contents.once('will-navigate', (event) => resolve({ url: event.url, prevented: event.defaultPrevented })),
        );
      });
      await page.evaluate(() => (location.href = 'https://example.com/'));
      expect(await app.evaluate(() => (globalThis as { navigation?: Promise<unknown> }).navigation)).toEqual({ url: 'https://example.com/', prevented: true });
      expect(page.url()).toMatch(/^app:\/\/pilothouse\//);
    } finally {
      await app.close();
    }
  });
});

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { servicesWithCluster } from '../support/services';
import { madeTempDir } from '../support/tempDirs';

const root = resolve(import.meta.dirname, '../..');

/** A running browser-mode Pilothouse for tests and benchmarks. */
export interface RunningApp {
  /** The URL with the launch token, as printed. */
  url: string;
  dataDir: string;
  /** The HOME the server runs with, so ~/.kube and ~/.aws are the test's own. */
  home: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Builds the app if its sources changed since the last build. */
export function ensureBuilt(): void {
  const run = spawnSync(process.execPath, ['-e', "import('./scripts/lib/build.mjs').then((m) => m.ensureBuilt({ quiet: true }))"], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`electron-vite build failed:\n${run.stdout}${run.stderr}`);
}

/** Starts `out/main/server.js` on a free port with its own data dir and home; resolves once it prints its URL. */
export function startApp(options: { env?: Record<string, string>; dataDir?: string; home?: string } = {}): Promise<RunningApp> {
  const dataDir = options.dataDir ?? madeTempDir('ph-e2e-data-');
  const home = options.home ?? madeTempDir('ph-e2e-home-');
  const child = spawn(process.execPath, [join(root, 'out/main/server.js'), '--data-dir', dataDir, '--port', '0'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: home, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`browser mode did not start in 20 s:\n${out}`)), 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /running at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolvePromise({
        url: match[1],
        dataDir,
        home,
        process: child,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browser mode exited with ${code}:\n${out}`));
    });
  });
}

/** System Chromium: the only browser these machines can have. */
export const CHROMIUM = process.env.PILOTHOUSE_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep Chromium from reaching for the network or a GPU. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Fails with what to install when Chromium is missing. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run "apt-get install chromium" (or npm run testbed:prereqs). End-to-end tests do not skip.`);
}

/** Chooses a connection through the command palette, once the app has loaded its connections. */
export async function switchConnection(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  await page.keyboard.press('Control+k');
  await page.getByRole('combobox', { name: 'Search commands' }).fill(`Switch to ${name}`);
  // Connections load after the shell: wait until the palette offers this one.
  await page.getByRole('option', { name: `Switch to ${name}` }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** Pids of the children of `pid`, from /proc. */
export function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        // The field after the parenthesised command name: state, then the parent's pid.
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The pid of the app's services process (the server's one child). */
export function servicesPidOf(app: RunningApp): number {
  const [pid] = childrenOf(app.process.pid!);
  if (!pid) throw new Error('browser mode has no services process');
  return pid;
}

/**
 * A returning user: `kubeconfig`'s cluster already stored as the connection
 * `name`, browser mode started on that data, and Chromium showing it.
 * `beforeLoad` runs on the page before the app loads (init scripts).
 */
export async function openWithCluster(kubeconfig: string, name: string, beforeLoad?: (page: Page) => Promise<unknown>): Promise<{ app: RunningApp; browser: Browser; page: Page }> {
  const { services, dataDir } = await servicesWithCluster(kubeconfig, name);
  await services.close();
  const app = await startApp({ dataDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await beforeLoad?.(page);
  await page.goto(app.url);
  return { app, browser, page };
}

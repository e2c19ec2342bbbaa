/**
 * bench/startup: browser mode from process start to the Connections page being
 * interactive in Chromium (median of several runs), against a baseline measured
 * in the same run: a bare Node HTTP server process serving a one-line page to
 * the same Chromium. Also reports the renderer's JS bundle size.
 *
 * Run: npm run bench:startup [-- --runs 9]
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ensureBuilt, requireChromium, startApp } from '../test/e2e/app';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
const root = resolve(import.meta.dirname, '..');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

/** Bare baseline: spawn a Node HTTP server process and load its page. */
function startBaselineServer(): Promise<{ url: string; stop: () => void }> {
  const code = "const s=require('http').createServer((q,r)=>{r.setHeader('content-type','text/html');r.end('<button>ready</button>')});s.listen(0,'127.0.0.1',()=>console.log('http://127.0.0.1:'+s.address().port+'/'))";
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((done) => child.stdout.once('data', (d: Buffer) => done({ url: d.toString().trim(), stop: () => child.kill() })));
}

interface Bundle {
  files: number;
  raw: number;
  gzip: number;
}

/** The renderer's JS: what index.html loads at start, and what loads on demand (Monaco and its worker). */
function bundleSize(): { start: Bundle; lazy: Bundle } {
  const dir = join(root, 'out/renderer/assets');
  const html = readFileSync(join(root, 'out/renderer/index.html'), 'utf8');
  const sum = (files: string[]): Bundle => ({
    files: files.length,
    raw: files.reduce((n, f) => n + statSync(join(dir, f)).size, 0),
    gzip: files.reduce((n, f) => n + gzipSync(readFileSync(join(dir, f))).length, 0),
  });
  const all = readdirSync(dir).filter((f) => f.endsWith('.js'));
  const start = all.filter((f) => html.includes(`assets/${f}`));
  return { start: sum(start), lazy: sum(all.filter((f) => !start.includes(f))) };
}

async function main(): Promise<void> {
  requireChromium();
  ensureBuilt();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const app: number[] = [];
  const baseline: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      let started = performance.now();
      const base = await startBaselineServer();
      await page.goto(base.url);
      await page.getByRole('button', { name: 'ready' }).waitFor();
      baseline.push(performance.now() - started);
      base.stop();

      started = performance.now();
      const running = await startApp();
      await page.goto(running.url);
      // Interactive: the Connections page has rendered its empty state's import button.
      await page.getByRole('button', { name: /import kubeconfig/i }).first().waitFor({ state: 'visible' });
      app.push(performance.now() - started);
      await running.stop();
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const size = bundleSize();
  console.log(`bench/startup (${runs} runs, Chromium ${browser.version()})`);
  console.log(`  browser mode → Connections interactive: median ${fmt(median(app))} (min ${fmt(Math.min(...app))}, max ${fmt(Math.max(...app))}); target ≤ 1500 ms`);
  console.log(`  baseline (bare Node HTTP server → page):  median ${fmt(median(baseline))}`);
  console.log(`  ratio: ${(median(app) / median(baseline)).toFixed(2)}× baseline`);
  const kib = (b: Bundle) => `${b.files} file${b.files === 1 ? '' : 's'}, ${(b.raw / 1024).toFixed(1)} KiB raw, ${(b.gzip / 1024).toFixed(1)} KiB gzip`;
  console.log(`  renderer JS loaded at start: ${kib(size.start)}`);
  console.log(`  renderer JS loaded on demand (Monaco, its worker): ${kib(size.lazy)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

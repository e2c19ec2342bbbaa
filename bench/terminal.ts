/**
 * bench/terminal: the terminal in Chromium, browser mode, next to xterm.js
 * alone in the same page.
 *   - throughput: `cat` of a `--mb` MB log-like file (colours included) in a
 *     Pilothouse terminal, from Enter to the line after it painted (pty →
 *     pty host → services → WebSocket → xterm, every byte acknowledged),
 *     beside the same bytes (with the pty's CRLF) written straight into an
 *     xterm.js Terminal of the same size in the same page (target ≥ 0.5×);
 *   - keystroke echo during a flood: the left pane `cat`s a `--flood-mb` MB
 *     file while keys are typed into the right pane (running `cat`, so the
 *     tty echoes them); from the keydown to the echo painted, timed in the
 *     page, p50/p95 (target p95 ≤ 30 ms), beside the same with no flood and
 *     beside xterm.js alone echoing locally, quiet and during the same flood
 *     (the page's own floor).
 *
 * Run: npm run bench:terminal -- [--runs 3] [--mb 32] [--flood-mb 50] [--keys 40]
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ensureBuilt, startApp } from '../test/e2e/app';
import { madeTempDir } from '../test/support/tempDirs';
import { median, ms } from './largeCluster';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    mb: { type: 'string', default: '32' },
    'flood-mb': { type: 'string', default: '50' },
    keys: { type: 'string', default: '40' },
  },
});
const runs = Number(values.runs);
const require = createRequire(import.meta.url);

/** A log-like file of about `mb` MB: timestamps, levels in colour, paths, numbers. */
function logFile(dir: string, name: string, mb: number): { path: string; text: string } {
  const levels = ['\x1b[32mINFO\x1b[0m', '\x1b[33mWARN\x1b[0m', '\x1b[31mERROR\x1b[0m', '\x1b[36mDEBUG\x1b[0m'];
  const lines: string[] = [];
  let bytes = 0;
  for (let i = 0; bytes < mb * 1024 * 1024; i++) {
    const line = `2026-12-04T09:${String(i % 60).padStart(2, '0')}:00.${String(i % 1000).padStart(3, '0')}Z ${levels[i % 4]} trainer-${i % 8} step=${i} loss=${(1 / (i + 1)).toFixed(6)} path=/v1/models/ranker/predict latency_ms=${i % 977}`;
    lines.push(line);
    bytes += line.length + 1;
  }
  const text = lines.join('\n') + '\n';
  const path = join(dir, name);
  writeFileSync(path, text);
  return { path, text };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

/** Waits, in the page, until `selector`'s text shows `marker`; resolves with the ms from the call. */
function paintedWithin(page: Page, selector: string, marker: string, timeoutMs = 300_000): Promise<number> {
  return page.evaluate(
    ([sel, mark, timeout]) =>
      new Promise<number>((resolve, reject) => {
        const t0 = performance.now();
        const tick = () => {
          if (document.querySelector(sel as string)?.textContent?.includes(mark as string)) return resolve(performance.now() - t0);
          if (performance.now() - t0 > (timeout as number)) return reject(new Error(`${mark} not painted`));
          requestAnimationFrame(tick);
        };
        tick();
      }),
    [selector, marker, timeoutMs] as const,
  );
}

async function newTerminalIn(page: Page, pane: 'Terminal' | 'Left pane' | 'Right pane'): Promise<string> {
  await page.locator(`section[aria-label^="${pane}"]`).getByRole('button', { name: 'New terminal', exact: true }).click();
  const selector = `section[aria-label^="${pane}:"] .xterm-rows`;
  await page.locator(selector).waitFor();
  await page.waitForFunction((sel) => /[$#] $/.test(document.querySelector(sel)?.textContent?.trimEnd() + ' '), selector);
  return selector;
}

async function main(): Promise<void> {
  ensureBuilt();
  const dir = madeTempDir('ph-bench-terminal-');
  const data = logFile(dir, 'throughput.log', Number(values.mb));
  const flood = logFile(dir, 'flood.log', Number(values['flood-mb']));
  const app = await startApp({ env: { SHELL: '/bin/sh' } });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    // The baseline's script is injected into the app's page: its CSP allows only the app's own scripts.
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, bypassCSP: true });
    // tsx names the arrow functions handed to evaluate with a helper the page does not have.
    await context.addInitScript('window.__name = (f) => f');
    const page = await context.newPage();
    await page.goto(app.url);
    await page.evaluate(() => (location.hash = '#/terminal'));
    const rows = await newTerminalIn(page, 'Terminal');

    // xterm.js alone, the same size as the app's terminal, over it.
    await page.addScriptTag({ path: require.resolve('@xterm/xterm/lib/xterm.js') });
    await page.addScriptTag({ path: require.resolve('@xterm/addon-fit/lib/addon-fit.js') });
    const box = (await page.locator('section[aria-label^="Terminal:"] .xterm').boundingBox())!;
    const crlf = data.text.replace(/\n/g, '\r\n');
    const chunks: string[] = [];
    for (let i = 0; i < crlf.length; i += 64 * 1024) chunks.push(crlf.slice(i, i + 64 * 1024));
    await page.evaluate(
      ([b, parts]) => {
        const host = document.createElement('div');
        host.id = 'bench-xterm';
        Object.assign(host.style, { position: 'fixed', left: `${b.x}px`, top: `${b.y}px`, width: `${b.width}px`, height: `${b.height}px`, zIndex: '9999', background: '#fff', visibility: 'hidden' });
        document.body.append(host);
        const w = window as unknown as { Terminal: new (o: object) => { open(e: Element): void; write(d: string, cb?: () => void): void; reset(): void; loadAddon(a: unknown): void }; FitAddon: { FitAddon: new () => { fit(): void } } };
        const term = new w.Terminal({ fontSize: 13, scrollback: 5000, fontFamily: getComputedStyle(document.querySelector('.xterm-rows')!).fontFamily });
        const fit = new w.FitAddon.FitAddon();
        term.loadAddon(fit);
        term.open(host);
        fit.fit();
        Object.assign(window, { benchTerm: term, benchChunks: parts });
      },
      [box, chunks] as const,
    );

    const ours: number[] = [];
    const alone: number[] = [];
    for (let run = 0; run < runs; run++) {
      const marker = `DONE-${run}-${40 + run}`;
      await page.keyboard.type(`clear; cat ${data.path}; echo DONE-${run}-$((40+${run}))`);
      const painted = paintedWithin(page, rows, marker);
      await page.keyboard.press('Enter');
      ours.push(await painted);

      await page.evaluate(() => {
        document.getElementById('bench-xterm')!.style.visibility = 'visible';
      });
      alone.push(
        await page.evaluate(
          (mark) =>
            new Promise<number>((resolve) => {
              const w = window as unknown as { benchTerm: { write(d: string, cb?: () => void): void; reset(): void }; benchChunks: string[] };
              w.benchTerm.reset();
              const t0 = performance.now();
              for (const part of w.benchChunks) w.benchTerm.write(part);
              w.benchTerm.write(`${mark}\r\n`, () => {
                const tick = () => (document.getElementById('bench-xterm')!.textContent!.includes(mark) ? resolve(performance.now() - t0) : requestAnimationFrame(tick));
                tick();
              });
            }),
          marker,
        ),
      );
      await page.evaluate(() => {
        document.getElementById('bench-xterm')!.style.visibility = 'hidden';
      });
    }
    const mb = data.text.length / 1024 / 1024;
    const rate = (t: number) => `${(mb / (t / 1000)).toFixed(1)} MB/s`;
    console.log(`\nthroughput, cat of ${mb.toFixed(1)} MB (${runs} runs, median):`);
    console.log(`  Pilothouse terminal (pty → xterm): ${ms(median(ours))}  ${rate(median(ours))}   runs: ${ours.map(ms).join(', ')}`);
    console.log(`  xterm.js alone, same page:         ${ms(median(alone))}  ${rate(median(alone))}   runs: ${alone.map(ms).join(', ')}`);
    console.log(`  ratio: ${(median(alone) / median(ours)).toFixed(2)}× of xterm alone (target ≥ 0.5×)`);

    // Echo: right pane runs cat (the tty echoes each key); the left pane floods.
    await page.getByRole('button', { name: 'Split', exact: true }).click();
    const rightRows = await newTerminalIn(page, 'Right pane');
    const left = `section[aria-label^="Left pane:"] .xterm-rows`;
    await page.locator(`section[aria-label^="Right pane:"] .xterm`).click();
    await page.keyboard.type('clear; cat\n');
    /**
     * Each key's echo, timed in the page: from the keydown (captured before
     * xterm sees it) to the first change of the terminal's rows that shows
     * one more character, which happens when the frame is painted.
     */
    const echo = async (keys: number, right = rightRows): Promise<number[]> => {
      await page.evaluate((sel) => {
        const w = window as unknown as { echoTimes: number[]; echoStop?: () => void };
        w.echoStop?.();
        w.echoTimes = [];
        const rowsEl = document.querySelector(sel)!;
        const shown = () => rowsEl.textContent!.trimEnd().length;
        let typedAt = 0;
        let before = shown();
        const onKey = () => {
          typedAt = performance.now();
          before = shown();
        };
        document.addEventListener('keydown', onKey, true);
        const observer = new MutationObserver(() => {
          if (typedAt && shown() > before) {
            w.echoTimes.push(performance.now() - typedAt);
            typedAt = 0;
          }
        });
        observer.observe(rowsEl, { subtree: true, childList: true, characterData: true });
        w.echoStop = () => {
          document.removeEventListener('keydown', onKey, true);
          observer.disconnect();
        };
      }, right);
      for (let i = 0; i < keys; i++) {
        await page.keyboard.type(String.fromCharCode(97 + (i % 26)));
        // One key at a time: the next goes once this one's echo is painted (or after 5 s, and is then missing).
        await page.waitForFunction((n) => (window as unknown as { echoTimes: number[] }).echoTimes.length > n, i, { timeout: 5_000 }).catch(() => undefined);
        await page.waitForTimeout(20);
        if (i % 20 === 19) {
          await page.keyboard.press('Enter');
          await page.waitForTimeout(100);
        }
      }
      const times = await page.evaluate(() => {
        const w = window as unknown as { echoTimes: number[]; echoStop?: () => void };
        w.echoStop?.();
        return w.echoTimes;
      });
      if (times.length < keys * 0.9) throw new Error(`only ${times.length} of ${keys} keys were seen echoed`);
      return times;
    };
    const quiet = await echo(Number(values.keys));
    // What measuring costs: xterm.js alone echoing each key itself (no shell, no services), typed and read the same way.
    await page.evaluate(() => {
      const host = document.getElementById('bench-xterm')!;
      host.style.visibility = 'visible';
      const term = (window as unknown as { benchTerm: { reset(): void; focus(): void; onData(f: (d: string) => void): void; write(d: string): void } }).benchTerm;
      term.reset();
      term.onData((d) => term.write(d === '\r' ? '\r\n' : d));
      term.focus();
    });
    const local = await echo(Number(values.keys), '#bench-xterm .xterm-rows');
    await page.evaluate(() => {
      document.getElementById('bench-xterm')!.style.visibility = 'hidden';
    });
    await page.locator(`section[aria-label^="Left pane:"] .xterm`).click();
    await page.keyboard.type(`clear; cat ${flood.path}; echo FLOOD-$((1+1))`);
    const floodDone = paintedWithin(page, left, 'FLOOD-2');
    floodDone.catch(() => undefined);
    await page.keyboard.press('Enter');
    await page.locator(`section[aria-label^="Right pane:"] .xterm`).click();
    const flooded = await echo(Number(values.keys));
    // The same floor while the flood goes on: how long the busy page itself takes to take a key and paint it.
    await page.evaluate(() => {
      document.getElementById('bench-xterm')!.style.visibility = 'visible';
      (window as unknown as { benchTerm: { focus(): void } }).benchTerm.focus();
    });
    const localFlooded = await echo(Number(values.keys), '#bench-xterm .xterm-rows');
    const floodMs = await floodDone;
    console.log(`\nkeystroke echo in the right pane (${values.keys} keys):`);
    console.log(`  xterm.js alone, echoing locally:      p50 ${ms(median(local))}  p95 ${ms(pct(local, 95))}  (the page's own floor)`);
    console.log(`  quiet:                                p50 ${ms(median(quiet))}  p95 ${ms(pct(quiet, 95))}`);
    console.log(`  during ${values['flood-mb']} MB cat in the left pane:  p50 ${ms(median(flooded))}  p95 ${ms(pct(flooded, 95))}  (target p95 ≤ 30 ms)`);
    console.log(`  xterm.js alone, local, same flood:    p50 ${ms(median(localFlooded))}  p95 ${ms(pct(localFlooded, 95))}  (the busy page's own floor; the flood took ${ms(floodMs)})`);
  } catch (err) {
    const shot = join(tmpdir(), 'pilothouse-bench-terminal-failed.png');
    await browser.contexts()[0]?.pages()[0]?.screenshot({ path: shot }).catch(() => undefined);
    console.error(`screenshot of the failure: ${shot}`);
    throw err;
  } finally {
    await browser.close();
    await app.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

/**
 * Terminals and runbooks, end to end in Chromium (browser mode) against the
 * test bed: a terminal bound to the primary cluster runs kubectl; 50 MB of
 * output floods it while a command is typed, and the page keeps painting;
 * a reload reattaches with the recent output; runbooks imported from a folder
 * are found by search and a code block runs in a terminal.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { madeTempDir } from '../support/tempDirs';
import { openWithCluster, switchConnection, type RunningApp } from './app';

const bed = inject('testbed');
let app: RunningApp;
let browser: Browser;
let page: Page;
const dir = madeTempDir('ph-e2e-terminal-');
const FLOOD = join(dir, 'flood.log');

beforeAll(async () => {
  // 50 MB of log lines, some in colour.
  const line = (i: number) => `2026-12-04T09:00:00Z \x1b[32mINFO\x1b[0m trainer-${i % 8} step=${i} loss=0.${String(i).padStart(6, '0')} path=/v1/models/ranker/predict`;
  const lines: string[] = [];
  let bytes = 0;
  for (let i = 0; bytes < 50 * 1024 * 1024; i++) {
    const l = line(i);
    lines.push(l);
    bytes += l.length + 1;
  }
  writeFileSync(FLOOD, lines.join('\n') + '\n');
  ({ app, browser, page } = await openWithCluster(bed.clusters.primary.kubeconfigs.admin, 'primary'));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const nav = () => page.getByRole('navigation', { name: 'Main' });
const rows = () => page.locator('section[aria-label^="Terminal:"] .xterm-rows');
/** Types into the focused terminal as a person would. */
const type = (text: string) => page.keyboard.type(text);

describe('a terminal, end to end in Chromium', () => {
  it('opens bound to the selected connection and runs kubectl against its cluster', async () => {
    await switchConnection(page, 'primary');
    await nav().getByRole('link', { name: 'Terminal' }).click();
    await page.getByRole('button', { name: 'New terminal', exact: true }).click();
    await rows().waitFor();
    // The tab names the connection the shell is bound to.
    await expect.poll(() => page.getByRole('tab').first().textContent()).toContain('primary');
    await page.locator('section[aria-label^="Terminal:"] .xterm').click();
    await type(`"${bed.kubectl}" get nodes -o name\n`);
    await expect.poll(() => rows().textContent(), { timeout: 30_000 }).toContain('node/gpu-h200-0');
  });

  it('stays responsive through a 50 MB flood, and runs what was typed during it', async () => {
    await type('clear\n');
    // The page's longest gap between two painted frames while the flood runs.
    await page.evaluate(() => {
      const w = window as unknown as { maxFrameGap: number; watching: boolean };
      w.maxFrameGap = 0;
      w.watching = true;
      let last = performance.now();
      const tick = (now: number) => {
        w.maxFrameGap = Math.max(w.maxFrameGap, now - last);
        last = now;
        if (w.watching) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await type(`cat ${FLOOD}\n`);
    // Typed while cat floods the screen: the shell reads it when cat is done.
    await page.waitForTimeout(300);
    await type('echo "typed-during-flood-$((2+3))"\n');
    await expect.poll(() => rows().textContent(), { timeout: 180_000, interval: 500 }).toContain('typed-during-flood-5');
    const gap = await page.evaluate(() => {
      const w = window as unknown as { maxFrameGap: number; watching: boolean };
      w.watching = false;
      return w.maxFrameGap;
    });
    // Never frozen: frames kept coming (a generous bound for a 2-core machine running the whole bed).
    expect(gap).toBeLessThan(1_000);
  });

  it('reattaches after a reload with its recent output, and the shell goes on', async () => {
    await type('echo "before-reload-$((40+2))"\n');
    await expect.poll(() => rows().textContent()).toContain('before-reload-42');
    await page.reload();
    await expect.poll(() => rows().textContent(), { timeout: 30_000 }).toContain('before-reload-42');
    await page.locator('section[aria-label^="Terminal:"] .xterm').click();
    await type('echo "after-reload-$((40+3))"\n');
    await expect.poll(() => rows().textContent(), { timeout: 30_000 }).toContain('after-reload-43');
  });
});

describe('runbooks, end to end in Chromium', () => {
  it('imports a folder, finds a runbook by search, and runs its code block in a terminal bound to the connection', async () => {
    const folder = join(dir, 'runbooks');
    mkdirSync(join(folder, 'serving'), { recursive: true });
    writeFileSync(
      join(folder, 'serving', 'zebra-restart.md'),
      ['---', 'title: Restart the zebra ranker', 'tags: [serving, zebra]', 'resources: [deployment/zebra-ranker]', 'severity: medium', '---', '', '# Restart the zebra ranker', '', 'Check the nodes first:', '', '```bash', 'echo "runbook-ran-$((20+22))"', '```', '', '- [ ] nodes checked', ''].join('\n'),
    );
    writeFileSync(join(folder, 'other.md'), '# Unrelated\n\nNothing about the striped animal here.\n');

    await nav().getByRole('link', { name: 'Runbooks' }).click();
    await page.getByRole('button', { name: 'Import folder…' }).first().click();
    const dialog = page.getByRole('dialog', { name: /Import/ });
    await dialog.getByLabel('Folder (full path)').fill(folder);
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(() => dialog.textContent(), { timeout: 30_000 }).toMatch(/2 (runbooks )?imported|imported 2|2 new/i);
    await page.keyboard.press('Escape');

    await page.getByRole('searchbox').or(page.getByLabel('Search')).first().fill('zebra');
    const hit = page.getByRole('listbox', { name: 'Runbooks' }).getByRole('option').first();
    await expect.poll(() => hit.textContent(), { timeout: 10_000 }).toContain('Restart the zebra ranker');
    expect(await hit.locator('mark').first().textContent()).toMatch(/zebra/i);
    await hit.click();

    await page.getByRole('button', { name: 'Run in terminal…' }).first().click();
    const run = page.getByRole('dialog', { name: 'Run in terminal' });
    expect(await run.getByLabel('Command').textContent()).toContain('runbook-ran-');
    await run.getByRole('button', { name: 'Run', exact: true }).click();

    // The Terminal page shows the new terminal, bound to primary, and the command ran in it.
    await expect.poll(() => page.url()).toContain('#/terminal');
    await expect.poll(() => page.locator('.xterm-rows').last().textContent(), { timeout: 30_000 }).toContain('runbook-ran-42');
    expect(await page.getByRole('tab', { selected: true }).textContent()).toContain('primary');

    await nav().getByRole('link', { name: 'Audit' }).click();
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'terminal.run' }).count(), { timeout: 10_000 }).toBe(1);
  });
});

/**
 * A hung apiserver (SIGSTOP: connections stay open, nothing answers) under an
 * open table, in Chromium: the table keeps its rows and says since when they
 * are stale, the header's badge and a banner say the server is not
 * answering, and all of it clears once the server answers again. The
 * secondary cluster takes the fault, as in the integration tests; the e2e
 * project runs after them (vitest.config.ts), so nothing else uses it then.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pauseApiserver, resumeApiserver } from '../testbed';
import { openWithCluster, switchConnection, type RunningApp } from './app';

const bed = inject('testbed');
const secondary = bed.clusters.secondary;
let app: RunningApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ app, browser, page } = await openWithCluster(secondary.kubeconfigs.admin, 'secondary'));
});

afterAll(async () => {
  await resumeApiserver(secondary);
  await browser?.close();
  await app?.stop();
});

describe('a hung apiserver, end to end in Chromium', () => {
  it('marks the open table stale with its rows kept, shows the banner and badge, and clears them when the server answers', { timeout: 180_000 }, async () => {
    await switchConnection(page, 'secondary');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
    await page.getByRole('navigation', { name: 'Resources' }).getByRole('button', { name: 'Namespaces', exact: true }).click();
    const status = page.getByRole('status').first();
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/[\d,]+ namespaces · live/);
    const rows = await page.getByRole('grid', { name: 'Namespaces' }).getByRole('row').count();
    const header = page.locator('.page-header h2');

    await pauseApiserver(secondary);
    try {
      // The pulse's deadline: 15 s of silence, then 5 s for /version.
      await expect.poll(() => status.textContent(), { timeout: 40_000 }).toMatch(/namespaces · stale since \d{1,2}:\d{2}:\d{2}.* · reconnecting( in \d+ s|…)/);
      await expect(page.getByRole('alert').filter({ hasText: 'No answer from the API server since' }).textContent()).resolves.toMatch(/marked stale; trying again/);
      await expect.poll(() => header.locator('.badge').textContent(), { timeout: 10_000 }).toBe('unreachable');
      expect(await page.getByRole('grid', { name: 'Namespaces' }).getByRole('row').count()).toBe(rows);
    } finally {
      await resumeApiserver(secondary);
    }
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toMatch(/[\d,]+ namespaces · live$/);
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'No answer from the API server' }).count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => header.locator('.badge').textContent()).toBe('ok');
  });
});

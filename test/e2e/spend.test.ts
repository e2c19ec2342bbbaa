/**
 * The Spend page end to end in Chromium (browser mode) against the bed's
 * moto: it shows the seeded Cost Explorer costs, and a reload within the
 * cache's lifetime sends Cost Explorer nothing (counted at moto).
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultCostAndUsageResults, resetMoto, seedCostExplorer } from '../testbed';
import { contractClient } from '../support/contract';
import { servicesWithCluster } from '../support/services';
import { CHROMIUM, CHROMIUM_ARGS, startApp, type RunningApp } from './app';

const bed = inject('testbed');
const moto = bed.moto;
let app: RunningApp;
let browser: Browser;
let page: Page;

/** GetCostAndUsage requests moto has received since its recorder was (re)started. */
async function costRequestsAtMoto(): Promise<number> {
  const res = await fetch(`${moto.endpoint}/moto-api/recorder/download-recording`);
  if (!res.ok) throw new Error(`moto recorder download: HTTP ${res.status}`);
  return (await res.text())
    .split('\n')
    .filter((l) => l.trim())
    .filter((l) => {
      const headers = (JSON.parse(l) as { headers: Record<string, string> }).headers;
      return Object.entries(headers).some(([k, v]) => k.toLowerCase() === 'x-amz-target' && v.endsWith('.GetCostAndUsage'));
    }).length;
}

beforeAll(async () => {
  await resetMoto(moto);
  const today = new Date(new Date().toISOString().slice(0, 10));
  const [byService] = defaultCostAndUsageResults({ end: today });
  await seedCostExplorer(moto, [byService]);
  for (const step of ['stop-recording', 'reset-recording', 'start-recording']) {
    const res = await fetch(`${moto.endpoint}/moto-api/recorder/${step}`, { method: 'POST' });
    if (!res.ok) throw new Error(`moto recorder ${step}: HTTP ${res.status}`);
  }
  // A returning user: the primary cluster and an AWS account (moto) already stored.
  const { services, dataDir } = await servicesWithCluster(bed.clusters.primary.kubeconfigs.admin, 'primary');
  await contractClient(() => services, { actor: 'e2e', session: 'setup' }).call('connections.addAwsKeys', {
    name: 'billing',
    accessKeyId: 'AKIAPILOTHOUSEE2E001',
    secretAccessKey: 'pilothouse-e2e-secret-key-000001',
    region: 'us-east-1',
    endpointUrl: moto.endpoint,
    onConflict: 'replace',
  });
  await services.close();
  app = await startApp({ dataDir });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(app.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const nav = () => page.getByRole('navigation', { name: 'Main' });

describe('the Spend page, end to end in Chromium', () => {
  it('shows the seeded costs, and a reload within the cache’s lifetime asks Cost Explorer nothing', async () => {
    await nav().getByRole('link', { name: 'Spend', exact: true }).click();
    const table = page.locator('table.spend-table');
    await expect.poll(() => table.textContent(), { timeout: 30_000 }).toContain('Amazon Elastic Compute Cloud');
    const sent = await costRequestsAtMoto();
    expect(sent).toBeGreaterThan(0);
    await page.reload();
    await nav().getByRole('link', { name: 'Spend', exact: true }).click();
    await expect.poll(() => table.textContent(), { timeout: 30_000 }).toContain('Amazon Elastic Compute Cloud');
    await expect.poll(() => page.locator('.spend-cached').count()).toBeGreaterThan(0);
    expect(await costRequestsAtMoto()).toBe(sent);
  });
});

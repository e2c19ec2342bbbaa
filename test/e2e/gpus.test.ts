/**
 * The GPUs page end to end in Chromium against the bed's primary cluster and
 * its Prometheus (25 h of dcgm-exporter series): the inventory with the free
 * GPUs first, a real uPlot chart under the app's Content-Security-Policy with
 * Save PNG, the heatmap of all 32 GPUs, and the idle notebook's GPUs with a
 * CSV export.
 */
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { contractClient } from '../support/contract';
import { servicesWithCluster } from '../support/services';
import { CHROMIUM, CHROMIUM_ARGS, startApp, switchConnection, type RunningApp } from './app';

const bed = inject('testbed');
const primary = bed.clusters.primary;
let app: RunningApp;
let browser: Browser;
let page: Page;
/** Uncaught errors, and what the CSP refused: a chart blocked by the policy or a chunk that failed to load shows here. */
const pageErrors: string[] = [];

beforeAll(async () => {
  const { services, dataDir, connectionId } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary');
  const api = contractClient(() => services, { actor: 'e2e@bed', session: 'gpus' });
  await api.call('connections.addPrometheus', { name: 'bed-prometheus', url: bed.prometheus.url, auth: 'none', clusterConnectionId: connectionId });
  await services.close();
  app = await startApp({ dataDir });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && /Content Security Policy|Refused to|uplot|dynamically imported module/i.test(m.text()) && pageErrors.push(m.text()));
  await page.goto(app.url);
  await switchConnection(page, 'primary');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'GPUs' }).click();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('The GPUs page, end to end in Chromium', () => {
  it('lists the four GPU nodes with the most free GPUs first', async () => {
    await page.getByRole('tab', { name: /Inventory/ }).click();
    const nodes = page.getByRole('grid', { name: 'GPU nodes of primary' });
    await nodes.getByText('gpu-h200-3').waitFor({ timeout: 30_000 });
    expect(await page.getByText(/4 GPU nodes: 32 GPUs, 32 allocatable/).count()).toBe(1);
    // Node, Pool, Instance type, Product, Memory, Capacity, Allocatable, Requested, Free, MIG.
    const free = await nodes.locator('.vt-body [role="row"]').evaluateAll((rows) => rows.map((r) => Number(r.querySelectorAll('[role="gridcell"]')[8]?.textContent)));
    expect(free).toHaveLength(4);
    expect(free[0]).toBe(Math.max(...free));
    expect(await page.getByRole('grid', { name: 'Pods holding GPUs on primary' }).getByRole('button', { name: 'team-a/research-notebook-0' }).count()).toBe(1);
  });

  it('draws utilisation per node with uPlot and saves it as PNG', async () => {
    await page.getByRole('tab', { name: /Utilisation/ }).click();
    await page.getByRole('button', { name: '24 h', exact: true }).click();
    const chart = page.getByRole('figure', { name: 'GPU utilisation per node' });
    await chart.locator('.ts-chart-plot canvas').waitFor({ timeout: 30_000 });
    expect(await chart.locator('.ts-chart-legend li').count()).toBeGreaterThanOrEqual(4);
    expect(await chart.locator('.ts-chart-legend').textContent()).toContain('gpu-h200-');
    const [download] = await Promise.all([page.waitForEvent('download'), chart.getByRole('button', { name: 'Save GPU utilisation per node as PNG' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^GPU-utilisation-per-node-[\d-]+\.png$/);
    const png = readFileSync((await download.path())!);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('shows every GPU in the heatmap', async () => {
    await page.getByRole('tab', { name: /Heatmap/ }).click();
    await page.getByRole('img', { name: /GPU utilisation, every GPU: GPU utilisation of 32 rows/ }).waitFor({ timeout: 30_000 });
  });

  it('finds the idle notebook’s GPUs with their cost and exports them as CSV', async () => {
    await page.getByRole('tab', { name: /Idle/ }).click();
    const idle = page.getByRole('grid', { name: 'Idle GPUs on primary' });
    await idle.getByRole('button', { name: 'team-a/research-notebook-0' }).first().waitFor({ timeout: 30_000 });
    expect(await idle.getByRole('button', { name: 'team-a/research-notebook-0' }).count()).toBe(4);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export Idle GPUs on primary as CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('\uFEFFGPU,Pod,Owner,Team,Instance type,Avg util.,$/hour,Priced as,Cost over window');
    expect(csv).toContain('team-a/research-notebook-0');
  });

  it('met no uncaught error and no CSP refusal on the way', () => {
    expect(pageErrors).toEqual([]);
  });
});

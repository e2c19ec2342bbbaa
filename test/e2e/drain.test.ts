/**
 * Draining a node from the UI, end to end in Chromium against the bed's
 * primary cluster: the Nodes table, the node's Drain dialog, the task in the
 * tray, and the pods seen moving in the Pods table. The Deployment's pods
 * may only run on nodes carrying this run's label: first only the drained
 * node, then one other node too, so the replacements have one place to go.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KWOK_TOLERATION } from '../testbed';
import { until } from '../support/contract';
import { madeTempDir } from '../support/tempDirs';
import { openWithCluster, switchConnection, type RunningApp } from './app';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);
const RUN = Date.now().toString(36);
const NS = `e2e-drain-${RUN}`;
/** The seeded node nothing is pinned to. */
const NODE = 'gpu-h200-3';
const OTHER = 'cpu-2';
const LABEL = `pilothouse.test/e2e-drain-${RUN}`;
let app: RunningApp;
let browser: Browser;
let page: Page;

const kubectl = async (...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;

/** Node of each of the Deployment's pods still running (not being deleted). */
async function podNodes(): Promise<string[]> {
  const pods = JSON.parse(await kubectl('get', 'pods', '-n', NS, '-l', 'app=web', '-o', 'json')) as { items: { metadata: { deletionTimestamp?: string }; spec: { nodeName?: string }; status: { phase: string } }[] };
  return pods.items.filter((p) => !p.metadata.deletionTimestamp && p.status.phase === 'Running').map((p) => p.spec.nodeName ?? '');
}

beforeAll(async () => {
  await kubectl('create', 'namespace', NS);
  await kubectl('label', 'node', NODE, `${LABEL}=yes`);
  const manifest = join(madeTempDir('ph-e2e-drain-'), 'web.json');
  writeFileSync(
    manifest,
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: NS },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { nodeSelector: { [LABEL]: 'yes' }, tolerations: [KWOK_TOLERATION], containers: [{ name: 'web', image: 'nginx' }] },
        },
      },
    }),
  );
  await kubectl('apply', '-f', manifest);
  await until('both pods running on the node to drain', async () => (await podNodes()).join() === `${NODE},${NODE}`, 60_000, 500);
  // Now the replacements have somewhere to go.
  await kubectl('label', 'node', OTHER, `${LABEL}=yes`);
  ({ app, browser, page } = await openWithCluster(primary.kubeconfigs.admin, 'primary'));
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await kubectl('uncordon', NODE).catch(() => undefined);
  for (const node of [NODE, OTHER]) await kubectl('label', 'node', node, `${LABEL}-`).catch(() => undefined);
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('Draining a node, end to end in Chromium', () => {
  it('drains the node from its detail pane, the task succeeds, and its pods are seen running elsewhere', async () => {
    await switchConnection(page, 'primary');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
    const resources = page.getByRole('navigation', { name: 'Resources' });
    await resources.getByRole('button', { name: 'Nodes', exact: true }).click();
    const nodes = page.getByRole('grid', { name: 'Nodes' });
    await nodes.getByText(NODE, { exact: true }).click();
    await page.keyboard.press('Enter');
    const details = page.getByRole('complementary', { name: 'node details' });
    await details.getByRole('button', { name: /^Drain/ }).click();

    const dialog = page.getByRole('dialog', { name: `Drain node ${NODE}` });
    // Leftovers of other tests on the node must not hold this drain back.
    await dialog.getByLabel(/^Delete emptyDir data/).check();
    await dialog.getByLabel(/^Force/).check();
    await expect.poll(() => dialog.textContent(), { timeout: 15_000 }).toMatch(/pods? to evict/);
    await dialog.getByRole('button', { name: 'Drain', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 15_000 });

    // The task, in the tray, runs to its end.
    await page.getByRole('button', { name: /^Tasks/ }).click();
    const tray = page.getByRole('group', { name: 'Tasks' });
    await expect.poll(() => tray.textContent(), { timeout: 60_000 }).toMatch(new RegExp(`Drain node ${NODE}[\\s\\S]*Succeeded`));
    await page.keyboard.press('Escape');

    // The drain ends once its pods are gone; their replacements are scheduled and started just after.
    await expect.poll(podNodes, { timeout: 30_000 }).toEqual([OTHER, OTHER]);
    expect(JSON.parse(await kubectl('get', 'node', NODE, '-o', 'json')).spec.unschedulable).toBe(true);

    // The Pods table shows them on the other node.
    await resources.getByRole('button', { name: 'Pods', exact: true }).click();
    await page.keyboard.press('/');
    await page.getByLabel('Filter').fill(NS);
    const pods = page.getByRole('grid', { name: 'Pods' });
    await expect.poll(() => pods.getByRole('row').filter({ hasText: OTHER }).count(), { timeout: 20_000 }).toBe(2);
    expect(await pods.getByRole('row').filter({ hasText: NODE }).count()).toBe(0);
  });
});

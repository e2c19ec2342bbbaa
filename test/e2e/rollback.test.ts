/**
 * Rolling a Deployment back from the UI, end to end in Chromium against the
 * bed's primary cluster: the History tab, the confirmation, the task in the
 * tray running to its verdict, and the undo from the audit page.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { until } from '../support/contract';
import { madeTempDir } from '../support/tempDirs';
import { KWOK_TOLERATION } from '../testbed';
import { openWithCluster, switchConnection, type RunningApp } from './app';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);
const NS = `e2e-rollback-${Date.now().toString(36)}`;
let app: RunningApp;
let browser: Browser;
let page: Page;

const kubectl = async (...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;
const image = () => kubectl('get', 'deployment', 'ranker', '-n', NS, '-o', 'jsonpath={.spec.template.spec.containers[0].image}');
const revisions = async () => (await kubectl('rollout', 'history', 'deployment/ranker', '-n', NS)).split('\n').filter((l) => /^\d+\s/.test(l.trim())).length;

beforeAll(async () => {
  await kubectl('create', 'namespace', NS);
  const manifest = join(madeTempDir('ph-e2e-rollback-'), 'ranker.json');
  writeFileSync(
    manifest,
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ranker', namespace: NS },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'ranker' } },
        template: { metadata: { labels: { app: 'ranker' } }, spec: { tolerations: [KWOK_TOLERATION], containers: [{ name: 'ranker', image: 'registry.k8s.io/pause:3.9' }] } },
      },
    }),
  );
  await kubectl('apply', '-f', manifest);
  await until('revision 1', async () => (await revisions()) === 1, 60_000, 250);
  await kubectl('set', 'image', 'deployment/ranker', 'ranker=registry.k8s.io/pause:3.10', '-n', NS);
  await kubectl('rollout', 'status', 'deployment/ranker', '-n', NS, '--timeout=60s');
  ({ app, browser, page } = await openWithCluster(primary.kubeconfigs.admin, 'primary'));
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('Rolling back a Deployment, end to end in Chromium', () => {
  it('rolls back from History, the task completes with the rollout, and the audit page undoes it', async () => {
    await switchConnection(page, 'primary');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
    await page.getByRole('navigation', { name: 'Resources' }).getByRole('button', { name: 'Deployments', exact: true }).click();
    const grid = page.getByRole('grid', { name: 'Deployments' });
    await page.keyboard.press('/');
    await page.getByLabel('Filter').fill(NS);
    await grid.getByText('ranker', { exact: true }).click();
    await page.keyboard.press('Enter');
    const details = page.getByRole('complementary', { name: 'deployment details' });
    await details.getByRole('tab', { name: /History/ }).click();
    const revisionsTable = details.getByRole('table', { name: 'Revisions' });
    await revisionsTable.getByRole('button', { name: 'Roll back to 1' }).click();

    const dialog = page.getByRole('dialog', { name: 'Roll back deployment ranker' });
    await expect.poll(() => dialog.textContent(), { timeout: 15_000 }).toContain('revision 1: ranker=registry.k8s.io/pause:3.9');
    // Shown before the click: the pod templates' diff and the server-side dry run, which enables Roll back once it passed.
    await dialog.getByText('Server-side dry run passed: the cluster accepts the rollback.').waitFor({ timeout: 15_000 });
    expect(await dialog.getByRole('figure', { name: 'Changes from revision 2 (runs now) to revision 1' }).textContent()).toContain('registry.k8s.io/pause:3.9');
    await dialog.getByRole('button', { name: 'Roll back to revision 1' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 15_000 });

    // The tray shows the task through to its verdict, which holds: kubectl agrees.
    await page.getByRole('button', { name: /^Tasks/ }).click();
    const tray = page.getByRole('group', { name: 'Tasks' });
    await expect.poll(() => tray.textContent(), { timeout: 60_000 }).toMatch(/Roll back deployment ranker to revision 1[\s\S]*Succeeded/);
    await page.keyboard.press('Escape');
    expect(await image()).toBe('registry.k8s.io/pause:3.9');
    expect(await kubectl('rollout', 'status', 'deployment/ranker', '-n', NS, '--timeout=1s')).toContain('successfully rolled out');

    // Undone from the audit page: the Deployment runs what it ran before.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    const entry = page.getByRole('row').filter({ hasText: 'rollouts.rollback' }).filter({ hasText: `${NS}/deployments/ranker` });
    await entry.getByRole('button', { name: /^Undo #\d+: Roll back to revision 2$/ }).click();
    const undo = page.getByRole('dialog', { name: /^Undo #\d+$/ });
    await undo.getByRole('button', { name: 'Roll back to revision 2' }).click();
    await expect.poll(image, { timeout: 30_000 }).toBe('registry.k8s.io/pause:3.10');
  });

  it('lists the Deployment among the last 24 hours’ changes, with who made the last one, and rolls it back from there', async () => {
    // The undo above has put the template back; the cockpit is opened once its rollout is over.
    await kubectl('rollout', 'status', 'deployment/ranker', '-n', NS, '--timeout=60s');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rollouts' }).click();
    await page.getByRole('tab', { name: 'Changed in 24 h' }).click();
    await page.getByRole('searchbox', { name: 'Filter changes' }).fill(NS);
    const row = page.getByRole('grid', { name: 'Workloads changed in the last 24 hours' }).getByRole('row').filter({ hasText: `${NS}/ranker` });
    // The undo above was made here: the cockpit names the user who made it and its audit entry.
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toMatch(/audit #\d+/);
    expect(await row.textContent()).toContain('complete');
    await row.getByRole('button', { name: 'Roll back…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Roll back deployment ranker' });
    await dialog.getByText('Server-side dry run passed: the cluster accepts the rollback.').waitFor({ timeout: 15_000 });
    await dialog.getByRole('button', { name: /^Roll back to revision \d+$/ }).click();
    await dialog.waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(image, { timeout: 30_000 }).toBe('registry.k8s.io/pause:3.9');
  });
});

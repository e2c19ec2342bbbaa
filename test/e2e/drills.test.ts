/**
 * The DR drills page end to end in Chromium against the bed's two clusters: a
 * namespace of the primary cluster is backed up into a folder from the page
 * (the destination added on the way), a drill restores it onto the
 * secondary cluster while its phases are followed, and its report is read in
 * the page and exported as Markdown; the drill namespace is gone afterwards.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KWOK_TOLERATION } from '../testbed';
import { importKubeconfigAndWait, servicesWithCluster } from '../support/services';
import { madeTempDir } from '../support/tempDirs';
import { CHROMIUM, CHROMIUM_ARGS, startApp, switchConnection, type RunningApp } from './app';

const bed = inject('testbed');
const { primary, secondary } = bed.clusters;
const run = promisify(execFile);
const NS = `ph-e2e-drills-${Date.now().toString(36)}`;

let app: RunningApp;
let browser: Browser;
let page: Page;
const kubectl = async (kubeconfig: string, ...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', kubeconfig, ...args])).stdout;

beforeAll(async () => {
  await kubectl(primary.kubeconfigs.admin, 'create', 'namespace', NS);
  await kubectl(primary.kubeconfigs.admin, 'create', 'configmap', 'model-config', '-n', NS, '--from-literal=model=llama');
  await kubectl(primary.kubeconfigs.admin, 'create', 'deployment', 'web', '-n', NS, '--image=registry.k8s.io/pause:3.10', '--replicas=2');
  await kubectl(primary.kubeconfigs.admin, 'patch', 'deployment', 'web', '-n', NS, '--type=json', '-p', JSON.stringify([{ op: 'add', path: '/spec/template/spec/tolerations', value: [KWOK_TOLERATION] }]));
  await kubectl(primary.kubeconfigs.admin, 'rollout', 'status', 'deployment/web', '-n', NS, '--timeout=120s');
  // A returning user with both clusters stored.
  const { services, dataDir } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary');
  const source = { kind: 'path' as const, path: secondary.kubeconfigs.admin };
  const [context] = (await services.connections.previewKubeconfig(source)).contexts;
  await importKubeconfigAndWait(services, source, [{ contextName: context.contextName, name: 'secondary' }]);
  await services.close();
  app = await startApp({ dataDir });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(app.url);
  await switchConnection(page, 'primary');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'DR drills' }).click();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await kubectl(primary.kubeconfigs.admin, 'delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('The DR drills page, end to end in Chromium', () => {
  it('backs a namespace up into a folder added on the way', async () => {
    await page.getByRole('button', { name: 'Back up now…' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Back up now' });
    await dialog.getByRole('textbox', { name: /Namespaces/ }).fill(NS);
    await dialog.getByRole('button', { name: 'Add destination…' }).click();
    const add = page.getByRole('dialog', { name: 'Add destination' });
    await add.getByRole('textbox', { name: 'Name' }).fill('e2e folder');
    await add.getByRole('textbox', { name: /Folder/ }).fill(madeTempDir('ph-e2e-drills-archives-'));
    await add.getByRole('button', { name: 'Add destination' }).click();
    await add.waitFor({ state: 'detached' });
    await dialog.getByRole('button', { name: 'Start backup' }).click();
    await expect.poll(() => dialog.getByRole('status').first().textContent(), { timeout: 60_000 }).toMatch(/succeeded/i);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('tab', { name: 'Backups' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Backups' }).textContent()).toContain(NS);
  });

  it('drills onto the other cluster, phase by phase, and reads and exports the report', async () => {
    await page.getByRole('tab', { name: 'Namespaces' }).click();
    const row = page.getByRole('table', { name: 'Namespaces' }).getByRole('row').filter({ hasText: NS });
    await row.getByRole('button', { name: 'Drill now…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Start a drill' });
    await dialog.getByRole('combobox', { name: 'Restore on' }).selectOption({ label: 'secondary' });
    await dialog.getByRole('button', { name: 'Start drill' }).click();
    const running = page.getByRole('dialog', { name: 'Drill' });
    const phases = running.getByRole('list', { name: 'Phases' });
    await expect.poll(async () => (await phases.getByRole('listitem').allTextContents()).map((t) => t.replace(/(to do|running|done|failed|skipped)$/, '').trim())).toEqual(['Check', 'Restore', 'Wait ready', 'Verify', 'Clean up', 'Report']);
    // Followed as it goes: some phase is running or done before the end.
    await expect.poll(async () => (await phases.textContent()) ?? '', { timeout: 60_000 }).toMatch(/running|done/);
    // The drill's own verdict, read from its record: its task succeeds also for a drill that failed.
    await expect.poll(() => running.getByRole('status').first().textContent(), { timeout: 120_000 }).toMatch(/The drill passed/);
    expect(await running.textContent()).not.toMatch(/succeeded/i);
    expect(await phases.textContent()).not.toMatch(/failed/);
    await running.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('tab', { name: 'Drills' }).click();
    const drills = page.getByRole('table', { name: 'Drills' });
    await expect.poll(() => drills.textContent()).toMatch(/passed/i);
    await drills.getByRole('row').filter({ hasText: NS }).first().getByRole('button', { name: 'Report' }).click();
    const checks = page.getByRole('table', { name: 'Checks' });
    await expect.poll(() => checks.textContent()).toContain('Kinds and counts');
    expect(await page.getByRole('list', { name: 'Timeline' }).textContent()).toMatch(/Restor/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export Markdown' }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^drill-${NS}-.*\\.md$`));
    const markdown = readFileSync((await download.path())!, 'utf8');
    expect(markdown).toContain(NS);
    expect(markdown).toMatch(/passed/i);
    expect(markdown).toMatch(/RTO/);
    // The drill cleaned up after itself.
    expect(await kubectl(secondary.kubeconfigs.admin, 'get', 'namespaces', '-o', 'name')).not.toContain(`drill-${NS}`);
  });
});

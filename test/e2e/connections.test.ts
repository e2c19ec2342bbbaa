import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, startApp, type RunningApp } from './app';

const bed = inject('testbed');
const kubeconfigs = bed.clusters.primary.kubeconfigs;
let app: RunningApp;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  // The server's $KUBECONFIG lists three files, one user each, as kubectl would merge them.
  app = await startApp({ env: { KUBECONFIG: [kubeconfigs.admin, kubeconfigs.restricted, kubeconfigs.exec].join(':') } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await page.goto(app.url);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const connectionsTable = () => page.getByRole('table', { name: 'Connections' });
const row = (name: string) => connectionsTable().getByRole('row').filter({ has: page.getByRole('button', { name: `Rename ${name}` }) });

describe('Connections, end to end in Chromium', () => {
  it('starts empty and says what to do next', async () => {
    await expect.poll(() => page.getByText('No connections yet').isVisible()).toBe(true);
    // The launch token was traded for a cookie and is gone from the address bar.
    expect(page.url()).not.toContain('token=');
  });

  it('imports every context of $KUBECONFIG after a preview', async () => {
    await page.getByRole('button', { name: 'Import kubeconfig' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Import kubeconfig' });
    await dialog.getByLabel('$KUBECONFIG').check();
    await dialog.getByRole('button', { name: 'Preview' }).click();
    const contexts = dialog.getByRole('list', { name: 'Contexts' }).getByRole('listitem');
    await expect.poll(() => contexts.count()).toBe(3);
    await expect.poll(() => dialog.getByText('exec-credential.sh').isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    // The import runs as a task: the dialog follows it to its outcome.
    const outcome = dialog.getByRole('region', { name: 'Import outcome' });
    await expect.poll(() => outcome.getByRole('status').textContent()).toBe('Imported 3 connections.');
    await outcome.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    for (const name of ['kwok-pilothouse-primary', 'pilothouse-primary-restricted', 'pilothouse-primary-exec']) {
      await expect.poll(() => row(name).count()).toBe(1);
    }
  });

  it('tests a connection against the real cluster and shows its health', async () => {
    await row('kwok-pilothouse-primary').getByRole('button', { name: 'Test kwok-pilothouse-primary' }).click();
    await expect.poll(() => row('kwok-pilothouse-primary').getByText('ok', { exact: true }).isVisible(), { timeout: 20_000 }).toBe(true);
    await row('pilothouse-primary-restricted').getByRole('button', { name: 'Test pilothouse-primary-restricted' }).click();
    await expect.poll(() => row('pilothouse-primary-restricted').getByText('limited', { exact: true }).isVisible(), { timeout: 20_000 }).toBe(true);
    // Credentials from an exec plugin, through the client library as the built app bundles it.
    await row('pilothouse-primary-exec').getByRole('button', { name: 'Test pilothouse-primary-exec' }).click();
    await expect.poll(() => row('pilothouse-primary-exec').getByText('ok', { exact: true }).isVisible(), { timeout: 20_000 }).toBe(true);
  });

  it('keeps the connections across a reload', async () => {
    await page.reload();
    await expect.poll(() => connectionsTable().getByRole('row').count()).toBeGreaterThanOrEqual(4);
    await expect.poll(() => row('kwok-pilothouse-primary').getByText('ok', { exact: true }).isVisible()).toBe(true);
  });

  it('deletes a connection after confirmation and it is gone', async () => {
    await row('pilothouse-primary-exec').getByRole('button', { name: 'Delete pilothouse-primary-exec' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete pilothouse-primary-exec' });
    await confirm.getByRole('button', { name: 'Delete pilothouse-primary-exec' }).click();
    await expect.poll(() => row('pilothouse-primary-exec').count()).toBe(0);
    await page.reload();
    await expect.poll(() => row('kwok-pilothouse-primary').count()).toBe(1);
    expect(await row('pilothouse-primary-exec').count()).toBe(0);
  });

  it('refuses a malformed kubeconfig with its file and line, saving nothing', async () => {
    const broken = join(app.home, 'broken.yaml');
    writeFileSync(broken, 'apiVersion: v1\nkind: Config\nclusters:\n- name: a\n  cluster:\n    server: [unclosed\n');
    await page.getByRole('button', { name: /import kubeconfig/i }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Import kubeconfig' });
    await dialog.getByLabel('File path').check();
    await dialog.getByLabel('Kubeconfig path').fill(broken);
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => dialog.getByText(/line \d+/).first().isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await connectionsTable().getByRole('row').count()).toBe(3);
  });

  it('shows what happened in the audit log', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await expect.poll(() => page.getByText('connections.delete').first().isVisible()).toBe(true);
    expect(await page.getByText('connections.import').count()).toBeGreaterThan(0);
    expect(consoleErrors).toEqual([]);
  });
});

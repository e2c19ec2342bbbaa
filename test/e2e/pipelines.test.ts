/**
 * The Pipelines page end to end in Chromium against the bed's primary
 * cluster: a spec typed with a schema error is marked on its line by
 * monaco-yaml (the cluster's own schema, its worker under the app's CSP);
 * fixed, saved, reviewed (the diff of a new object) and applied with
 * server-side apply; the object is then in the inspector; a second version
 * is saved and the first one reverted to in one step.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openWithCluster, switchConnection, type RunningApp } from './app';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);
const NS = `ph-e2e-pipelines-${Date.now().toString(36)}`;
const NAME = 'nightly-settings';

let app: RunningApp;
let browser: Browser;
let page: Page;
/** Uncaught errors, and what the CSP refused: the yaml worker blocked by the policy shows here. */
const pageErrors: string[] = [];

const kubectl = async (...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;

/** A ConfigMap spec; `data` is its one entry's line as typed. */
const spec = (data: string) => ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${NAME}`, `  namespace: ${NS}`, data].join('\n');

/**
 * Replaces the editor's whole text, typed line by line: each new line's
 * auto-indent is selected and typed over, so the text is exactly `text`.
 */
async function typeSpec(text: string): Promise<void> {
  const editor = page.locator('.monaco-editor').first();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  for (const [i, line] of text.split('\n').entries()) {
    if (i > 0) {
      await page.keyboard.press('Enter');
      await page.keyboard.press('Shift+Home');
    }
    await page.keyboard.insertText(line);
  }
}

beforeAll(async () => {
  await kubectl('create', 'namespace', NS);
  ({ app, browser, page } = await openWithCluster(primary.kubeconfigs.admin, 'primary', async (p) => {
    p.on('pageerror', (e) => pageErrors.push(e.message));
    p.on('console', (m) => m.type() === 'error' && /Content Security Policy|Refused to|worker|dynamically imported module/i.test(m.text()) && pageErrors.push(m.text()));
  }));
  await switchConnection(page, 'primary');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pipelines' }).click();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('The Pipelines page, end to end in Chromium', () => {
  it('marks a schema error as it is typed, and clears it once fixed', async () => {
    await page.getByRole('button', { name: 'New', exact: true }).first().click();
    await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 60_000 });
    // `data` must be a map of strings: a list is wrong by the cluster's schema.
    await typeSpec(spec('data: [not, a, map]'));
    const marker = page.locator('.monaco-editor :is(.squiggly-error, .squiggly-warning)');
    await marker.first().waitFor({ timeout: 30_000 });
    // The marker is on the `data:` line: Monaco draws a squiggle in an overlay positioned at its line's offset.
    const markedLines = await page.evaluate(() => {
      const tops = new Set(Array.from(document.querySelectorAll<HTMLElement>('.monaco-editor :is(.squiggly-error, .squiggly-warning)')).map((s) => s.parentElement?.style.top));
      return Array.from(document.querySelectorAll<HTMLElement>('.monaco-editor .view-line'))
        .filter((l) => tops.has(l.style.top))
        .map((l) => l.textContent?.replace(/\u00a0/g, ' ') ?? '');
    });
    expect(markedLines).toEqual(['data: [not, a, map]']);

    await typeSpec(spec('data: {lr: "0.1"}'));
    await expect.poll(() => marker.count(), { timeout: 30_000 }).toBe(0);
  });

  it('saves, reviews the diff and applies with server-side apply, and the object is in the inspector', async () => {
    const pane = page.getByRole('region', { name: 'New pipeline spec' });
    await pane.getByRole('textbox', { name: 'Name', exact: true }).fill(NAME);
    await pane.getByRole('textbox', { name: 'Save message' }).fill('first');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Version 1, saved').waitFor();

    await page.getByRole('button', { name: 'Review and apply…' }).click();
    const review = page.getByRole('dialog', { name: /Review and apply/ });
    await review.getByText(/create/i).first().waitFor({ timeout: 30_000 });
    await review.getByRole('button', { name: 'Apply', exact: true }).click();
    await review.getByText(/succeeded|applied/i).first().waitFor({ timeout: 60_000 });
    const live = JSON.parse(await kubectl('get', 'configmap', NAME, '-n', NS, '-o', 'json', '--show-managed-fields')) as { data: Record<string, string>; metadata: { managedFields: { manager: string }[] } };
    expect(live.data).toEqual({ lr: '0.1' });
    expect(live.metadata.managedFields.map((f) => f.manager)).toContain('pilothouse');
    await review.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
    await page.getByRole('navigation', { name: 'Resources' }).getByRole('button', { name: 'ConfigMaps', exact: true }).click();
    await page.getByRole('grid', { name: 'ConfigMaps' }).getByText(NAME).waitFor({ timeout: 30_000 });
  });

  it('reverts to the first version in one step', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pipelines' }).click();
    await page.getByRole('listbox', { name: 'Pipeline specs' }).getByRole('option', { name: new RegExp(NAME) }).click();
    await typeSpec(spec('data: {lr: "0.2"}'));
    await page.getByRole('textbox', { name: 'Save message' }).fill('raise the rate');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Version 2, saved').waitFor();

    await page.getByRole('button', { name: 'History' }).click();
    await page.getByRole('checkbox', { name: 'Choose version 1' }).check();
    await page.getByRole('button', { name: 'Revert to this version' }).click();
    await page.getByRole('dialog', { name: /Revert/ }).getByRole('button', { name: 'Revert', exact: true }).click();
    // The spec is back on the first version's text, as a third version.
    await page.getByText('Version 3, saved').waitFor({ timeout: 30_000 });
    // Monaco draws spaces as no-break spaces.
    await expect.poll(async () => (await page.locator('.monaco-editor .view-lines').first().textContent())?.replace(/\u00a0/g, ' ')).toContain('lr: "0.1"');
    await page.getByRole('button', { name: 'History' }).click();
    await page.getByRole('table', { name: 'Versions' }).getByText('Revert to v1').waitFor({ timeout: 30_000 });
    expect(pageErrors).toEqual([]);
  });
});

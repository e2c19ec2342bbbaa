import { appendFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubeRequest } from '../../electron/services/kube/client/kubeHttp';
import { criLogLine } from '../testbed';
import { openWithCluster, switchConnection, type RunningApp } from './app';

const bed = inject('testbed');
const kubeconfig = bed.clusters.primary.kubeconfigs.admin;
const podName = `e2e-watch-${Date.now().toString(36)}`;
let app: RunningApp;
let browser: Browser;
let page: Page;
const kc = new KubeConfig();

beforeAll(async () => {
  kc.loadFromFile(kubeconfig);
  // Any Content-Security-Policy violation (Monaco's workers, fonts, styles) fails the run.
  ({ app, browser, page } = await openWithCluster(kubeconfig, 'primary', (page) =>
    page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    }),
  ));
});

afterAll(async () => {
  await kubeRequest(kc, `/api/v1/namespaces/team-a/pods/${podName}`, { method: 'DELETE' }).catch(() => undefined);
  await browser?.close();
  await app?.stop();
});

const status = () => page.getByRole('status').first();
const podsGrid = () => page.getByRole('grid', { name: 'Pods' });
const details = () => page.getByRole('complementary', { name: 'pod details' });

describe('Cluster inspector, end to end in Chromium', () => {
  it('opens the cluster chosen in the switcher and lists every pod live', async () => {
    await switchConnection(page, 'primary');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
    await page.getByRole('navigation', { name: 'Resources' }).getByRole('button', { name: 'Pods', exact: true }).click();
    await expect.poll(() => status().textContent(), { timeout: 20_000 }).toMatch(/[\d,]+ pods? · live/);
    expect(await podsGrid().getByRole('row').count()).toBeGreaterThan(1);
  });

  it('shows a pod created with the API within moments, and filters to it', async () => {
    const created = await kubeRequest(kc, '/api/v1/namespaces/team-a/pods', {
      method: 'POST',
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: podName },
        spec: { containers: [{ name: 'main', image: 'busybox', ports: [{ containerPort: 8080 }] }], tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }] },
      },
    });
    expect(created.status).toBe(201);
    await page.keyboard.press('/');
    await page.getByLabel('Filter').fill(podName);
    await expect.poll(() => podsGrid().getByText(podName).count(), { timeout: 10_000 }).toBe(1);
    expect(await status().textContent()).toMatch(/1 of [\d,]+ pods/);
  });

  it('opens the pod with the keyboard: its YAML in Monaco, with no CSP violation', async () => {
    await podsGrid().getByText(podName).click();
    await page.keyboard.press('Enter');
    await expect.poll(() => details().getByRole('heading', { name: podName }).isVisible()).toBe(true);
    await page.keyboard.press('y');
    const editor = details().locator('.monaco-editor');
    await editor.waitFor({ timeout: 20_000 });
    // Monaco draws spaces as no-break spaces.
    const text = async () => ((await editor.textContent()) ?? '').replace(/\u00a0/g, ' ');
    await expect.poll(text, { timeout: 10_000 }).toContain(`name: ${podName}`);
    expect(await text()).not.toContain('managedFields');
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  });

  it('follows its logs: a line written now appears within moments', async () => {
    await page.keyboard.press('l');
    const log = details().getByRole('log', { name: new RegExp(`Logs of ${podName}`) });
    const stream = details().getByRole('status', { name: 'Log stream' });
    await expect.poll(() => stream.textContent(), { timeout: 15_000 }).toMatch(/[\d,]+ lines? · streaming/);
    const marker = `e2e follow marker ${Date.now().toString(36)}`;
    appendFileSync(bed.clusters.primary.podLogFile, criLogLine(marker));
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toContain(marker);
    await details().getByRole('searchbox', { name: 'Search the log' }).fill('e2e follow marker');
    await expect.poll(() => details().getByText(/^\d+ (of \d+|match(es)?)$/).first().isVisible()).toBe(true);
  });

  it('forwards a port to it from the UI, lists the forward, and stops it', async () => {
    await details().getByRole('button', { name: /^Port-forward/ }).click();
    const dialog = page.getByRole('dialog', { name: `Port-forward to pod ${podName}` });
    await dialog.getByRole('button', { name: 'Start forwarding' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 15_000 });
    await page.getByRole('button', { name: /^Port-forwards · 1/ }).click();
    const open = page.getByRole('link', { name: /^Open http:\/\/127\.0\.0\.1:\d+$/ });
    const url = (await open.getAttribute('href'))!;
    // The bed's port-forward target answers every forwarded pod port with this page.
    expect(await (await fetch(url)).text()).toContain('port-forward target');
    await page.getByRole('button', { name: `Stop forwarding ${url.replace('http://', '')}` }).click();
    await expect.poll(() => fetch(url).then(() => 'open', () => 'closed'), { timeout: 10_000 }).toBe('closed');
    await page.getByRole('button', { name: /^Port-forwards/ }).click();
  });

  it('deletes it from the UI after confirming, sees it go, and finds the delete in the audit log', async () => {
    await details().getByRole('button', { name: /^Delete/ }).click();
    const dialog = page.getByRole('dialog', { name: `Delete pod ${podName}` });
    await dialog.getByRole('checkbox', { name: 'Force (grace period 0)' }).check();
    await dialog.getByRole('button', { name: 'Delete pod' }).click();
    await expect.poll(() => podsGrid().getByText(podName).count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => details().getByText('It is no longer in the cluster.').isVisible()).toBe(true);
    expect((await kubeRequest(kc, `/api/v1/namespaces/team-a/pods/${podName}`)).status).toBe(404);
    await page.keyboard.press('Escape');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    const entry = page.getByRole('row').filter({ hasText: 'kube.delete' }).filter({ hasText: podName });
    await expect.poll(() => entry.count(), { timeout: 10_000 }).toBe(1);
    expect(await entry.textContent()).toMatch(/succeeded/i);
  });
});

import { KubeConfig } from '@kubernetes/client-node';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubeRequest } from '../../electron/services/kube/kubeHttp';
import { servicesWithCluster } from '../support/services';
import { CHROMIUM, CHROMIUM_ARGS, startApp, switchConnection, type RunningApp } from './app';

const bed = inject('testbed');
const kubeconfig = bed.clusters.primary.kubeconfigs.admin;
const podName = `e2e-watch-${Date.now().toString(36)}`;
let app: RunningApp;
let browser: Browser;
let page: Page;
const kc = new KubeConfig();

beforeAll(async () => {
  kc.loadFromFile(kubeconfig);
  // A returning user: the cluster is already a stored connection.
  const { services, dataDir } = await servicesWithCluster(kubeconfig, 'primary');
  services.close();
  app = await startApp({ dataDir });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(app.url);
});

afterAll(async () => {
  await kubeRequest(kc, `/api/v1/namespaces/team-a/pods/${podName}`, { method: 'DELETE' }).catch(() => undefined);
  await browser?.close();
  await app?.stop();
});

const status = () => page.getByRole('status').first();
const podsGrid = () => page.getByRole('grid', { name: 'Pods' });

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
        spec: { containers: [{ name: 'main', image: 'busybox' }], tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }] },
      },
    });
    expect(created.status).toBe(201);
    await page.keyboard.press('/');
    await page.getByLabel('Filter').fill(podName);
    await expect.poll(() => podsGrid().getByText(podName).count(), { timeout: 10_000 }).toBe(1);
    expect(await status().textContent()).toMatch(/1 of [\d,]+ pods/);
  });

  it('opens the pod with the keyboard and sees it go when it is deleted', async () => {
    await podsGrid().getByText(podName).click();
    await page.keyboard.press('Enter');
    const details = page.getByRole('complementary', { name: 'pod details' });
    await expect.poll(() => details.getByText(podName).first().isVisible()).toBe(true);
    expect((await kubeRequest(kc, `/api/v1/namespaces/team-a/pods/${podName}?gracePeriodSeconds=0`, { method: 'DELETE' })).status).toBe(200);
    await expect.poll(() => podsGrid().getByText(podName).count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => details.getByText('It is no longer in the cluster.').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
  });
});

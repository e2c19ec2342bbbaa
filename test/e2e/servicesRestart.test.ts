/**
 * The services process dies under an open view (kill -9): the host restarts
 * it, the page reconnects by itself, and the live table carries on, without
 * a reload.
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubeRequest } from '../../electron/services/kube/client/kubeHttp';
import { childrenOf, openWithCluster, servicesPidOf, switchConnection, type RunningApp } from './app';

const bed = inject('testbed');
const kubeconfig = bed.clusters.primary.kubeconfigs.admin;
const podName = `e2e-restart-${Date.now().toString(36)}`;
let app: RunningApp;
let browser: Browser;
let page: Page;
const kc = new KubeConfig();

beforeAll(async () => {
  kc.loadFromFile(kubeconfig);
  ({ app, browser, page } = await openWithCluster(kubeconfig, 'primary'));
});

afterAll(async () => {
  await kubeRequest(kc, `/api/v1/namespaces/team-a/pods/${podName}`, { method: 'DELETE' }).catch(() => undefined);
  await browser?.close();
  await app?.stop();
});

describe('a services process that dies', () => {
  it('is restarted, and the open table comes back live and shows new pods, without a reload', async () => {
    await switchConnection(page, 'primary');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
    await page.getByRole('navigation', { name: 'Resources' }).getByRole('button', { name: 'Pods', exact: true }).click();
    const status = page.getByRole('status').first();
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/pods? · live/);
    // Marks this page: a reload would lose it.
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    const services = servicesPidOf(app);
    process.kill(services, 'SIGKILL');
    await expect.poll(() => childrenOf(app.process.pid!).find((pid) => pid !== services), { timeout: 20_000 }).toBeGreaterThan(0);

    await kubeRequest(kc, '/api/v1/namespaces/team-a/pods', {
      method: 'POST',
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: podName },
        spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }], tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }] },
      },
    });
    await page.keyboard.press('/');
    await page.getByLabel('Filter').fill(podName);
    await expect.poll(() => page.getByRole('grid', { name: 'Pods' }).getByText(podName).count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/1 of [\d,]+ pods · live/);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  });
});

import { KubeConfig } from '@kubernetes/client-node';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubeRequest } from '../../electron/services/kube/client/kubeHttp';
import { openWithCluster, switchConnection, type RunningApp } from './app';

const bed = inject('testbed');
const kubeconfig = bed.clusters.primary.kubeconfigs.admin;
const prefix = `e2e-bulk-${Date.now().toString(36)}`;
const names = [1, 2, 3].map((i) => `${prefix}-${i}`);
const podPath = (name: string) => `/api/v1/namespaces/team-a/pods/${name}`;
let app: RunningApp;
let browser: Browser;
let page: Page;
const kc = new KubeConfig();

beforeAll(async () => {
  kc.loadFromFile(kubeconfig);
  for (const name of names) {
    const created = await kubeRequest(kc, '/api/v1/namespaces/team-a/pods', {
      method: 'POST',
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: { containers: [{ name: 'main', image: 'busybox' }], tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }] },
      },
    });
    expect(created.status).toBe(201);
  }
  ({ app, browser, page } = await openWithCluster(kubeconfig, 'primary'));
});

afterAll(async () => {
  for (const name of names) await kubeRequest(kc, podPath(name), { method: 'DELETE' }).catch(() => undefined);
  await browser?.close();
  await app?.stop();
});

const podsGrid = () => page.getByRole('grid', { name: 'Pods' });
const selectionBar = () => page.getByRole('toolbar', { name: 'Selection' });

describe('Choosing several rows, end to end in Chromium', () => {
  it('chooses three pods with a click and a Shift-click, deletes them in one confirmation, and their rows go', async () => {
    await switchConnection(page, 'primary');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
    await page.getByRole('navigation', { name: 'Resources' }).getByRole('button', { name: 'Pods', exact: true }).click();
    await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: 20_000 }).toMatch(/[\d,]+ pods? · live/);
    await page.keyboard.press('/');
    await page.getByLabel('Filter').fill(prefix);
    // The header row and the three pods.
    await expect.poll(() => podsGrid().getByRole('row').count(), { timeout: 15_000 }).toBe(4);

    await podsGrid().getByText(names[0]).click();
    await podsGrid().getByText(names[2]).click({ modifiers: ['Shift'] });
    await expect.poll(() => podsGrid().locator('[role=row][aria-selected=true]').count()).toBe(3);
    await expect.poll(() => selectionBar().textContent()).toContain('3 pods selected');

    // Enabled once the cluster has said the user may delete pods in team-a.
    await selectionBar().getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete 3 pods' });
    expect(await dialog.getByRole('listitem').allTextContents()).toEqual(names.map((n) => expect.stringContaining(`team-a/${n}`)));
    await dialog.getByRole('button', { name: 'Delete 3 pods' }).click();
    await expect.poll(() => dialog.getByRole('status').textContent(), { timeout: 15_000 }).toBe('3 deleted.');
    await dialog.getByRole('button', { name: 'Close' }).click();

    await expect.poll(() => podsGrid().getByText(prefix).count(), { timeout: 30_000 }).toBe(0);
    expect(await selectionBar().count()).toBe(0);
    for (const name of names) expect((await kubeRequest(kc, podPath(name))).status).toBe(404);

    // One audit entry per pod.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    const entries = page.getByRole('row').filter({ hasText: 'kube.delete' }).filter({ hasText: prefix });
    await expect.poll(() => entries.count(), { timeout: 10_000 }).toBe(3);
  });
});

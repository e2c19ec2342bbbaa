/**
 * A Prometheus endpoint as a connection, against the bed's Prometheus (25 h of
 * dcgm-exporter series for the primary cluster's 32 GPUs): added and tested
 * through the contract, queried with the client the GPU services use, and
 * told apart from addresses that are not Prometheus.
 */
import { freePort } from '../testbed/proc';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Services } from '../../electron/services/app/createServices';
import { createPrometheusClient } from '../../electron/services/metrics/prometheusClient';
import { contractClient } from '../support/contract';
import { servicesWithCluster } from '../support/services';
import { gpuSlots, PRIMARY_NODES } from '../testbed';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const slots = gpuSlots(PRIMARY_NODES);
const TOKEN = 'canary-bed-prom-token-31415926';

let services: Services;
let clusterId: string;
const api = contractClient(() => services, { actor: 'it', session: 'prometheus' });

/** Adds a Prometheus connection without auth through the contract and Tests it. */
async function addAndTest(name: string, url: string) {
  const created = await api.call('connections.addPrometheus', { name, url, auth: 'none' });
  return { created, health: await api.call('connections.test', { id: created.id }) };
}

beforeAll(async () => {
  ({ services, connectionId: clusterId } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary'));
});
afterAll(() => services.close());

describe('a Prometheus connection on the bed', () => {
  let promId: string;

  it('is added linked to its cluster, and its Test is healthy with the version shown', async () => {
    const created = await api.call('connections.addPrometheus', { name: 'bed-prometheus', url: `${bed.prometheus.url}/`, auth: 'none', clusterConnectionId: clusterId });
    promId = created.id;
    expect(created).toMatchObject({ kind: 'prometheus', prometheus: { url: bed.prometheus.url, auth: 'none', clusterConnectionId: clusterId } });
    const health = await api.call('connections.test', { id: promId });
    expect(health).toMatchObject({ status: 'ok', serverVersion: expect.stringMatching(/^2\.\d+\.\d+/) });
    expect(health.message).toBe(`Prometheus ${health.serverVersion} answers queries`);
    const listed = (await api.call('connections.list', {})).find((c) => c.id === promId);
    expect(listed?.health.status).toBe('ok');
    expect(services.connections.prometheusAccessOf(promId)).toEqual({ url: bed.prometheus.url, headers: {}, clusterConnectionId: clusterId });
  });

  it('finds the 32 GPUs of the primary cluster with their labels in an instant query', async () => {
    const client = createPrometheusClient(services.connections.prometheusAccessOf(promId));
    const series = await client.instant('DCGM_FI_DEV_GPU_UTIL', { time: bed.prometheus.historyEnd });
    expect(series).toHaveLength(32);
    for (const slot of slots) {
      const found = series.find((s) => s.labels.Hostname === slot.node && s.labels.gpu === String(slot.index));
      expect(found, `${slot.node} GPU ${slot.index}`).toBeDefined();
      expect(found?.labels).toMatchObject({ UUID: slot.uuid, job: 'dcgm-exporter', modelName: 'NVIDIA H200', device: `nvidia${slot.index}` });
      // dcgm-exporter names the pod only for GPUs a pod holds.
      if (slot.pod) expect(found?.labels).toMatchObject({ namespace: slot.pod.namespace, pod: `${slot.pod.statefulSet}-${slot.pod.ordinal}` });
      else expect(found?.labels.pod).toBeUndefined();
      const [[t, value]] = found!.points;
      expect(Math.abs(t - bed.prometheus.historyEnd)).toBeLessThan(1);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(100);
    }
  });

  it('reads the last hour as a range: one point a minute per GPU, the trainer busy and the empty node idle', async () => {
    const client = createPrometheusClient(services.connections.prometheusAccessOf(promId));
    const end = bed.prometheus.historyEnd;
    const series = await client.range('DCGM_FI_DEV_GPU_UTIL', { start: end - 3600, end, step: 60 });
    expect(series).toHaveLength(32);
    for (const s of series) {
      expect(s.points.length).toBeGreaterThanOrEqual(60);
      expect(s.points.every(([t]) => t >= end - 3600 && t <= end)).toBe(true);
    }
    const mean = (node: string) => {
      const values = series.filter((s) => s.labels.Hostname === node).flatMap((s) => s.points.map(([, v]) => v));
      return values.reduce((a, b) => a + b, 0) / values.length;
    };
    expect(mean('gpu-h200-3')).toBe(0);
    expect(mean('gpu-h200-0')).toBeGreaterThan(50);
  });

  it('POSTs a long expression, and Prometheus answers it alike', async () => {
    const client = createPrometheusClient(services.connections.prometheusAccessOf(promId));
    const expr = `DCGM_FI_DEV_GPU_UTIL{UUID=~"${slots.map((s) => s.uuid).join('|')}|${'never-a-uuid-'.repeat(400)}"}`;
    expect(expr.length).toBeGreaterThan(4096);
    expect(await client.instant(expr, { time: bed.prometheus.historyEnd })).toHaveLength(32);
  });

  it("says what is wrong with a bad query in Prometheus's words", async () => {
    const client = createPrometheusClient(services.connections.prometheusAccessOf(promId));
    await expect(client.instant('sum(DCGM_FI_DEV_GPU_UTIL))')).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/parse error/) });
  });

  it('is edited to send a token, which never comes back and never reaches the audit log', async () => {
    const edited = await api.call('connections.editPrometheus', { id: promId, url: bed.prometheus.url, auth: 'bearer', token: TOKEN, clusterConnectionId: clusterId });
    expect(edited.prometheus).toEqual({ url: bed.prometheus.url, auth: 'bearer', clusterConnectionId: clusterId });
    // This Prometheus asks for no auth and ignores the header.
    expect((await api.call('connections.test', { id: promId })).status).toBe('ok');
    const seen = JSON.stringify([await api.call('connections.list', {}), await api.call('audit.list', { limit: 50 })]);
    expect(seen).not.toContain(TOKEN);
    expect(services.connections.prometheusAccessOf(promId).headers).toEqual({ Authorization: `Bearer ${TOKEN}` });
  });
});

describe('addresses that are not a working Prometheus', () => {
  it('a port nothing listens on is unreachable', async () => {
    const { health } = await addAndTest('closed-port', `http://127.0.0.1:${await freePort()}`);
    expect(health).toMatchObject({ status: 'unreachable', message: expect.stringContaining('refused the connection') });
  });

  it('a wrong path on the right server is not Prometheus', async () => {
    const { health } = await addAndTest('wrong-path', `${bed.prometheus.url}/not-prometheus`);
    expect(health).toMatchObject({ status: 'error', message: expect.stringContaining('is not the Prometheus API') });
  });

  it('a web page is not Prometheus', async () => {
    const { address, port } = primary.portForwardTarget;
    const { health } = await addAndTest('web-page', `http://${address}:${port}`);
    expect(health).toMatchObject({ status: 'error', message: expect.stringContaining('is not the Prometheus API') });
  });

  it('the AWS endpoint (moto) is not Prometheus', async () => {
    const { health } = await addAndTest('moto', bed.moto.endpoint);
    expect(health).toMatchObject({ status: 'error', message: expect.stringContaining('is not the Prometheus API') });
  });

  it("the apiserver's certificate is not trusted", async () => {
    const { health } = await addAndTest('apiserver', primary.server);
    expect(health).toMatchObject({ status: 'error', message: expect.stringContaining('certificate is not trusted') });
  });

  it('a link to a connection that does not exist or is not a cluster is refused', async () => {
    const aws = await services.connections.addAwsKeys(
      { name: 'bed-aws', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: bed.moto.secretAccessKey.padEnd(16, '0'), region: bed.moto.region, onConflict: 'replace' },
      'it',
    );
    for (const clusterConnectionId of [aws.id, 'no-such-connection']) {
      const res = await api.result('connections.addPrometheus', { name: 'linked-wrong', url: bed.prometheus.url, auth: 'none', clusterConnectionId });
      expect(res).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
  });

  it('a URL with credentials in it is refused, and the password is not repeated', async () => {
    const res = await api.result('connections.addPrometheus', { name: 'creds', url: bed.prometheus.url.replace('http://', 'http://admin:canary-url-pass-2718@'), auth: 'none' });
    expect(res).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(JSON.stringify(res)).not.toContain('canary-url-pass-2718');
  });
});

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Services } from '../../electron/services/app/createServices';
import { createTestServices, importKubeconfigAndWait, importAwsProfilesAndWait } from '../support/services';
import { expireRestrictedToken, pauseApiserver, readyzStatus, renewRestrictedToken, resumeApiserver, startApiserver, stopApiserver } from '../testbed';

const bed = inject('testbed');
const primary = bed.clusters.primary;
// Faults are injected into the secondary cluster only: other test files use the primary meanwhile.
const secondary = bed.clusters.secondary;
let services: Services;

async function importOne(path: string, name: string) {
  const preview = await services.connections.previewKubeconfig({ kind: 'path', path });
  expect(preview.contexts).toHaveLength(1);
  const { imported } = await importKubeconfigAndWait(services, { kind: 'path', path }, [{ contextName: preview.contexts[0].contextName, name, onConflict: 'replace' }], 'it');
  return imported[0];
}

async function waitHealthy(): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if ((await readyzStatus(secondary).catch(() => 0)) === 200) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('apiserver did not come back within 60 s');
}

beforeAll(() => {
  ({ services } = createTestServices());
});
afterAll(() => services.close());

describe('Test on real clusters', () => {
  it('a client-certificate admin connects, is named by the server and may do everything checked', async () => {
    const admin = await importOne(primary.kubeconfigs.admin, 'primary-admin');
    expect(admin.kube?.authKind).toBe('client-certificate');
    const health = await services.connections.test(admin.id);
    expect(health).toMatchObject({ status: 'ok', serverVersion: 'v1.34.4' });
    expect(health.identity).toBeTruthy();
    expect(health.permissions?.every((p) => p.allowed)).toBe(true);
    expect(services.connections.list().find((c) => c.id === admin.id)?.health.status).toBe('ok');
  });

  it('an exec-plugin user connects through its plugin', async () => {
    const exec = await importOne(primary.kubeconfigs.exec, 'primary-exec');
    expect(exec.kube?.authKind).toBe('exec');
    expect(await services.connections.test(exec.id)).toMatchObject({ status: 'ok', serverVersion: 'v1.34.4' });
  });

  it('a namespace-limited token user shows as limited, with what it may not do', async () => {
    const restricted = await importOne(primary.kubeconfigs.restricted, 'primary-restricted');
    expect(restricted.kube?.authKind).toBe('token');
    const health = await services.connections.test(restricted.id);
    expect(health.status).toBe('limited');
    expect(health.permissions?.find((p) => p.resource === 'nodes')).toMatchObject({ allowed: false });
  });

  it('the second cluster is a separate connection', async () => {
    const second = await importOne(secondary.kubeconfigs.admin, 'secondary-admin');
    expect(second.kube?.server).toBe(secondary.server);
    expect(second.kube?.server).not.toBe(primary.server);
    expect((await services.connections.test(second.id)).status).toBe('ok');
  });

  it('an expired token shows as unauthorized', async () => {
    const restricted = await importOne(secondary.kubeconfigs.restricted, 'secondary-restricted');
    await expireRestrictedToken(secondary);
    try {
      const health = await services.connections.test(restricted.id);
      expect(health.status).toBe('unauthorized');
      expect(health.message).toMatch(/401|rejected/);
    } finally {
      await renewRestrictedToken(secondary);
    }
  });

  it('a stopped apiserver shows as unreachable, and ok again once it is back', async () => {
    const admin = await importOne(secondary.kubeconfigs.admin, 'secondary-admin');
    await stopApiserver(secondary);
    try {
      const health = await services.connections.test(admin.id);
      expect(health.status).toBe('unreachable');
      expect(health.message).toMatch(/refused|closed the connection|did not answer/);
    } finally {
      await startApiserver(secondary);
      await waitHealthy();
    }
    expect((await services.connections.test(admin.id)).status).toBe('ok');
  });

  it('a hung apiserver (paused) is called unreachable within the 5 s deadline, not after a socket timeout', async () => {
    const admin = await importOne(secondary.kubeconfigs.admin, 'secondary-admin');
    await pauseApiserver(secondary);
    try {
      const health = await services.connections.test(admin.id);
      expect(health).toMatchObject({ status: 'unreachable', message: `${secondary.server} did not answer within 5 s` });
    } finally {
      await resumeApiserver(secondary);
    }
    expect((await services.connections.test(admin.id)).status).toBe('ok');
  });
});

describe('Test on AWS (moto)', () => {
  it('typed keys answer STS GetCallerIdentity', async () => {
    const aws = await services.connections.addAwsKeys(
      { name: 'moto-keys', accessKeyId: bed.moto.accessKeyId, secretAccessKey: bed.moto.secretAccessKey, region: bed.moto.region, endpointUrl: bed.moto.endpoint, onConflict: 'replace' },
      'it',
    );
    const health = await services.connections.test(aws.id);
    expect(health.status).toBe('ok');
    expect(health.identity).toMatch(/^arn:aws:/);
  });

  it('a role chain assumes each role in turn', async () => {
    const config = `[profile base]\nregion = ${bed.moto.region}\nendpoint_url = ${bed.moto.endpoint}\n\n[profile ml]\nrole_arn = arn:aws:iam::123456789012:role/ml-platform\nsource_profile = base\nregion = ${bed.moto.region}\nendpoint_url = ${bed.moto.endpoint}\n`;
    const credentials = `[base]\naws_access_key_id = ${bed.moto.accessKeyId}\naws_secret_access_key = ${bed.moto.secretAccessKey}\n`;
    const { imported } = await importAwsProfilesAndWait(services, { kind: 'text', config, credentials }, [{ profile: 'ml', name: 'moto-role', onConflict: 'replace' }], 'it');
    const health = await services.connections.test(imported[0].id);
    expect(health.status).toBe('ok');
    expect(health.identity).toMatch(/assumed-role\/ml-platform/);
  });

  it('a dead endpoint shows as unreachable', async () => {
    const aws = await services.connections.addAwsKeys(
      { name: 'dead', accessKeyId: bed.moto.accessKeyId, secretAccessKey: bed.moto.secretAccessKey, region: bed.moto.region, endpointUrl: 'http://127.0.0.1:1', onConflict: 'replace' },
      'it',
    );
    expect((await services.connections.test(aws.id)).status).toBe('unreachable');
  });
});

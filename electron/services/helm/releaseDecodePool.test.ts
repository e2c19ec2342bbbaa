import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger';
import { createReleaseDecodePool, type ReleaseDecodePool } from './releaseDecodePool';
import { decodeOnThisThread, releaseSecretName, type ReleaseSecret } from './releaseSecrets';

const pools: ReleaseDecodePool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

const MANIFEST = '---\n# Source: web/templates/secret.yaml\nkind: Secret # creds\nstringData:\n  password: hunter2\n';

/** A release Secret as the apiserver sends it: base64 of helm's base64 of gzipped JSON. */
function releaseSecret(record: unknown): ReleaseSecret {
  const release = Buffer.from(gzipSync(JSON.stringify(record)).toString('base64')).toString('base64');
  return { metadata: { name: releaseSecretName('web', 2), namespace: 'apps', labels: { owner: 'helm', name: 'web', version: '2', status: 'deployed' } }, data: { release } };
}

describe('release decode pool', () => {
  it('decodes rows and masks manifests in a worker thread, answering as on this thread', async () => {
    const pool = createReleaseDecodePool(createLogger());
    pools.push(pool);
    const secret = releaseSecret({ name: 'web', version: 2, info: { status: 'deployed', description: 'Upgrade complete' }, chart: { metadata: { name: 'web', version: '0.2.0', appVersion: '1.2' } }, manifest: MANIFEST });
    const row = pool.row(secret);
    expect(pool.stats()).toMatchObject({ workers: 1 });
    expect(await row).toEqual(await decodeOnThisThread.row(secret));
    const manifest = await pool.manifest(secret, 2);
    expect(manifest.manifest).toContain('password: "<hidden: 7 bytes>"');
    expect(manifest.manifest).not.toContain('hunter2');
    expect(await pool.row({ ...secret, data: { release: 'garbage!' } })).toMatchObject({ error: 'Cannot read this release Secret: its "release" data is not base64' });
    await expect(pool.manifest({ ...secret, data: { release: 'garbage!' } }, 2)).rejects.toMatchObject({ code: 'VALIDATION', message: 'Cannot read this release Secret: its "release" data is not base64' });
  });
});

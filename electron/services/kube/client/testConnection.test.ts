import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testKubeConnection } from './testConnection';
import { madeTempDir } from '../../../../test/support/tempDirs';

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** An apiserver that answers what Test asks, recording the Authorization header of each request. */
async function fakeApiserver(): Promise<{ url: string; auth: string[] }> {
  const auth: string[] = [];
  const server = http.createServer((req, res) => {
    auth.push(req.headers.authorization ?? '');
    req.resume();
    req.on('end', () => {
      res.setHeader('Content-Type', 'application/json');
      if (req.url === '/version') return res.end(JSON.stringify({ gitVersion: 'v1.34.0' }));
      res.statusCode = 201;
      if (req.url?.includes('selfsubjectreviews')) return res.end(JSON.stringify({ status: { userInfo: { username: 'plugin-user' } } }));
      res.end(JSON.stringify({ status: { allowed: true } }));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, auth };
}

/** An exec credential plugin that counts its runs and gives a token without an expiry. */
function countingPlugin(): { dir: string; runs: () => number } {
  const dir = madeTempDir('ph-exec-');
  const counter = join(dir, 'runs');
  writeFileSync(counter, '');
  writeFileSync(
    join(dir, 'plugin.mjs'),
    `import { appendFileSync } from 'node:fs';
appendFileSync(process.env.RUNS_FILE, 'x');
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: 'plugin-token' } }));
`,
  );
  return { dir, runs: () => readFileSync(counter, 'utf8').length };
}

describe('testKubeConnection', () => {
  it('runs an exec plugin whose credential has no expiry once per Test, not once per request', async () => {
    const api = await fakeApiserver();
    const plugin = countingPlugin();
    const kubeconfig = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'c',
      clusters: [{ name: 'c', cluster: { server: api.url, 'insecure-skip-tls-verify': true } }],
      users: [
        {
          name: 'u',
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1beta1',
              command: process.execPath,
              args: [join(plugin.dir, 'plugin.mjs')],
              env: [{ name: 'RUNS_FILE', value: join(plugin.dir, 'runs') }],
            },
          },
        },
      ],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    });

    const health = await testKubeConnection(kubeconfig);
    expect(health).toMatchObject({ status: 'ok', identity: 'plugin-user', serverVersion: 'v1.34.0' });
    expect(api.auth).toHaveLength(9);
    expect(new Set(api.auth)).toEqual(new Set(['Bearer plugin-token']));
    expect(plugin.runs()).toBe(1);

    // The next Test asks the plugin again: the credential is kept for one Test only.
    await testKubeConnection(kubeconfig);
    expect(plugin.runs()).toBe(2);
  });
});

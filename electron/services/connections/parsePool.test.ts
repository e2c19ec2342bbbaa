import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId as mainThreadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { contractClient } from '../../../test/support/contract';
import { generatedKubeconfig, kubeconfigOfSize } from '../../../test/support/kubeconfigs';
import { createTestServices } from '../../../test/support/services';
import { parse } from 'yaml';
import type { Services } from '../app/createServices';
import { createLogger } from '../logging/logger';
import { createParsePool, type ParsePool } from './parsePool';

const services: Services[] = [];
const pools: ParsePool[] = [];
afterEach(async () => {
  await Promise.all([...services.splice(0).map((s) => s.close()), ...pools.splice(0).map((p) => p.close())]);
});

describe('kubeconfig parsing', () => {
  it('runs in worker threads, so app.info answers while four 8 MiB kubeconfigs are previewed', { timeout: 120_000 }, async () => {
    const lines: string[] = [];
    const { services: s, dataDir } = createTestServices({ logger: createLogger({ sink: (line) => lines.push(line) }) });
    services.push(s);
    const path = join(dataDir, 'big.yaml');
    writeFileSync(path, kubeconfigOfSize(8 * 1024 * 1024));
    const { call } = contractClient(() => s, { actor: 'tester', session: 'responsive-1' });

    // Ordering, not timing: parsed on the services' own thread, the previews would all be done before app.info even ran.
    const answered: string[] = [];
    const previews = Array.from({ length: 4 }, (_, i) =>
      call('connections.previewKubeconfig', { source: { kind: 'path', path } }).then((preview) => {
        answered.push(`preview ${i}`);
        return preview;
      }),
    );
    const info = call('app.info', {}).then(() => answered.push('app.info'));
    const [results] = await Promise.all([Promise.all(previews), info]);

    expect(answered[0]).toBe('app.info');
    expect(answered).toHaveLength(5);
    for (const preview of results) expect(preview.contexts.length).toBeGreaterThan(3_000);
    const parsedIn = lines.map((l) => JSON.parse(l) as { message: string; thread?: number }).filter((l) => l.message === 'kubeconfig/AWS parse done in a worker thread');
    expect(parsedIn).toHaveLength(4);
    for (const { thread } of parsedIn) expect(thread).not.toBe(mainThreadId);
  });

  it('reads the chosen contexts through a worker, each with its complete kubeconfig', async () => {
    const pool = createParsePool(createLogger(), { size: 1 });
    pools.push(pool);
    const text = generatedKubeconfig({ contexts: 3 });
    const environment = { home: '/nonexistent', env: {} };
    const read = await pool.run({ kind: 'kubeconfigRead', source: { kind: 'text', text }, environment, contextNames: ['ctx-2', 'ctx-0'] });
    expect(read.contexts.map((c) => c.contextName)).toEqual(['ctx-0', 'ctx-2']);
    expect(parse(read.contexts[1].kubeconfig)).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'ctx-2',
      clusters: [{ name: 'cluster-2', cluster: { server: 'https://10.0.0.2:6443' } }],
      users: [{ name: 'user-2', user: { token: 'generated-token-2' } }],
      contexts: [{ name: 'ctx-2', context: { cluster: 'cluster-2', user: 'user-2', namespace: 'team-2' } }],
    });
    // A preview carries no kubeconfig at all: it is a secret, and the dialog never needs it.
    const preview = await pool.run({ kind: 'kubeconfigPreview', source: { kind: 'text', text }, environment });
    expect(JSON.stringify(preview)).not.toContain('generated-token');
  });

  it('refuses a parse when too many wait, saying how many files are being read and what to do', async () => {
    const pool = createParsePool(createLogger(), { size: 1, maxWaiting: 1 });
    pools.push(pool);
    const job = { kind: 'kubeconfigPreview', source: { kind: 'text', text: 'contexts: []' }, environment: { home: '/nonexistent', env: {} } } as const;
    const accepted = [pool.run(job), pool.run(job)];
    await expect(pool.run(job)).rejects.toMatchObject({
      code: 'BUSY',
      message: 'Pilothouse is already reading 2 kubeconfig or AWS files; try again when they finish',
    });
    expect(await Promise.all(accepted)).toEqual([
      { sourceLabel: 'pasted text', contexts: [], rejected: [] },
      { sourceLabel: 'pasted text', contexts: [], rejected: [] },
    ]);
    expect(pool.stats()).toEqual({ workers: 1, running: 0, waiting: 0 });
  });
});

/**
 * bench/editor: the pipeline spec editor and what it asks of the cluster.
 *   - in Chromium (browser mode): a 5,000-line spec (100 Deployments, one
 *     with a schema error on its 7th line) opened from the library once
 *     Monaco is loaded (a small spec is opened first), from the click to the
 *     editor holding the text and to the first schema marker painted
 *     (target ≤ 300 ms after Monaco is loaded);
 *   - the schemas of a spec's kinds (Deployment, Job, CronJob, ConfigMap)
 *     through the contract: from the cluster into an empty data file (the
 *     index and three group-version documents fetched and reduced), from the
 *     data file's cache in a fresh services instance (the index asked, no
 *     document fetched), and again in the same instance (memory); beside
 *     `kubectl get --raw` of the same three documents (the baseline);
 *   - a server-side dry run of a 100-document spec (50 ConfigMaps and 50
 *     Deployments) through `pipelines.dryRun`, beside `kubectl apply
 *     --dry-run=server` and `kubectl apply --server-side --dry-run=server` of
 *     the same file.
 *
 * Needs the test bed (`npm run testbed:up`): its primary cluster.
 * Run: npm run bench:editor -- [--runs 5]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ensureBuilt, startApp, switchConnection } from '../test/e2e/app';
import { contractClient } from '../test/support/contract';
import { createTestServices, servicesWithCluster } from '../test/support/services';
import { madeTempDir } from '../test/support/tempDirs';
import { KWOK_TOLERATION, readTestbedState } from '../test/testbed';
import { median, ms } from './largeCluster';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, only: { type: 'string' } } });
const RUNS = Number(values.runs);

const state = readTestbedState();
if (!state) throw new Error('no test bed: run `npm run testbed:up` first');
const primary = state.clusters.primary;
const NS = `bench-editor-${Date.now().toString(36)}`;
const kubectl = (...args: string[]) => execFileSync(state.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

/** One Deployment of 50 lines; `badReplicas` puts a string where the schema wants an integer (line 7 of the document). */
function deployment(i: number, badReplicas = false): string {
  const lines = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: trainer-${i}`,
    `  namespace: ${NS}`,
    'spec:',
    `  replicas: ${badReplicas ? '"three"' : 1}`,
    '  selector:',
    '    matchLabels:',
    `      app: trainer-${i}`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: trainer-${i}`,
    '        team: ml',
    '    spec:',
    '      tolerations:',
    `      - {key: ${KWOK_TOLERATION.key}, operator: ${KWOK_TOLERATION.operator}, effect: ${KWOK_TOLERATION.effect}}`,
    '      containers:',
    '      - name: main',
    '        image: registry.k8s.io/pause:3.10',
    '        args:',
  ];
  while (lines.length < 49) lines.push(`        - --flag-${lines.length}=value-${i}`);
  return lines.join('\n');
}

/** A ConfigMap of a few lines. */
const configMap = (i: number) => ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: settings-${i}`, `  namespace: ${NS}`, 'data:', `  lr: "0.${i}"`].join('\n');

const bigSpec = Array.from({ length: 100 }, (_, i) => deployment(i, i === 0)).join('\n---\n');
const hundredDocs = Array.from({ length: 100 }, (_, i) => (i % 2 ? deployment(i) : configMap(i))).join('\n---\n');

function timedSync(work: () => void): number {
  const t0 = performance.now();
  work();
  return performance.now() - t0;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

const fmt = (xs: number[]) => `${ms(median(xs))} (median of ${xs.length}; ${xs.map((x) => Math.round(x)).join(', ')} ms)`;

async function main() {
  console.log(`bench/editor · ${new Date().toISOString()} · load ${loadavg().map((l) => l.toFixed(1)).join(' ')} · spec ${bigSpec.split('\n').length} lines`);
  kubectl('create', 'namespace', NS);
  try {
    // --only schemas|dry-run|editor runs one part.
    if (!values.only || values.only === 'schemas') await schemas();
    if (!values.only || values.only === 'dry-run') await dryRuns();
    if (!values.only || values.only === 'editor') await editorInChromium();
  } finally {
    kubectl('delete', 'namespace', NS, '--wait=false');
  }
}

async function schemas() {
  const kinds = [
    { apiVersion: 'apps/v1', kind: 'Deployment' },
    { apiVersion: 'batch/v1', kind: 'Job' },
    { apiVersion: 'batch/v1', kind: 'CronJob' },
    { apiVersion: 'v1', kind: 'ConfigMap' },
  ];
  const baseline: number[] = [];
  const cold: number[] = [];
  const cached: number[] = [];
  const memory: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    baseline.push(timedSync(() => ['/openapi/v3/apis/apps/v1', '/openapi/v3/apis/batch/v1', '/openapi/v3/api/v1'].forEach((p) => kubectl('get', '--raw', p))));
    const first = await servicesWithCluster(primary.kubeconfigs.admin, 'primary');
    const api = contractClient(() => first.services, { actor: 'bench', session: 'bench' });
    cold.push(await timed(async () => expectSource(await api.call('pipelines.schema', { connectionId: first.connectionId, kinds }), 'cluster')));
    memory.push(await timed(() => api.call('pipelines.schema', { connectionId: first.connectionId, kinds })));
    await first.services.close();
    // The same data file in a new process's services: documents come from the cache, the index is asked.
    const again = createTestServices({ dataDir: first.dataDir }).services;
    const apiAgain = contractClient(() => again, { actor: 'bench', session: 'bench' });
    cached.push(await timed(() => apiAgain.call('pipelines.schema', { connectionId: first.connectionId, kinds })));
    await again.close();
  }
  console.log('\nSchemas of Deployment, Job, CronJob and ConfigMap');
  console.log(`  kubectl get --raw of apps/v1, batch/v1, v1 (baseline)  ${fmt(baseline)}`);
  console.log(`  pipelines.schema from the cluster (empty data file)      ${fmt(cold)}`);
  console.log(`  pipelines.schema from the data file's cache              ${fmt(cached)}`);
  console.log(`  pipelines.schema again in the same services (memory)     ${fmt(memory)}`);
}

function expectSource(answer: { kinds: { source: string }[] }, source: string) {
  const other = answer.kinds.find((k) => k.source !== source);
  if (other) throw new Error(`a kind's schema came from ${other.source}, not ${source}`);
}

async function dryRuns() {
  const file = join(madeTempDir('bench-editor-'), 'spec.yaml');
  writeFileSync(file, hundredDocs);
  const { services, connectionId } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary');
  const api = contractClient(() => services, { actor: 'bench', session: 'bench' });
  const ours: number[] = [];
  const clientSide: number[] = [];
  const serverSide: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    clientSide.push(timedSync(() => kubectl('apply', '--dry-run=server', '-f', file)));
    serverSide.push(timedSync(() => kubectl('apply', '--server-side', '--field-manager=bench', '--dry-run=server', '-f', file)));
    ours.push(
      await timed(async () => {
        const answer = await api.call('pipelines.dryRun', { connectionId, text: hundredDocs });
        const failed = answer.documents.filter((d) => d.outcome === 'error' || d.outcome === 'conflict');
        if (answer.documents.length !== 100 || failed.length) throw new Error(`the dry run did not pass all 100 documents: ${JSON.stringify(failed[0] ?? answer.problems[0])}`);
      }),
    );
  }
  await services.close();
  console.log('\nServer-side dry run of a 100-document spec (50 ConfigMaps, 50 Deployments)');
  console.log(`  kubectl apply --dry-run=server                          ${fmt(clientSide)}`);
  console.log(`  kubectl apply --server-side --dry-run=server            ${fmt(serverSide)}`);
  console.log(`  pipelines.dryRun                                         ${fmt(ours)}`);
}

async function editorInChromium() {
  ensureBuilt();
  const { services, dataDir, connectionId } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary');
  const api = contractClient(() => services, { actor: 'bench', session: 'bench' });
  await api.call('pipelines.save', { name: 'a-small-spec', connectionId, namespace: NS, text: configMap(1), message: 'bench' });
  await api.call('pipelines.save', { name: 'b-five-thousand-lines', connectionId, namespace: NS, text: bigSpec, message: 'bench' });
  // The editor's schemas are cached in the data file, as they are once a connection has been edited against.
  await api.call('pipelines.schema', { connectionId, kinds: [{ apiVersion: 'apps/v1', kind: 'Deployment' }] });
  await services.close();

  const app = await startApp({ dataDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const opened: number[] = [];
  const marked: number[] = [];
  try {
    // One page for every run: the launch URL's token is good for one load.
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await page.goto(app.url);
    await switchConnection(page, 'primary').catch(async (err: unknown) => {
      const shot = join(tmpdir(), 'bench-editor-failure.png');
      await page.screenshot({ path: shot }).then(() => console.log(`the page as it failed: ${shot}`), () => undefined);
      throw err;
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pipelines' }).click();
    const library = page.getByRole('listbox', { name: 'Pipeline specs' });
    for (let run = 0; run < RUNS; run++) {
      await library.getByRole('option', { name: /a-small-spec/ }).click();
      // Monaco loaded and the small spec shown: what "after Monaco is loaded" means.
      await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 60_000 });
      await page.waitForFunction(() => document.querySelector('.monaco-editor .view-lines')?.textContent?.includes('settings-1'), undefined, { timeout: 60_000 });
      await page.evaluate(() => {
        const w = window as unknown as { benchT: Record<string, number> };
        w.benchT = {};
        const t0 = performance.now();
        const observer = new MutationObserver(() => {
          const text = document.querySelector('.monaco-editor .view-lines')?.textContent ?? '';
          if (w.benchT.open === undefined && text.includes('trainer-0')) w.benchT.open = performance.now() - t0;
          if (w.benchT.marker === undefined && w.benchT.open !== undefined && document.querySelector('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning')) {
            w.benchT.marker = performance.now() - t0;
            observer.disconnect();
          }
        });
        observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      });
      await library.getByRole('option', { name: /b-five-thousand-lines/ }).click();
      const t = await page.waitForFunction(() => (window as unknown as { benchT: Record<string, number> }).benchT.marker !== undefined && (window as unknown as { benchT: Record<string, number> }).benchT, undefined, { timeout: 60_000 });
      const times = (await t.jsonValue()) as Record<string, number>;
      opened.push(times.open);
      marked.push(times.marker);
    }
  } finally {
    await browser.close();
    await app.stop();
  }
  console.log('\nA 5,000-line spec opened in the editor (Chromium, Monaco already loaded)');
  console.log(`  click → text in the editor                               ${fmt(opened)}`);
  console.log(`  click → first schema marker painted (target ≤ 300 ms)    ${fmt(marked)}`);
}

await main();

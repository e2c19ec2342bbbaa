import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PrometheusEdit, PrometheusInput, type PrometheusEdit as EditIn, type PrometheusInput as AddIn } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { madeTempDir } from '../../../test/support/tempDirs';
import { createAuditService } from '../audit/auditService';
import { createLogger } from '../logging/logger';
import { EventHub } from '../rpc/eventHub';
import { AesGcmSecretBox } from '../secrets/aesGcmSecretBox';
import { openDatabase } from '../store/database';
import { migrations } from '../store/migrations';
import { migration011 } from '../store/migrations/011_prometheus_connections';
import { createConnectionService } from './connectionService';
import { createParsePool } from './parsePool';

const TOKEN = 'canary-prom-token-a1b2c3d4e5f6';
const NEW_TOKEN = 'canary-prom-token-new-99887766';
const PASSWORD = 'canary-prom-password-1234';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** The connection service on a fresh data file, with a Kubernetes and an AWS connection to link to (or not). */
function harness() {
  const dir = madeTempDir('ph-prom-');
  const logLines: string[] = [];
  const log = createLogger({ sink: (l) => logLines.push(l) });
  // Migration 011 by itself until the index lists it.
  const db = openDatabase({ file: join(dir, 'pilothouse.db'), migrations: [...migrations.filter((m) => m.version < 11), migration011] });
  const hub = new EventHub(log);
  const parser = createParsePool(log);
  closers.push(() => parser.close(), () => db.close());
  const secretBox = AesGcmSecretBox.fromKey(randomBytes(32), 'test key');
  const connections = createConnectionService({
    db,
    secretBox,
    audit: createAuditService(db, hub, log),
    hub,
    log,
    environment: { home: dir, env: {} },
    parser,
    taskRunner: () => {
      throw new Error('no imports here');
    },
  });
  const row = db.prepare(`INSERT INTO connections (id, kind, name, source, details, sealed, created_at, updated_at) VALUES (?, ?, ?, 'test', '{}', ?, 'now', 'now')`);
  row.run('k1', 'kubernetes', 'primary', secretBox.seal('kubeconfig'));
  row.run('a1', 'aws', 'billing', secretBox.seal('{}'));
  const add = (input: AddIn) => connections.addPrometheus(PrometheusInput.parse(input), 'tester');
  const edit = (input: EditIn) => connections.editPrometheus(PrometheusEdit.parse(input), 'tester');
  const everything = () => `${logLines.join('\n')}\n${JSON.stringify(db.prepare(`SELECT * FROM audit`).all())}\n${JSON.stringify(connections.list())}`;
  return { connections, db, add, edit, everything };
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

describe('ConnectionService: Prometheus endpoints', () => {
  it('adds one with a bearer token sealed, linked to a cluster, and hands out its access', async () => {
    const h = harness();
    const created = await h.add({ name: 'prom-prod', url: 'HTTPS://Prom.Example.com:443/prometheus/', auth: 'bearer', token: TOKEN, clusterConnectionId: 'k1' });
    expect(created).toMatchObject({
      kind: 'prometheus',
      name: 'prom-prod',
      source: 'typed in',
      health: { status: 'unknown' },
      prometheus: { url: 'https://prom.example.com/prometheus', auth: 'bearer', clusterConnectionId: 'k1' },
    });
    expect(h.connections.prometheusAccessOf(created.id)).toEqual({ url: 'https://prom.example.com/prometheus', headers: { Authorization: `Bearer ${TOKEN}` }, clusterConnectionId: 'k1' });
    const stored = h.db.prepare(`SELECT details, sealed FROM connections WHERE id = ?`).get(created.id) as { details: string; sealed: Buffer };
    expect(stored.details).not.toContain(TOKEN);
    expect(stored.sealed.toString('latin1')).not.toContain(TOKEN);
    expect(h.everything()).not.toContain(TOKEN);
    expect(h.everything()).toContain('Prometheus endpoint https://prom.example.com/prometheus (bearer auth) typed in');
  });

  it('adds one with basic auth, keeping the user name and sealing the password', async () => {
    const h = harness();
    const created = await h.add({ name: 'prom-basic', url: 'http://10.0.0.5:9090', auth: 'basic', username: 'grafana', password: PASSWORD });
    expect(created.prometheus).toEqual({ url: 'http://10.0.0.5:9090', auth: 'basic', username: 'grafana' });
    expect(h.connections.prometheusAccessOf(created.id).headers.Authorization).toBe(`Basic ${Buffer.from(`grafana:${PASSWORD}`).toString('base64')}`);
    expect(h.everything()).not.toContain(PASSWORD);
  });

  it('refuses a link to a connection that does not exist or is not Kubernetes, saving nothing', async () => {
    const h = harness();
    expect(await failure(h.add({ name: 'p', url: 'http://p:9090', auth: 'none', clusterConnectionId: 'gone' }))).toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('The cluster to link no longer exists'),
    });
    expect(await failure(h.add({ name: 'p', url: 'http://p:9090', auth: 'none', clusterConnectionId: 'a1' }))).toMatchObject({
      code: 'VALIDATION',
      message: '"billing" is an AWS connection, not a cluster: link a Kubernetes connection',
    });
    expect(h.connections.list().filter((c) => c.kind === 'prometheus')).toEqual([]);
  });

  it('refuses a taken name unless replacing', async () => {
    const h = harness();
    await h.add({ name: 'prom', url: 'http://p:9090', auth: 'none' });
    expect((await failure(h.add({ name: 'PROM', url: 'http://q:9090', auth: 'none' }))).code).toBe('NAME_CONFLICT');
    const replaced = await h.add({ name: 'prom', url: 'http://q:9090', auth: 'none', onConflict: 'replace' });
    expect(replaced.prometheus?.url).toBe('http://q:9090');
  });

  it('refuses header injection even when the contract is bypassed', async () => {
    const h = harness();
    const err = await failure(h.connections.addPrometheus({ name: 'p', url: 'http://p:9090', auth: 'bearer', token: `${TOKEN}\r\nX-Injected: 1`, onConflict: 'fail' }, 'tester'));
    expect(err.code).toBe('VALIDATION');
    expect(err.message).not.toContain(TOKEN);
  });

  it('edits the URL and link keeping the token, and replaces the token only when one is typed', async () => {
    const h = harness();
    const { id } = await h.add({ name: 'prom', url: 'https://prom.example.com', auth: 'bearer', token: TOKEN });
    const moved = await h.edit({ id, url: 'https://prom.example.com/other-prefix', auth: 'bearer', clusterConnectionId: 'k1' });
    expect(moved.prometheus).toEqual({ url: 'https://prom.example.com/other-prefix', auth: 'bearer', clusterConnectionId: 'k1' });
    expect(h.connections.prometheusAccessOf(id).headers.Authorization).toBe(`Bearer ${TOKEN}`);
    await h.edit({ id, url: 'https://prom.example.com', auth: 'bearer', token: NEW_TOKEN });
    expect(h.connections.prometheusAccessOf(id)).toEqual({ url: 'https://prom.example.com', headers: { Authorization: `Bearer ${NEW_TOKEN}` } });
    expect(h.everything()).not.toContain(TOKEN);
    expect(h.everything()).not.toContain(NEW_TOKEN);
    const audit = h.db.prepare(`SELECT action, status, before, after FROM audit WHERE action = 'connections.edit' ORDER BY id`).all() as { status: string; before: string; after: string }[];
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ status: 'succeeded', after: expect.stringContaining('other-prefix') });
  });

  it('asks for the secret again when the URL moves to another server or the auth changes', async () => {
    const h = harness();
    const { id } = await h.add({ name: 'prom', url: 'https://prom.example.com', auth: 'bearer', token: TOKEN });
    expect(await failure(h.edit({ id, url: 'https://evil.example.net', auth: 'bearer' }))).toMatchObject({
      code: 'VALIDATION',
      message: 'Type the token again: the URL now points at another server than https://prom.example.com, which the stored one was typed for',
    });
    expect((await failure(h.edit({ id, url: 'http://prom.example.com', auth: 'bearer' }))).message).toContain('Type the token again');
    expect(await failure(h.edit({ id, url: 'https://prom.example.com', auth: 'basic', username: 'u' }))).toMatchObject({ message: 'Type the password: the connection has none stored for basic auth' });
    // Nothing changed by the refusals.
    expect(h.connections.prometheusAccessOf(id)).toEqual({ url: 'https://prom.example.com', headers: { Authorization: `Bearer ${TOKEN}` } });
    // Going to no auth forgets the token.
    await h.edit({ id, url: 'https://prom.example.com', auth: 'none' });
    expect(h.connections.prometheusAccessOf(id).headers).toEqual({});
    expect((await failure(h.edit({ id, url: 'https://prom.example.com', auth: 'bearer' }))).message).toBe('Type the token: the connection has none stored for bearer auth');
  });

  it('edits only Prometheus endpoints, and checks the new link', async () => {
    const h = harness();
    expect(await failure(h.edit({ id: 'k1', url: 'http://p:9090', auth: 'none' }))).toMatchObject({ code: 'VALIDATION', message: '"primary" is a cluster, not a Prometheus endpoint' });
    expect((await failure(h.edit({ id: 'nope', url: 'http://p:9090', auth: 'none' }))).code).toBe('NOT_FOUND');
    const { id } = await h.add({ name: 'prom', url: 'http://p:9090', auth: 'none', clusterConnectionId: 'k1' });
    expect((await failure(h.edit({ id, url: 'http://p:9090', auth: 'none', clusterConnectionId: 'a1' }))).message).toContain('not a cluster');
  });

  it('leaves a deleted cluster out of the access, and refuses access of another kind', async () => {
    const h = harness();
    const { id } = await h.add({ name: 'prom', url: 'http://p:9090', auth: 'none', clusterConnectionId: 'k1' });
    await h.connections.delete('k1', 'tester');
    expect(h.connections.prometheusAccessOf(id)).toEqual({ url: 'http://p:9090', headers: {} });
    expect(h.connections.list().find((c) => c.id === id)?.prometheus?.clusterConnectionId).toBe('k1');
    expect(() => h.connections.prometheusAccessOf('a1')).toThrow('"billing" is an AWS connection, not a Prometheus endpoint');
    expect(() => h.connections.awsAccessOf(id)).toThrow('"prom" is a Prometheus endpoint, not an AWS account');
  });
});

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/result';
import { createServices, type Services } from '../app/createServices';
import { createLogger } from '../logging/logger';
import { AesGcmSecretBox } from '../secrets/aesGcmSecretBox';
import { importAwsProfilesAndWait, importKubeconfigAndWait } from '../../../test/support/services';
import { madeTempDir } from '../../../test/support/tempDirs';

const CANARY = {
  token: 'canary-token-7f3a9b1c5d2e8f40',
  password: 'canary-password-19ab27cd',
  keyData: Buffer.from('-----BEGIN EC PRIVATE KEY-----\ncanary-key-5e6f7a8b9c\n-----END EC PRIVATE KEY-----\n').toString('base64'),
  execEnv: 'canary-exec-env-4455667788',
  awsSecret: 'canarySecretAccessKey0123456789abcdefABCD',
  awsSession: 'canarySessionToken9876543210zyx',
  urlPassword: 'canary-url-password-3c4d5e6f',
};

function kubeconfig(extra = ''): string {
  return `apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod-cluster
  cluster:
    server: https://127.0.0.1:1
    insecure-skip-tls-verify: true
- name: staging-cluster
  cluster:
    server: https://127.0.0.1:2
    insecure-skip-tls-verify: true
users:
- name: token-user
  user:
    token: ${CANARY.token}
- name: basic-user
  user:
    username: admin
    password: ${CANARY.password}
- name: cert-user
  user:
    client-certificate-data: ${Buffer.from('cert').toString('base64')}
    client-key-data: ${CANARY.keyData}
- name: exec-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      interactiveMode: Never
      command: aws
      args: [eks, get-token, --cluster-name, prod]
      env:
      - name: AWS_SECRET
        value: ${CANARY.execEnv}
contexts:
- name: prod
  context: {cluster: prod-cluster, user: token-user, namespace: ml-serving}
- name: staging
  context: {cluster: staging-cluster, user: basic-user}
- name: cert
  context: {cluster: prod-cluster, user: cert-user}
- name: eks
  context: {cluster: prod-cluster, user: exec-user}
- name: orphan
  context: {cluster: nowhere, user: token-user}
${extra}`;
}

interface Harness {
  services: Services;
  dir: string;
  home: string;
  logLines: string[];
}

const open: Services[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function harness(env: Record<string, string> = {}): Harness {
  const dir = madeTempDir('ph-conn-');
  const home = join(dir, 'home');
  mkdirSync(join(home, '.kube'), { recursive: true });
  const logLines: string[] = [];
  const services = createServices({
    mode: 'browser',
    version: 'test',
    dataDir: join(dir, 'data'),
    secretBox: AesGcmSecretBox.fromKeyFile(join(dir, 'data', 'secret.key')),
    logger: createLogger({ file: join(dir, 'data', 'logs', 'pilothouse.log'), sink: (l) => logLines.push(l) }),
    environment: { home, env },
  });
  open.push(services);
  return { services, dir, home, logLines };
}

const all = (names: string[]) => names.map((n) => ({ contextName: n, name: n, onConflict: 'fail' as const }));

describe('ConnectionService: kubeconfig import', () => {
  it('previews one entry per context and refuses those with a missing cluster, naming it', async () => {
    const { services, home } = harness();
    writeFileSync(join(home, '.kube', 'config'), kubeconfig());
    const preview = await services.connections.previewKubeconfig({ kind: 'default' });
    expect(preview.sourceLabel).toBe('~/.kube/config');
    expect(preview.contexts.map((c) => [c.contextName, c.authKind])).toEqual([
      ['prod', 'token'],
      ['staging', 'basic'],
      ['cert', 'client-certificate'],
      ['eks', 'exec'],
    ]);
    expect(preview.contexts[3].execCommand).toBe('aws');
    expect(preview.rejected).toEqual([expect.objectContaining({ name: 'orphan', reason: expect.stringContaining('nowhere') })]);
  });

  it('imports the chosen contexts in one transaction and keeps them across restarts', async () => {
    const h = harness();
    writeFileSync(join(h.home, '.kube', 'config'), kubeconfig());
    const result = await importKubeconfigAndWait(h.services, { kind: 'default' }, all(['prod', 'eks']), 'tester');
    expect(result.imported.map((c) => c.name)).toEqual(['prod', 'eks']);
    expect(result.imported[0].kube).toMatchObject({ server: 'https://127.0.0.1:1', namespace: 'ml-serving', authKind: 'token' });
    expect(result.task).toMatchObject({ status: 'succeeded', result: { imported: 2, replaced: 0, rejected: 1 } });
    expect(result.task.report?.summary).toContain('"orphan"');
    await h.services.close();
    open.length = 0;
    const again = createServices({
      mode: 'browser',
      version: 'test',
      dataDir: join(h.dir, 'data'),
      secretBox: AesGcmSecretBox.fromKeyFile(join(h.dir, 'data', 'secret.key')),
      logger: createLogger(),
      environment: { home: h.home, env: {} },
    });
    open.push(again);
    expect(again.connections.list().map((c) => c.name)).toEqual(['eks', 'prod']);
    // The stored kubeconfig still runs the exec plugin as written.
    expect(again.connections.kubeconfigOf(result.imported[1].id)).toContain('get-token');
  });

  it('asks rather than overwrites a taken name, and saves nothing from a refused import', async () => {
    const { services, home } = harness();
    writeFileSync(join(home, '.kube', 'config'), kubeconfig());
    const [first] = (await importKubeconfigAndWait(services, { kind: 'default' }, all(['prod']), 'tester')).imported;
    await services.connections.setLabels(first.id, { env: 'prod' }, 'tester');
    const preview = await services.connections.previewKubeconfig({ kind: 'default' });
    expect(preview.contexts.find((c) => c.contextName === 'prod')?.existingConnectionId).toBeDefined();
    // Refused before any task starts: the dialog can offer a rename at once.
    expect(() => services.connections.importKubeconfig({ kind: 'default' }, all(['staging', 'prod']), 'tester')).toThrow(expect.objectContaining({ code: 'NAME_CONFLICT' }));
    expect(services.connections.list().map((c) => c.name)).toEqual(['prod']);
    // Replacing is explicit.
    const replaced = await importKubeconfigAndWait(services, { kind: 'default' }, [{ contextName: 'prod', name: 'prod', onConflict: 'replace' }], 'tester');
    expect(replaced.task.result).toEqual({ imported: 1, replaced: 1, rejected: 1 });
    expect(services.connections.list().map((c) => c.id)).toEqual([replaced.imported[0].id]);
    // The same connection, with new credentials: open views carry on, labels stay, health is asked again.
    expect(replaced.imported[0]).toMatchObject({ id: first.id, labels: { env: 'prod' }, health: { status: 'unknown' } });
    // Case-insensitive: "PROD" is the same name.
    await expect(importKubeconfigAndWait(services, { kind: 'default' }, [{ contextName: 'staging', name: 'PROD', onConflict: 'fail' }], 'tester')).rejects.toMatchObject({
      code: 'NAME_CONFLICT',
    });
  });

  it('refuses two selections with the same name', async () => {
    const { services, home } = harness();
    writeFileSync(join(home, '.kube', 'config'), kubeconfig());
    await expect(
      importKubeconfigAndWait(services, { kind: 'default' }, [
        { contextName: 'prod', name: 'x', onConflict: 'fail' },
        { contextName: 'staging', name: 'X', onConflict: 'fail' },
      ], 'tester'),
    ).rejects.toMatchObject({ code: 'NAME_CONFLICT' });
    expect(services.connections.list()).toEqual([]);
  });

  it('merges every file in KUBECONFIG and resolves relative certificate paths against each file', async () => {
    const dir = madeTempDir('ph-kc-');
    const a = join(dir, 'a.yaml');
    const bDir = join(dir, 'b');
    mkdirSync(bDir);
    writeFileSync(a, kubeconfig());
    writeFileSync(
      join(bDir, 'config'),
      `apiVersion: v1
kind: Config
clusters: [{name: b, cluster: {server: 'https://b.example:6443', certificate-authority: ca.crt}}]
users: [{name: b, user: {client-certificate: certs/me.crt, client-key: certs/me.key}}]
contexts: [{name: b-ctx, context: {cluster: b, user: b}}]
`,
    );
    // A missing file in KUBECONFIG is skipped, as kubectl does.
    const { services } = harness({ KUBECONFIG: `${a}:${join(dir, 'missing')}:${join(bDir, 'config')}` });
    const preview = await services.connections.previewKubeconfig({ kind: 'env' });
    expect(preview.contexts.map((c) => c.contextName)).toEqual(['prod', 'staging', 'cert', 'eks', 'b-ctx']);
    const { imported } = await importKubeconfigAndWait(services, { kind: 'env' }, all(['b-ctx']), 'tester');
    const stored = services.connections.kubeconfigOf(imported[0].id);
    expect(stored).toContain(join(bDir, 'certs/me.crt'));
    expect(stored).toContain(join(bDir, 'ca.crt'));
  });

  it('names the file, line and field of a malformed kubeconfig', async () => {
    const { services, home } = harness();
    writeFileSync(join(home, '.kube', 'config'), 'apiVersion: v1\nclusters:\n  - name: a\n    cluster: {server: [unclosed\n');
    try {
      await services.connections.previewKubeconfig({ kind: 'default' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('YAML_INVALID');
      expect((err as AppError).location).toMatchObject({ file: '~/.kube/config', line: expect.any(Number) });
    }
  });

  it('refuses a file over 10 MB before reading it, and binary files', async () => {
    const { services, dir } = harness();
    const big = join(dir, 'big.yaml');
    writeFileSync(big, Buffer.alloc(10 * 1024 * 1024 + 1, 'a'));
    await expect(services.connections.previewKubeconfig({ kind: 'path', path: big })).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
    const bin = join(dir, 'bin.yaml');
    writeFileSync(bin, Buffer.from([0x61, 0x00, 0x62]));
    await expect(services.connections.previewKubeconfig({ kind: 'path', path: bin })).rejects.toMatchObject({ code: 'NOT_TEXT' });
    await expect(services.connections.previewKubeconfig({ kind: 'path', path: join(dir, 'nope') })).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
  });

  it('refuses an alias bomb with a clear error', async () => {
    const { services } = harness();
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    await expect(services.connections.previewKubeconfig({ kind: 'text', text: bomb.join('\n') })).rejects.toBeInstanceOf(AppError);
  });
});

describe('ConnectionService: edits are audited', () => {
  it('renames, labels and deletes, recording each in the audit log', async () => {
    const { services, home } = harness();
    writeFileSync(join(home, '.kube', 'config'), kubeconfig());
    const [prod] = (await importKubeconfigAndWait(services, { kind: 'default' }, all(['prod']), 'tester')).imported;
    await services.connections.rename(prod.id, 'prod-eu', 'tester');
    await services.connections.setLabels(prod.id, { env: 'prod', team: 'ml-platform' }, 'tester');
    expect(services.connections.list()[0]).toMatchObject({ name: 'prod-eu', labels: { env: 'prod', team: 'ml-platform' } });
    expect(await services.connections.delete(prod.id, 'tester')).toBe(true);
    expect(await services.connections.delete(prod.id, 'tester')).toBe(false);
    const actions = services.audit.list({ limit: 10 }).entries.map((e) => `${e.action}:${e.status}`);
    expect(actions).toEqual(['connections.delete:succeeded', 'connections.label:succeeded', 'connections.rename:succeeded', 'connections.import:succeeded']);
  });

  it('refuses a rename onto a taken name and records the failure', async () => {
    const { services, home } = harness();
    writeFileSync(join(home, '.kube', 'config'), kubeconfig());
    const [a] = (await importKubeconfigAndWait(services, { kind: 'default' }, all(['prod', 'staging']), 'tester')).imported;
    await expect(services.connections.rename(a.id, 'Staging', 'tester')).rejects.toMatchObject({ code: 'NAME_CONFLICT' });
    expect(services.audit.list({ limit: 1 }).entries[0]).toMatchObject({ action: 'connections.rename', status: 'failed' });
  });
});

describe('ConnectionService: AWS', () => {
  it('adds typed keys, showing only the last four characters of the key id', async () => {
    const { services } = harness();
    const created = await services.connections.addAwsKeys(
      { name: 'sandbox', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: CANARY.awsSecret, region: 'eu-west-1', onConflict: 'fail' },
      'tester',
    );
    expect(created.aws).toMatchObject({ profileKind: 'static', region: 'eu-west-1', accessKeyHint: 'MPLE' });
    expect(JSON.stringify(services.connections.list())).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it('imports a role chain with its root keys, so it does not depend on the files afterwards', async () => {
    const { services, home } = harness();
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'credentials'), `[base]\naws_access_key_id = AKIABASE000000000000\naws_secret_access_key = ${CANARY.awsSecret}\n`);
    writeFileSync(
      join(home, '.aws', 'config'),
      `[profile base]\nregion = us-east-1\n\n[profile mid]\nrole_arn = arn:aws:iam::111111111111:role/mid\nsource_profile = base\n\n[profile top]\nrole_arn = arn:aws:iam::222222222222:role/top\nsource_profile = mid\nregion = eu-central-1\n`,
    );
    const preview = await services.connections.previewAwsProfiles({ kind: 'default' });
    expect(preview.profiles.map((p) => [p.profile, p.profileKind])).toEqual(
      expect.arrayContaining([
        ['base', 'static'],
        ['mid', 'assume-role'],
        ['top', 'assume-role'],
      ]),
    );
    const { imported } = await importAwsProfilesAndWait(services, { kind: 'default' }, [{ profile: 'top', name: 'ml-prod', onConflict: 'fail' }], 'tester');
    expect(imported[0].aws).toMatchObject({ region: 'eu-central-1', profileKind: 'assume-role' });
  });
});

describe('ConnectionService: credentials that went (review #19)', () => {
  it("tells listeners, and the spend area drops the connection's cached costs, when its keys are replaced or it is deleted", async () => {
    const { services } = harness();
    const gone: string[] = [];
    const unsubscribe = services.connections.onCredentialsGone((id) => gone.push(id));
    const keys = { name: 'aws', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'a'.repeat(40), region: 'us-east-1', onConflict: 'fail' as const };
    const first = await services.connections.addAwsKeys(keys, 'tester');
    const cache = (id: string) => services.db.prepare(`INSERT INTO spend_cache (connection_id, query_key, response, fetched_at, expires_at) VALUES (?, 'k', '[]', '2026-12-04T00:00:00Z', '2099-01-01T00:00:00Z')`).run(id);
    const cached = (id: string) => (services.db.prepare('SELECT count(*) AS n FROM spend_cache WHERE connection_id = ?').get(id) as { n: number }).n;
    cache(first.id);
    // Another account's keys under the same name: the id stays, the old account's costs go.
    const second = await services.connections.addAwsKeys({ ...keys, accessKeyId: 'AKIAI44QH8DHBEXAMPLE', onConflict: 'replace' }, 'tester');
    expect(second.id).toBe(first.id);
    expect(gone).toEqual([first.id]);
    expect(cached(first.id)).toBe(0);
    cache(first.id);
    await services.connections.delete(first.id, 'tester');
    expect(gone).toEqual([first.id, first.id]);
    expect(cached(first.id)).toBe(0);
    unsubscribe();
  });

  it('a listener that throws does not stop the delete or the other listeners', async () => {
    const { services } = harness();
    const heard: string[] = [];
    services.connections.onCredentialsGone(() => {
      throw new Error('listener broke');
    });
    services.connections.onCredentialsGone((id) => heard.push(id));
    const c = await services.connections.addAwsKeys({ name: 'aws', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'a'.repeat(40), region: 'us-east-1', onConflict: 'fail' }, 'tester');
    expect(await services.connections.delete(c.id, 'tester')).toBe(true);
    expect(heard).toEqual([c.id]);
    expect(services.connections.list()).toEqual([]);
  });
});

describe('secrets never leave sealed', () => {
  it('keeps canary secrets out of every database page, log line and error message', async () => {
    const h = harness();
    const { services, home, dir, logLines } = h;
    writeFileSync(join(home, '.kube', 'config'), kubeconfig());
    const errors: string[] = [];
    const imported = (await importKubeconfigAndWait(services, { kind: 'default' }, all(['prod', 'staging', 'cert', 'eks']), 'tester')).imported;
    await services.connections.addAwsKeys(
      { name: 'aws', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: CANARY.awsSecret, sessionToken: CANARY.awsSession, region: 'us-east-1', endpointUrl: 'http://127.0.0.1:1', onConflict: 'fail' },
      'tester',
    );
    // A server URL carrying a password is refused at preview and at import, so it is never stored, tested or echoed.
    const urlCreds = {
      kind: 'text' as const,
      text: `clusters:\n- name: c\n  cluster: {server: 'https://admin:${CANARY.urlPassword}@127.0.0.1:3'}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: url-creds\n  context: {cluster: c, user: u}\n`,
    };
    errors.push(JSON.stringify(await services.connections.previewKubeconfig(urlCreds)));
    errors.push(await importKubeconfigAndWait(services, urlCreds, all(['url-creds']), 'tester').then(() => 'imported', (err: Error) => err.message));
    // Tests against dead servers produce error messages; they must not echo credentials.
    for (const c of services.connections.list()) {
      const health = await services.connections.test(c.id);
      errors.push(health.message ?? '');
    }
    // Malformed input whose broken line holds a secret.
    try {
      await services.connections.previewKubeconfig({ kind: 'text', text: `users:\n- name: x\n  user:\n    token: ${CANARY.token}\n   bad: [\n` });
    } catch (err) {
      errors.push(JSON.stringify((err as AppError).toShape?.() ?? String(err)));
    }
    await services.connections.delete(imported[0].id, 'tester');
    await services.close();
    open.length = 0;

    const dataDir = join(dir, 'data');
    const files = readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile()).map((f) => join(f.parentPath, f.name));
    const haystacks = [...files.filter((f) => !f.endsWith('secret.key')).map((f) => readFileSync(f).toString('latin1')), ...logLines, ...errors];
    const needles = [CANARY.token, CANARY.password, CANARY.keyData, Buffer.from(CANARY.keyData, 'base64').toString(), CANARY.execEnv, CANARY.awsSecret, CANARY.awsSession, CANARY.urlPassword];
    for (const needle of needles) {
      for (const hay of haystacks) expect(hay.includes(needle), `found "${needle.slice(0, 20)}…"`).toBe(false);
    }
    expect(files.some((f) => f.endsWith('pilothouse.db'))).toBe(true);
    // Five Tests against dead servers and an exec plugin that isn't installed: seconds on a busy machine.
  }, 20_000);
});

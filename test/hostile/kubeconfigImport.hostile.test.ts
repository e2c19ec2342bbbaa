/**
 * Kubeconfigs, names and uploads crafted to mislead: credentials in a server
 * URL, pasted text that makes Test run a command or send a local file to its
 * server, broken base64, names that look like other names, values that must
 * not come back in error messages, uploads that aren't UTF-8, and a
 * kubeconfig with 1,000 contexts all ticked. Every call goes through the
 * contract, as the UI makes it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_IMPORT_BYTES, type KubeconfigSource, type KubeContextPreview } from '../../shared/contract';
import type { Services } from '../../electron/services/app/createServices';
import { contractClient } from '../support/contract';
import { generatedKubeconfig } from '../support/kubeconfigs';
import { createTestServices } from '../support/services';

const CA_DATA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----\n').toString('base64');

const open: Services[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function setup() {
  const { services, dataDir } = createTestServices();
  open.push(services);
  return { services, dataDir, ...contractClient(() => services, { actor: 'hostile', session: 'hostile-1' }) };
}

const pasted = (text: string): KubeconfigSource => ({ kind: 'text', text });
const upload = (bytes: Uint8Array | string, fileName = 'kc.yaml'): KubeconfigSource => ({ kind: 'upload', fileName, data: Buffer.from(bytes).toString('base64') });

/** A one-context kubeconfig (cluster "c", user "u", context "ctx") with the given bodies, indented for you. */
function kubeconfig({ cluster = '', user = 'token: t-123', context = '' }: { cluster?: string; user?: string; context?: string } = {}): string {
  const indent = (s: string) => s.replace(/^(?=.)/gm, '    ');
  return `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://c.example.com:6443
${indent(cluster)}
users:
- name: u
  user:
${indent(user)}
contexts:
- name: ctx
  context:
    cluster: c
    user: u
${indent(context)}
`;
}

describe('credentials inside a server URL', () => {
  const URL_PASSWORD = 'hostile-url-password-8c1d';
  const URL_TOKEN = 'hostile-url-token-2b7e';
  const text = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://admin:${URL_PASSWORD}@prod.example.com:6443
- name: token-in-user
  cluster:
    server: https://${URL_TOKEN}@prod.example.com:6443
- name: staging
  cluster:
    server: https://staging.example.com:6443
users:
- name: u
  user:
    token: t-123
contexts:
- name: prod
  context: {cluster: prod, user: u}
- name: prod-too
  context: {cluster: token-in-user, user: u}
- name: staging
  context: {cluster: staging, user: u}
`;

  it('are refused at preview, naming the cluster, context and line and where they belong, and never echoed', async () => {
    const { call, importFailure } = setup();
    const preview = await call('connections.previewKubeconfig', { source: pasted(text) });
    expect(preview.contexts.map((c) => c.contextName)).toEqual(['staging']);
    expect(preview.rejected).toEqual([
      { name: 'prod', source: 'pasted text', line: 18, reason: expect.stringMatching(/^pasted text line 4: cluster "prod" has a user name or password in its server URL; .*user entry/) },
      { name: 'prod-too', source: 'pasted text', line: 20, reason: expect.stringMatching(/^pasted text line 7: cluster "token-in-user" has a user name or password in its server URL/) },
    ]);
    expect(preview.rejected[0].reason).toMatch(/token or username\/password/);
    const refused = await importFailure('connections.importKubeconfig', { source: pasted(text), selections: [{ contextName: 'prod', name: 'prod' }] });
    expect(refused.code).toBe('VALIDATION');
    for (const hay of [JSON.stringify(preview), JSON.stringify(refused)]) {
      expect(hay).not.toContain(URL_PASSWORD);
      expect(hay).not.toContain(URL_TOKEN);
    }
  });
});

describe('pasted and uploaded kubeconfigs show everything Test will run, read or change', () => {
  const ENV_SECRET = 'hostile-exec-env-value-91f0';
  const OIDC_SECRET = 'hostile-oidc-client-secret-3a3a';
  const PROXY_PASSWORD = 'hostile-proxy-password-7d7d';
  const text = `apiVersion: v1
kind: Config
clusters:
- name: edge
  cluster:
    server: https://edge.example.com:6443
    certificate-authority: /etc/pki/edge-ca.crt
    proxy-url: http://proxyuser:${PROXY_PASSWORD}@proxy.corp:3128
    tls-server-name: api.edge.internal
- name: lab
  cluster:
    server: https://lab.example.com:6443
    insecure-skip-tls-verify: true
- name: plain
  cluster:
    server: https://plain.example.com:6443
    certificate-authority-data: ${CA_DATA}
users:
- name: eks
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: /some/dir/aws
      args: [eks, get-token, --cluster-name, prod]
      env:
      - name: AWS_PROFILE
        value: ${ENV_SECRET}
- name: files
  user:
    client-certificate: /home/me/.ssh/id_ed25519.pub
    client-key: /home/me/.ssh/id_ed25519
    as: system:admin
    as-groups: [system:masters]
- name: tf
  user:
    tokenFile: /home/me/.aws/credentials
- name: gcp
  user:
    auth-provider:
      name: gcp
      config:
        cmd-path: /usr/bin/gcloud
        cmd-args: config config-helper --format=json
        token-key: '{.credential.access_token}'
        expiry-key: '{.credential.token_expiry}'
- name: oidc
  user:
    auth-provider:
      name: oidc
      config:
        idp-issuer-url: https://dex.example.com
        client-id: kubernetes
        client-secret: ${OIDC_SECRET}
        id-token: x.y.z
- name: plain
  user:
    token: t-123
contexts:
- {name: eks, context: {cluster: edge, user: eks}}
- {name: files, context: {cluster: lab, user: files}}
- {name: tf, context: {cluster: plain, user: tf}}
- {name: gcp, context: {cluster: plain, user: gcp}}
- {name: oidc, context: {cluster: plain, user: oidc}}
- {name: plain, context: {cluster: plain, user: plain}}
`;

  const byName = (contexts: KubeContextPreview[]) => Object.fromEntries(contexts.map((c) => [c.contextName, c]));

  it('lists the full command, its arguments and env names, every local path and every who/where setting', async () => {
    const { call } = setup();
    const preview = await call('connections.previewKubeconfig', { source: pasted(text) });
    expect(preview.rejected).toEqual([]);
    const c = byName(preview.contexts);
    expect(c.eks).toMatchObject({
      commands: [{ field: 'exec', command: '/some/dir/aws', args: ['eks', 'get-token', '--cluster-name', 'prod'], envNames: ['AWS_PROFILE'] }],
      localFiles: [{ field: 'certificate-authority', path: '/etc/pki/edge-ca.crt' }],
      settings: [
        { field: 'proxy-url', value: 'http://***@proxy.corp:3128/' },
        { field: 'tls-server-name', value: 'api.edge.internal' },
      ],
      confirmRequired: true,
    });
    expect(c.files).toMatchObject({
      commands: [],
      localFiles: [
        { field: 'client-certificate', path: '/home/me/.ssh/id_ed25519.pub' },
        { field: 'client-key', path: '/home/me/.ssh/id_ed25519' },
      ],
      settings: [
        { field: 'insecure-skip-tls-verify', value: 'true' },
        { field: 'as', value: 'system:admin' },
        { field: 'as-groups', value: 'system:masters' },
      ],
      confirmRequired: true,
    });
    expect(c.tf).toMatchObject({ localFiles: [{ field: 'tokenFile', path: '/home/me/.aws/credentials' }], confirmRequired: true });
    expect(c.gcp).toMatchObject({
      commands: [{ field: 'auth-provider.config.cmd-path', command: '/usr/bin/gcloud', args: ['config config-helper --format=json'], envNames: [] }],
      settings: [{ field: 'auth-provider', value: 'gcp' }],
      confirmRequired: true,
    });
    expect(c.oidc).toMatchObject({
      commands: [],
      localFiles: [],
      settings: [
        { field: 'auth-provider', value: 'oidc' },
        { field: 'auth-provider.config.idp-issuer-url', value: 'https://dex.example.com' },
      ],
      confirmRequired: false,
    });
    expect(c.plain).toMatchObject({ commands: [], localFiles: [], settings: [], confirmRequired: false });
    const json = JSON.stringify(preview);
    for (const secret of [ENV_SECRET, OIDC_SECRET, PROXY_PASSWORD]) expect(json).not.toContain(secret);
  });

  it('refuses to import a command or local file from pasted text without the per-context confirmation', async () => {
    const { call, importFailure, importAndWait } = setup();
    for (const contextName of ['eks', 'files', 'tf', 'gcp']) {
      const refused = await importFailure('connections.importKubeconfig', { source: pasted(text), selections: [{ contextName, name: contextName }] });
      expect(refused.code, contextName).toBe('VALIDATION');
      expect(refused.message, contextName).toContain(`Context "${contextName}"`);
      expect(refused.message, contextName).toMatch(/confirm/);
    }
    // One unconfirmed selection refuses the lot: nothing is stored.
    const mixed = await importFailure('connections.importKubeconfig', {
      source: pasted(text),
      selections: [
        { contextName: 'plain', name: 'plain' },
        { contextName: 'eks', name: 'eks', allowLocalAccess: false },
      ],
    });
    expect(mixed.code).toBe('VALIDATION');
    expect(await call('connections.list', {})).toEqual([]);

    const { imported } = await importAndWait('connections.importKubeconfig', {
      source: pasted(text),
      selections: [
        { contextName: 'plain', name: 'plain' },
        { contextName: 'eks', name: 'eks', allowLocalAccess: true },
        { contextName: 'tf', name: 'tf', allowLocalAccess: true },
      ],
    });
    expect(imported.map((c) => c.name)).toEqual(['plain', 'eks', 'tf']);
  });

  it('asks the same of uploads, and not of the user’s own kubeconfig files', async () => {
    const { services, dataDir, call, importFailure, importAndWait } = setup();
    const fromUpload = await call('connections.previewKubeconfig', { source: upload(text) });
    expect(fromUpload.contexts.find((c) => c.contextName === 'eks')?.confirmRequired).toBe(true);
    expect((await importFailure('connections.importKubeconfig', { source: upload(text), selections: [{ contextName: 'eks', name: 'eks' }] })).code).toBe('VALIDATION');

    const path = join(dataDir, 'own-kubeconfig.yaml');
    writeFileSync(path, text);
    const fromPath = await call('connections.previewKubeconfig', { source: { kind: 'path', path } });
    const eks = fromPath.contexts.find((c) => c.contextName === 'eks');
    expect(eks).toMatchObject({ confirmRequired: false, commands: [{ command: '/some/dir/aws' }] });
    await importAndWait('connections.importKubeconfig', { source: { kind: 'path', path }, selections: [{ contextName: 'eks', name: 'eks' }] });
    expect(services.connections.list().map((c) => c.name)).toEqual(['eks']);
  });
});

describe('invalid base64 in *-data fields', () => {
  const BAD = 'bm90*base64!';
  const cases: [string, { cluster?: string; user?: string }, string, number][] = [
    ['certificate-authority-data', { cluster: `certificate-authority-data: ${BAD}` }, 'clusters[0].cluster.certificate-authority-data', 7],
    ['client-certificate-data', { user: `client-certificate-data: ${BAD}\nclient-key-data: ${CA_DATA}` }, 'users[0].user.client-certificate-data', 11],
    ['client-key-data', { user: `client-certificate-data: ${CA_DATA}\nclient-key-data: ${BAD}` }, 'users[0].user.client-key-data', 12],
  ];

  it.each(cases)('%s is refused at preview, naming the field, its owner and line, without the value', async (_name, bodies, field, line) => {
    const { failure } = setup();
    const error = await failure('connections.previewKubeconfig', { source: pasted(kubeconfig(bodies)) });
    expect(error).toMatchObject({ code: 'KUBECONFIG_INVALID', location: { file: 'pasted text', line, field } });
    expect(error.message).toMatch(new RegExp(`^pasted text line ${line}: ${field.replace(/[[\].]/g, '\\$&')} .*(cluster "c"|user "u").*isn't valid base64`));
    expect(error.message).not.toContain(BAD);
  });

  it('accepts base64 wrapped over lines', async () => {
    const { call } = setup();
    const wrapped = `certificate-authority-data: >-\n  ${CA_DATA.slice(0, 40)}\n  ${CA_DATA.slice(40)}`;
    expect((await call('connections.previewKubeconfig', { source: pasted(kubeconfig({ cluster: wrapped })) })).contexts).toHaveLength(1);
  });
});

describe('names cannot hide characters', () => {
  const HIDDEN: [string, string][] = [
    ['\u202e', 'U+202E'],
    ['\u200b', 'U+200B'],
    ['\u0085', 'U+0085'],
    ['\u007f', 'U+007F'],
    ['\u0007', 'U+0007'],
    ['\u2066', 'U+2066'],
    ['\u2069', 'U+2069'],
    ['\u200e', 'U+200E'],
    ['\u200f', 'U+200F'],
    ['\ufeff', 'U+FEFF'],
    ['\u2028', 'U+2028'],
  ];

  async function withConnection() {
    const ctx = setup();
    const { imported } = await ctx.importAndWait('connections.importKubeconfig', { source: pasted(kubeconfig()), selections: [{ contextName: 'ctx', name: 'prod' }] });
    return { ...ctx, id: imported[0].id };
  }

  it.each(HIDDEN)('rename, setLabels, import and AWS names refuse %j, naming it as %s', async (char, label) => {
    const { id, failure, importFailure, call } = await withConnection();
    const name = `pr${char}od`;
    const attempts = [
      await failure('connections.rename', { id, name }),
      await failure('connections.setLabels', { id, labels: { env: `pr${char}od` } }),
      await failure('connections.setLabels', { id, labels: { [`en${char}v`]: 'prod' } }),
      await importFailure('connections.importKubeconfig', { source: pasted(kubeconfig()), selections: [{ contextName: 'ctx', name, onConflict: 'replace' }] }),
      await failure('connections.addAwsKeys', { name, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'eu-west-1' }),
      await importFailure('connections.importAwsProfiles', { source: { kind: 'text', credentials: '[p]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x' }, selections: [{ profile: 'p', name, region: 'eu-west-1' }] }),
    ];
    for (const error of attempts) {
      expect(error.code).toBe('VALIDATION');
      expect(error.message).toContain(label);
      expect(error.message).not.toContain(char);
    }
    expect((await call('connections.list', {})).map((c) => [c.name, c.labels])).toEqual([['prod', {}]]);
  });

  it('a context name with hidden characters is offered under a clean suggested name', async () => {
    const { call, importAndWait } = setup();
    const text = kubeconfig().replace('- name: ctx', '- name: "pr\\u202Eod\\u200B"');
    const preview = await call('connections.previewKubeconfig', { source: pasted(text) });
    expect(preview.contexts).toEqual([expect.objectContaining({ contextName: 'pr\u202eod\u200b', suggestedName: 'prod' })]);
    const { imported } = await importAndWait('connections.importKubeconfig', { source: pasted(text), selections: [{ contextName: 'pr\u202eod\u200b', name: preview.contexts[0].suggestedName }] });
    expect(imported[0].name).toBe('prod');
  });
});

describe('errors never echo values from pasted text', () => {
  const VALUE = 'Hostile_Value_5f4e3d';

  it('in whole-file errors and rejection reasons', async () => {
    const { call, failure, importFailure } = setup();
    const wholeFile = [
      `kind: ${VALUE}\n`,
      `apiVersion: ${VALUE}\n`,
      kubeconfig({ cluster: `insecure-skip-tls-verify: ${VALUE}` }),
    ];
    for (const text of wholeFile) {
      const error = await failure('connections.previewKubeconfig', { source: pasted(text) });
      expect(error.code, text).toBe('KUBECONFIG_INVALID');
      expect(JSON.stringify(error), text).not.toContain(VALUE);
    }
    const perContext = [
      kubeconfig({ context: `namespace: ${VALUE}` }),
      kubeconfig({ user: `tokenFile: ${VALUE}` }),
      kubeconfig({ user: `client-certificate: ${VALUE}.crt\nclient-key: /k/${VALUE}.key` }),
      kubeconfig({ user: `exec:\n  apiVersion: client.authentication.k8s.io/v1beta1\n  command: ./${VALUE}` }),
      kubeconfig({ user: `exec:\n  apiVersion: client.authentication.k8s.io/v1beta1\n  command: aws\n  interactiveMode: ${VALUE}` }),
    ];
    for (const text of perContext) {
      const preview = await call('connections.previewKubeconfig', { source: pasted(text) });
      expect(preview.rejected, text).toHaveLength(1);
      expect(preview.rejected[0].reason, text).toMatch(/^pasted text line \d+: (context "ctx"|user "u") /);
      expect(JSON.stringify(preview.rejected), text).not.toContain(VALUE);
      const refused = await importFailure('connections.importKubeconfig', { source: pasted(text), selections: [{ contextName: 'ctx', name: 'x', allowLocalAccess: true }] });
      expect(refused.message, text).not.toContain(VALUE);
    }
  });

  it('in AWS profile rejections', async () => {
    const { call } = setup();
    const preview = await call('connections.previewAwsProfiles', { source: { kind: 'text', config: `[profile p]\nrole_arn = arn:aws:iam::111111111111:role/r\ncredential_source = ${VALUE}\n` } });
    expect(preview.rejected).toEqual([expect.objectContaining({ name: 'p', reason: expect.stringContaining('credential_source') })]);
    expect(JSON.stringify(preview)).not.toContain(VALUE);
  });
});

describe('uploads are bytes, checked like a file read from a path', () => {
  it('refuses UTF-16 and Latin-1 files as NOT_TEXT rather than finding nothing in them', async () => {
    const { failure } = setup();
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(kubeconfig(), 'utf16le')]);
    const error16 = await failure('connections.previewKubeconfig', { source: upload(utf16, 'kc-utf16.yaml') });
    expect(error16).toMatchObject({ code: 'NOT_TEXT', location: { file: 'kc-utf16.yaml (uploaded)' } });
    expect(error16.message).toContain('UTF-16');
    const latin1 = Buffer.from(kubeconfig().replace('name: ctx', 'name: café'), 'latin1');
    expect(await failure('connections.previewKubeconfig', { source: upload(latin1, 'kc-latin1.yaml') })).toMatchObject({ code: 'NOT_TEXT' });
  });

  it('reads a UTF-8 upload (a byte-order mark is fine) and refuses one over the limit', async () => {
    const { call, failure } = setup();
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(kubeconfig())]);
    const preview = await call('connections.previewKubeconfig', { source: upload(bom) });
    expect(preview).toMatchObject({ sourceLabel: 'kc.yaml (uploaded)', contexts: [expect.objectContaining({ contextName: 'ctx', source: 'kc.yaml (uploaded)' })] });
    const justOver = await failure('connections.previewKubeconfig', { source: upload(new Uint8Array(MAX_IMPORT_BYTES + 1)) });
    expect(justOver).toMatchObject({ code: 'FILE_TOO_LARGE', location: { file: 'kc.yaml (uploaded)' } });
    const farOver = await failure('connections.previewKubeconfig', { source: upload(new Uint8Array(MAX_IMPORT_BYTES + 3)) });
    expect(farOver).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('Uploads are at most 10 MB') });
    const garbled = await failure('connections.previewKubeconfig', { source: { kind: 'upload', fileName: 'kc.yaml', data: 'not base64!' } });
    expect(garbled.code).toBe('VALIDATION');
  });

  it('keeps only a clean base name of the file name, which becomes the audit target', async () => {
    const { call, importAndWait } = setup();
    const label = async (fileName: string) => (await call('connections.previewKubeconfig', { source: upload(kubeconfig(), fileName) })).sourceLabel;
    expect(await label('../../etc/\u202eprod\u0007.yaml')).toBe('prod.yaml (uploaded)');
    expect(await label('C:\\Users\\me\\.kube\\config')).toBe('config (uploaded)');
    expect(await label('\u200b')).toBe('uploaded file (uploaded)');
    const long = await label(`${'k'.repeat(300)}.yaml`);
    expect(long.length).toBeLessThanOrEqual(100 + ' (uploaded)'.length);
    expect(long).toMatch(/^k+….yaml \(uploaded\)$/u);

    await importAndWait('connections.importKubeconfig', { source: upload(kubeconfig(), '/tmp/x/\u202eevil\u200b.yaml'), selections: [{ contextName: 'ctx', name: 'ctx' }] });
    const { entries } = await call('audit.list', { limit: 1 });
    expect(entries[0]).toMatchObject({ action: 'connections.import', target: 'evil.yaml (uploaded)' });
  });
});

describe('a kubeconfig with 1,000 contexts, all ticked', () => {
  // A worker started from the TypeScript sources, 1,000 contexts parsed and sealed: seconds on a busy machine.
  it('imports every context as one task while other calls keep answering, and refuses more than 10,000 selections saying what to do', { timeout: 30_000 }, async () => {
    const { services, call, result, finishedTask } = setup();
    const text = generatedKubeconfig({ contexts: 1_000 });
    const preview = await call('connections.previewKubeconfig', { source: pasted(text) });
    const selections = preview.contexts.map((c) => ({ contextName: c.contextName, name: c.suggestedName }));
    expect(selections).toHaveLength(1_000);

    const started = await call('connections.importKubeconfig', { source: pasted(text), selections });
    await call('app.info', {});
    // app.info answered while the import was still at work.
    expect(services.tasks.get(started.taskId).status).toBe('running');
    const task = await finishedTask(started.taskId);
    expect(task).toMatchObject({ status: 'succeeded', title: 'Import 1,000 contexts from pasted text', result: { imported: 1_000, replaced: 0, rejected: 0 } });
    expect(await call('connections.list', {})).toHaveLength(1_000);

    const tooMany = Array.from({ length: 10_001 }, (_, i) => ({ contextName: `ctx-${i % 1_000}`, name: `more-${i}` }));
    const refused = await result('connections.importKubeconfig', { source: pasted(text), selections: tooMany });
    expect(refused).toEqual({
      ok: false,
      error: { code: 'VALIDATION', message: 'selections: At most 10,000 contexts can be imported at once; untick some and import the rest in a second pass' },
    });
    expect(await call('connections.list', {})).toHaveLength(1_000);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/result';
import { parseKubeconfig, parseKubeconfigSources, withoutUserinfo, type KubeconfigText, type ParsedContext } from './kubeconfigParse';
import { thrownBy } from '../../../test/support/errors';

const LABEL = '~/.kube/config';
const DIR = '/home/sre/.kube';
const CA_DATA = 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUMvakNDQWVhZ0F3SUJBZ0lCQURBTkJna3Foa2lHOXcwQkFRc0ZBREFWTVJNd0VRWURWUVFERXdwcmRXSmwKY201bGRHVnpNQjRYRFRJMU1ERXdNVEF3TURBd01Gb1hEVE0xTURFd01UQXdNREF3TUZvd0ZURVRNQkVHQTFVRQpBeE1LYTNWaVpYSnVaWFJsY3pDQ0FTSXdEUVlKS29aSWh2Y04K';

function parse(text: string, source: Partial<KubeconfigText> = {}) {
  return parseKubeconfig({ label: LABEL, text, dir: DIR, ...source });
}

/** Loads a parsed context the way the connection layer will. */
function load(ctx: ParsedContext | undefined): KubeConfig {
  expect(ctx).toBeDefined();
  const kc = new KubeConfig();
  kc.loadFromString((ctx as ParsedContext).kubeconfig);
  return kc;
}

function only(text: string, source: Partial<KubeconfigText> = {}): ParsedContext {
  const result = parse(text, source);
  expect(result.rejected).toEqual([]);
  expect(result.contexts).toHaveLength(1);
  return result.contexts[0] as ParsedContext;
}

const thrown = (fn: () => unknown) => thrownBy(AppError, fn);

/** A one-context kubeconfig with the given user body (indented under `user:`). */
function withUser(user: string, server = 'https://k8s.example.com:6443'): string {
  return `apiVersion: v1
kind: Config
current-context: main
clusters:
- name: main
  cluster:
    server: ${server}
    certificate-authority-data: ${CA_DATA}
users:
- name: me
  user:
${user.replace(/^/gm, '    ')}
contexts:
- name: main
  context:
    cluster: main
    user: me
`;
}

describe('parseKubeconfig: auth kinds', () => {
  it('client certificate files resolve against the kubeconfig directory', () => {
    const ctx = only(`apiVersion: v1
kind: Config
clusters:
- name: dev
  cluster:
    server: https://dev.example.com:6443
    certificate-authority: certs/ca.crt
users:
- name: dev-admin
  user:
    client-certificate: certs/admin.crt
    client-key: ../keys/admin.key
contexts:
- name: dev
  context:
    cluster: dev
    user: dev-admin
    namespace: team-a
`);
    expect(ctx).toMatchObject({
      contextName: 'dev',
      clusterName: 'dev',
      userName: 'dev-admin',
      namespace: 'team-a',
      server: 'https://dev.example.com:6443',
      authKind: 'client-certificate',
      source: LABEL,
      line: 14,
    });
    const kc = load(ctx);
    expect(kc.getCurrentContext()).toBe('dev');
    expect(kc.getContextObject('dev')?.namespace).toBe('team-a');
    expect(kc.getCurrentCluster()?.server).toBe('https://dev.example.com:6443');
    expect(kc.getCurrentCluster()?.caFile).toBe(path.resolve(DIR, 'certs/ca.crt'));
    expect(kc.getCurrentUser()?.certFile).toBe(path.resolve(DIR, 'certs/admin.crt'));
    expect(kc.getCurrentUser()?.keyFile).toBe(path.resolve('/home/sre/keys/admin.key'));
  });

  it('inline *-data stays inline and TLS settings are preserved', () => {
    const result = parse(`clusters:
- name: edge
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: ${CA_DATA}
    tls-server-name: api.edge.internal
    proxy-url: socks5://localhost:1080
- name: lab
  cluster:
    server: https://lab.example.com
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    client-certificate-data: Q0VSVERBVEE=
    client-key-data: S0VZREFUQQ==
contexts:
- name: edge
  context: {cluster: edge, user: admin}
- name: lab
  context: {cluster: lab, user: admin}
`);
    const [edge, lab] = result.contexts.map(load);
    expect(edge?.getCurrentCluster()).toMatchObject({
      caData: CA_DATA,
      tlsServerName: 'api.edge.internal',
      proxyUrl: 'socks5://localhost:1080',
      skipTLSVerify: false,
    });
    expect(edge?.getCurrentUser()).toMatchObject({ certData: 'Q0VSVERBVEE=', keyData: 'S0VZREFUQQ==' });
    expect(lab?.getCurrentCluster()?.skipTLSVerify).toBe(true);
  });

  it('bearer token', () => {
    const ctx = only(withUser('token: eyJhbGciOiJSUzI1NiJ9.payload.sig'));
    expect(ctx.authKind).toBe('token');
    expect(load(ctx).getCurrentUser()?.token).toBe('eyJhbGciOiJSUzI1NiJ9.payload.sig');
  });

  it('token file: kept for kubectl and readable by client-node', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pilothouse-kube-'));
    try {
      fs.writeFileSync(path.join(dir, 'sa-token'), 'token-from-file');
      const ctx = only(withUser('tokenFile: sa-token'), { dir });
      expect(ctx.authKind).toBe('token-file');
      expect(ctx.kubeconfig).toContain(`tokenFile: ${path.join(dir, 'sa-token')}`);
      expect(load(ctx).getCurrentUser()?.token).toBe('token-from-file');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('EKS exec plugin (aws eks get-token) is kept intact', () => {
    const ctx = only(
      withUser(`exec:
  apiVersion: client.authentication.k8s.io/v1beta1
  command: aws
  args:
  - --region
  - eu-west-1
  - eks
  - get-token
  - --cluster-name
  - prod-eks
  - --output
  - json
  env:
  - name: AWS_PROFILE
    value: prod-admin
  interactiveMode: IfAvailable
  provideClusterInfo: false`),
    );
    expect(ctx).toMatchObject({ authKind: 'exec', execCommand: 'aws' });
    expect(load(ctx).getCurrentUser()?.exec).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'aws',
      args: ['--region', 'eu-west-1', 'eks', 'get-token', '--cluster-name', 'prod-eks', '--output', 'json'],
      env: [{ name: 'AWS_PROFILE', value: 'prod-admin' }],
      interactiveMode: 'IfAvailable',
      provideClusterInfo: false,
    });
  });

  it('GKE exec plugin (gke-gcloud-auth-plugin) keeps installHint and provideClusterInfo', () => {
    const ctx = only(
      withUser(`exec:
  apiVersion: client.authentication.k8s.io/v1beta1
  command: gke-gcloud-auth-plugin
  installHint: Install gke-gcloud-auth-plugin for use with kubectl by following
    https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin
  provideClusterInfo: true
  env: null
  args: null`),
    );
    const exec = load(ctx).getCurrentUser()?.exec;
    expect(ctx.execCommand).toBe('gke-gcloud-auth-plugin');
    expect(exec.command).toBe('gke-gcloud-auth-plugin');
    expect(exec.provideClusterInfo).toBe(true);
    expect(exec.installHint).toMatch(/^Install gke-gcloud-auth-plugin .* https:\/\/cloud\.google\.com/);
  });

  it('an exec command with a path separator resolves against the directory; a bare name stays for PATH', () => {
    const ctx = only(withUser('exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: ./bin/teleport-kube\n  interactiveMode: Never'));
    expect(ctx.execCommand).toBe('teleport-kube');
    expect(load(ctx).getCurrentUser()?.exec.command).toBe(path.resolve(DIR, 'bin/teleport-kube'));
  });

  it('OIDC auth-provider', () => {
    const ctx = only(
      withUser(`auth-provider:
  name: oidc
  config:
    idp-issuer-url: https://dex.example.com
    client-id: kubernetes
    client-secret: oidc-client-secret
    id-token: eyJ.id.token
    refresh-token: refresh-me`),
    );
    expect(ctx.authKind).toBe('oidc');
    const provider = load(ctx).getCurrentUser()?.authProvider;
    expect(provider.name).toBe('oidc');
    expect(provider.config).toMatchObject({ 'idp-issuer-url': 'https://dex.example.com', 'client-id': 'kubernetes', 'refresh-token': 'refresh-me' });
  });

  it('other auth-providers', () => {
    const ctx = only(withUser('auth-provider:\n  name: azure\n  config:\n    tenant-id: t-1\n    apiserver-id: a-1'));
    expect(ctx.authKind).toBe('auth-provider');
    expect(load(ctx).getCurrentUser()?.authProvider.name).toBe('azure');
  });

  it('basic auth, with numeric-looking values kept as written', () => {
    const ctx = only(withUser('username: admin\npassword: 0777'));
    expect(ctx.authKind).toBe('basic');
    expect(load(ctx).getCurrentUser()).toMatchObject({ username: 'admin', password: '0777' });
  });

  it('no credentials: allowed for an http:// server (kubectl proxy), rejected for https', () => {
    const proxy = only(withUser('{}', 'http://127.0.0.1:8001'));
    expect(proxy.authKind).toBe('none');
    expect(load(proxy).getCurrentCluster()?.server).toBe('http://127.0.0.1:8001');

    const result = parse(withUser('{}'));
    expect(result.contexts).toEqual([]);
    expect(result.rejected).toEqual([
      {
        contextName: 'main',
        reason: `${LABEL} line 10: user "me" has no credentials (expected token, client-certificate, exec, auth-provider or username/password)`,
        source: LABEL,
        line: 14,
      },
    ]);
  });

  it('impersonation settings are kept', () => {
    const ctx = only(withUser('token: t\nas: alice\nas-groups: [sre, oncall]\nas-user-extra:\n  reason: [incident-42]'));
    expect(ctx.kubeconfig).toContain('as: alice');
    expect(ctx.kubeconfig).toMatch(/as-groups:\s+- sre\s+- oncall/);
    expect(ctx.kubeconfig).toMatch(/as-user-extra:\s+reason:\s+- incident-42/);
  });
});

describe('parseKubeconfig: per-context rejections', () => {
  const file = `apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod
  cluster:
    server: https://prod.example.com
- name: staging
  cluster:
    server: https://staging.example.com
users:
- name: ci
  user:
    token: ci-token
contexts:
- name: prod
  context: {cluster: prod, user: ci}
- name: staging
  context: {cluster: staging, user: deployer}
- name: gone
  context: {cluster: decommissioned, user: ci}
- name: prod
  context: {cluster: staging, user: ci}
- name: no-cluster
  context: {user: ci}
- name: bad-ns
  context: {cluster: prod, user: ci, namespace: Team_A}
`;

  it('imports the good contexts and explains each rejected one with its line', () => {
    const result = parse(file);
    expect(result.currentContext).toBe('prod');
    expect(result.contexts.map((c) => c.contextName)).toEqual(['prod']);
    expect(result.rejected).toEqual([
      { contextName: 'staging', source: LABEL, line: 18, reason: `${LABEL} line 18: context "staging" refers to user "deployer", which isn't defined` },
      { contextName: 'gone', source: LABEL, line: 20, reason: `${LABEL} line 20: context "gone" refers to cluster "decommissioned", which isn't defined` },
      { contextName: 'prod', source: LABEL, line: 22, reason: `${LABEL} line 22: context "prod" is defined again (first at line 16); the first one takes precedence` },
      { contextName: 'no-cluster', source: LABEL, line: 24, reason: `${LABEL} line 24: context "no-cluster" doesn't name a cluster` },
      {
        contextName: 'bad-ns',
        source: LABEL,
        line: 26,
        reason: `${LABEL} line 26: context "bad-ns" has a namespace that isn't a valid namespace name (lower-case letters, digits and "-", at most 63)`,
      },
    ]);
  });

  it('a cluster name defined twice in one file makes its contexts ambiguous', () => {
    const text = `clusters:
- name: prod
  cluster: {server: https://prod-eu.example.com}
- name: prod
  cluster: {server: https://prod-us.example.com}
users:
- name: u
  user: {token: t}
contexts:
- name: prod
  context: {cluster: prod, user: u}
`;
    expect(parse(text).rejected[0]?.reason).toBe(`${LABEL}: cluster "prod" is defined twice (lines 2 and 4), so context "prod" is ambiguous; rename one`);
  });

  it('users that cannot authenticate as written', () => {
    const reason = (user: string) => parse(withUser(user)).rejected[0]?.reason;
    expect(reason('client-certificate: /etc/kube/me.crt')).toContain('has a client-certificate but no client-key');
    expect(reason('token: t\nusername: u\npassword: p')).toContain('sets both a token and username/password');
    expect(reason('username: u')).toContain('needs both username and password');
    expect(reason('exec:\n  command: aws')).toContain('exec plugin without an apiVersion');
    expect(reason('exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: kubelogin')).toContain('requires interactiveMode');
    expect(reason('exec:\n  apiVersion: client.authentication.k8s.io/v1beta1\n  command: x\n  interactiveMode: Sometimes')).toContain(
      'has an exec interactiveMode other than Never, IfAvailable or Always',
    );
    expect(reason('exec:\n  apiVersion: v\n  command: x\nauth-provider:\n  name: oidc')).toContain('sets both exec and auth-provider');
  });

  it('relative paths in pasted text are rejected with the field named (not the pasted path)', () => {
    const result = parseKubeconfig({ label: 'pasted text', text: withUser('client-certificate: me.crt\nclient-key: /abs/me.key') });
    expect(result.rejected[0]?.reason).toBe(
      'pasted text line 10: user "me" has a relative client-certificate path, which can\'t be resolved for pasted text; use an absolute path or client-certificate-data',
    );
  });
});

describe('parseKubeconfig: whole-file errors', () => {
  it('malformed YAML names line and column', () => {
    const err = thrown(() => parse('apiVersion: v1\nclusters:\n- name: a\n  cluster: {server: https://a\nusers: []\n'));
    expect(err.code).toBe('YAML_INVALID');
    expect(err.location?.file).toBe(LABEL);
    expect(err.location?.line).toBeGreaterThanOrEqual(4);
    expect(err.location?.column).toBeGreaterThan(0);
    expect(err.message).toMatch(/^~\/\.kube\/config line \d+, column \d+: /);
  });

  it('wrong shapes name the field path and line', () => {
    const cases: [string, string, number, RegExp][] = [
      ['clusters: {a: 1}\n', 'clusters', 1, /clusters must be a list/],
      [
        'clusters:\n- name: a\n  cluster: {server: https://a}\n- name: b\n  cluster:\n    insecure-skip-tls-verify: true\n',
        'clusters[1].cluster.server',
        6,
        /is missing: cluster "b" needs the API server's URL/,
      ],
      ['clusters:\n- name: a\n  cluster:\n    server: ftp://a.example.com\n', 'clusters[0].cluster.server', 4, /must be an https:\/\/ \(or http:\/\/\) URL/],
      ['clusters:\n- name: a\n  cluster:\n    server: a.example.com:6443\n', 'clusters[0].cluster.server', 4, /URL/],
      ['users:\n- user: {token: t}\n', 'users[0].name', 2, /is missing/],
      ['users:\n- name: u\n  user:\n    token: {nested: map}\n', 'users[0].user.token', 4, /must be a string/],
      ['users:\n- name: u\n  user:\n    exec:\n      args: --region\n', 'users[0].user.exec.args', 5, /must be a list/],
      ['clusters:\n- name: a\n  cluster:\n    server: https://a\n    insecure-skip-tls-verify: maybe\n', 'clusters[0].cluster.insecure-skip-tls-verify', 5, /true or false/],
      ['kind: Deployment\n', 'kind', 1, /isn't a kubeconfig/],
      ['users:\n- name: u\n  user:\n    token: a\n    token: b\n', 'users[0].user.token', 5, /appears twice \(first at line 4\)/],
    ];
    for (const [text, field, line, message] of cases) {
      const err = thrown(() => parse(text));
      expect(err.code, text).toBe('KUBECONFIG_INVALID');
      expect(err.location, text).toMatchObject({ file: LABEL, field, line });
      expect(err.message, text).toContain(`${LABEL} line ${line}: ${field} `);
      expect(err.message, text).toMatch(message);
    }
  });

  it('text that is not a kubeconfig', () => {
    expect(thrown(() => parse('just some words')).code).toBe('KUBECONFIG_INVALID');
    expect(thrown(() => parse('- a\n- b\n')).message).toContain("isn't a kubeconfig");
  });

  it('an empty file has nothing to import', () => {
    expect(parse('# nothing here\n')).toEqual({ contexts: [], rejected: [] });
  });

  it('refuses an alias bomb ("billion laughs") with a clear error', () => {
    const levels = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 10; i++) levels.push(`lol${i}: &lol${i} [${Array(9).fill(`*lol${i - 1}`).join(', ')}]`);
    const err = thrown(() => parse(`${levels.join('\n')}\nclusters: *lol9\n`));
    expect(err.code).toBe('YAML_INVALID');
    expect(err.message).toContain('billion laughs');
  });

  it('refuses documents with very many aliases', () => {
    const text = `a: &a x\nb: [${Array(500).fill('*a').join(', ')}]\n`;
    expect(thrown(() => parse(text)).message).toContain('more than 100 YAML aliases');
  });

  it('refuses absurdly deep nesting without hanging', () => {
    const flow = thrown(() => parse(`clusters: ${'['.repeat(4_000_000)}`));
    expect(flow).toMatchObject({ code: 'YAML_INVALID', location: { file: LABEL, line: 1 } });
    const block = Array.from({ length: 400 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    expect(thrown(() => parse(block)).message).toContain('nested far deeper than a kubeconfig');
    expect(thrown(() => parse(`${'- '.repeat(300)}x`)).code).toBe('YAML_INVALID');
  });

  it('refuses millions of tiny entries before parsing them', () => {
    const tinyKeys = Array.from({ length: 130_000 }, (_, i) => `k${i}: 1`).join('\n');
    expect(thrown(() => parse(tinyKeys)).message).toContain('far more than a kubeconfig has');
    expect(thrown(() => parse(`clusters: [${'1,'.repeat(130_000)}1]`)).code).toBe('YAML_INVALID');
  });

  it('refuses pasted text over 10 MiB', () => {
    expect(thrown(() => parseKubeconfig({ label: 'pasted text', text: '#'.repeat(10 * 1024 * 1024 + 1) })).code).toBe('FILE_TOO_LARGE');
  });
});

describe('parseKubeconfig: YAML features', () => {
  it('JSON kubeconfigs work', () => {
    const json = JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: 'https://c.example.com', 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'u', user: { token: '12345' } }],
        contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'ctx',
      },
      null,
      2,
    );
    const ctx = only(json);
    expect(ctx.line).toBe(22);
    expect(load(ctx).getCurrentUser()?.token).toBe('12345');
    expect(load(ctx).getCurrentCluster()?.skipTLSVerify).toBe(true);
  });

  it('anchors, aliases and merge keys resolve', () => {
    const ctx = only(`clusters:
- name: c
  cluster: {server: https://c.example.com}
users:
- name: base
  user: &eks
    exec: &exec
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, c]
- name: u
  user:
    exec:
      <<: *exec
      env: [{name: AWS_PROFILE, value: c}]
contexts:
- name: ctx
  context: {cluster: c, user: u}
`);
    expect(load(ctx).getCurrentUser()?.exec).toMatchObject({ command: 'aws', env: [{ name: 'AWS_PROFILE', value: 'c' }] });
  });

  it('strings that YAML 1.1 would read as other types survive the round trip', () => {
    const ctx = only(withUser(`token: "yes"\nas: "on"`));
    expect(ctx.kubeconfig).toContain('token: "yes"');
    expect(load(ctx).getCurrentUser()).toMatchObject({ token: 'yes', impersonateUser: 'on' });
  });
});

describe('parseKubeconfigSources: KUBECONFIG merge', () => {
  const a: KubeconfigText = {
    label: '/home/sre/.kube/config',
    dir: '/home/sre/.kube',
    text: `clusters:
- name: shared
  cluster: {server: https://first.example.com, certificate-authority: ca.crt}
users:
- name: me
  user: {token: first-token}
contexts:
- name: one
  context: {cluster: shared, user: me}
`,
  };
  const b: KubeconfigText = {
    label: '/work/eks.yaml',
    dir: '/work',
    text: `current-context: two
clusters:
- name: shared
  cluster: {server: https://second.example.com}
- name: eks
  cluster: {server: https://eks.example.com, certificate-authority: certs/eks-ca.crt}
users:
- name: me
  user: {token: second-token}
contexts:
- name: one
  context: {cluster: eks, user: me}
- name: two
  context: {cluster: eks, user: me}
`,
  };
  const c: KubeconfigText = { label: '/work/c.yaml', dir: '/work', text: 'current-context: three\n' };

  it('first definition wins, references cross files, paths resolve per file', () => {
    const result = parseKubeconfigSources([a, b, c]);
    expect(result.currentContext).toBe('two');
    expect(result.contexts.map((x) => [x.contextName, x.source, x.line])).toEqual([
      ['one', a.label, 8],
      ['two', b.label, 13],
    ]);
    expect(result.rejected).toEqual([
      {
        contextName: 'one',
        source: b.label,
        line: 11,
        reason: `${b.label} line 11: context "one" is defined again (first in ${a.label} line 8); the first one takes precedence`,
      },
    ]);
    const one = load(result.contexts[0]);
    expect(one.getCurrentCluster()).toMatchObject({ server: 'https://first.example.com', caFile: '/home/sre/.kube/ca.crt' });
    const two = load(result.contexts[1]);
    expect(two.getCurrentCluster()).toMatchObject({ server: 'https://eks.example.com', caFile: '/work/certs/eks-ca.crt' });
    expect(two.getCurrentUser()?.token).toBe('first-token');
  });

  it('a missing reference says it is missing from every file', () => {
    const result = parseKubeconfigSources([c, { label: 'x', text: 'contexts:\n- name: z\n  context: {cluster: nope, user: me}\n' }]);
    expect(result.rejected[0]?.reason).toBe('x line 2: context "z" refers to cluster "nope", which isn\'t defined in any of the files and refers to user "me", which isn\'t defined in any of the files');
  });

  it('a broken file fails the merge, as with kubectl', () => {
    expect(thrown(() => parseKubeconfigSources([a, { label: 'bad', text: 'clusters: 3\n' }])).location).toMatchObject({ file: 'bad', field: 'clusters' });
  });
});

describe('secrets never appear in messages', () => {
  const CANARIES = [
    'CANARY-TOKEN-7f3a',
    'CANARY-PASSWORD-91bc',
    'Q0FOQVJZLUtFWS1EQVRB',
    'CANARY-OIDC-SECRET',
    'CANARY-ENV-VALUE',
    'CANARY-URL-PASSWORD',
  ];
  const expectClean = (text: string) => {
    for (const canary of CANARIES) expect(text).not.toContain(canary);
  };

  it('in rejection reasons', () => {
    const text = `clusters:
- name: c
  cluster: {server: https://c.example.com}
users:
- name: both
  user: {token: CANARY-TOKEN-7f3a, username: u, password: CANARY-PASSWORD-91bc}
- name: keyonly
  user: {client-key-data: Q0FOQVJZLUtFWS1EQVRB}
- name: oidc-exec
  user:
    auth-provider: {name: oidc, config: {client-secret: CANARY-OIDC-SECRET}}
    exec: {command: x, env: [{name: SECRET, value: CANARY-ENV-VALUE}]}
contexts:
- {name: a, context: {cluster: c, user: both}}
- {name: b, context: {cluster: c, user: keyonly}}
- {name: c, context: {cluster: c, user: oidc-exec}}
- {name: d, context: {cluster: missing, user: both}}
`;
    const result = parse(text);
    expect(result.rejected).toHaveLength(4);
    expectClean(JSON.stringify(result.rejected));
  });

  it('in whole-file errors', () => {
    const broken = [
      'users:\n- name: u\n  user:\n    token: "CANARY-TOKEN-7f3a\\q"\n',
      'users:\n- name: u\n  user:\n    password: CANARY-PASSWORD-91bc: oops\n',
      'users:\n- name: u\n  user:\n    token: CANARY-TOKEN-7f3a\n    token: CANARY-TOKEN-7f3a\n',
      'users:\n- name: u\n  user:\n    client-key-data: [Q0FOQVJZLUtFWS1EQVRB]\n',
      'users:\n- name: u\n  user:\n    token: CANARY-TOKEN-7f3a\n   bad-indent: x\n',
      'clusters:\n- name: c\n  cluster: {server: "ftp://u:CANARY-URL-PASSWORD@c.example.com"}\n',
      'clusters:\n- name: c\n  cluster: {server: "u:CANARY-URL-PASSWORD@c"}\n',
    ];
    for (const text of broken) {
      const err = thrown(() => parse(text));
      expectClean(err.message);
      expectClean(JSON.stringify(err.location));
    }
  });

  it('while the secrets themselves reach the kubeconfig intact', () => {
    const ctx = only(withUser('token: CANARY-TOKEN-7f3a'));
    expect(ctx.kubeconfig).toContain('CANARY-TOKEN-7f3a');
    expectClean(JSON.stringify({ ...ctx, kubeconfig: undefined }));
  });
});

describe('what the preview shows of a context', () => {
  it('shows the values of the variables that decide what an exec plugin runs or loads, and only the names of the rest', () => {
    const ctx = only(
      withUser(`exec:
  apiVersion: client.authentication.k8s.io/v1
  command: aws
  args: [eks, get-token]
  interactiveMode: Never
  env:
  - {name: PATH, value: /tmp/evil:/usr/bin}
  - {name: LD_PRELOAD, value: /tmp/evil.so}
  - {name: NODE_OPTIONS, value: --require /tmp/x.js}
  - {name: AWS_SECRET_ACCESS_KEY, value: s3cr3t-canary}`),
    );
    const [command] = ctx.commands;
    expect(command.envNames).toEqual(['PATH=/tmp/evil:/usr/bin', 'LD_PRELOAD=/tmp/evil.so', 'NODE_OPTIONS=--require /tmp/x.js', 'AWS_SECRET_ACCESS_KEY']);
    expect(JSON.stringify(ctx.commands)).not.toContain('s3cr3t-canary');
  });

  it('hides a proxy URL’s user name and password however its slashes are written', () => {
    for (const url of ['http://alice:s3cret@proxy:3128', 'http:\\\\alice:s3cret@proxy:3128', 'HTTP:/alice:s3cret@proxy:3128', 'socks5://alice:s3cret@proxy:1080', 'not a url alice:s3cret@proxy']) {
      const shown = withoutUserinfo(url);
      expect(shown, url).not.toContain('s3cret');
      expect(shown, url).not.toContain('alice');
      expect(shown, url).toContain('proxy');
    }
    expect(withoutUserinfo('socks5://localhost:1080')).toBe('socks5://localhost:1080');
  });
});

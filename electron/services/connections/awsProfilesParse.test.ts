import { describe, expect, it } from 'vitest';
import { parseAwsProfiles, type ParsedAwsProfile } from './awsProfilesParse';
import { ImportError } from './importErrors';
import { thrownBy } from '../../../test/support/errors';

const CONFIG = '~/.aws/config';
const CREDS = '~/.aws/credentials';

const config = `# Written by aws configure
[default]
region = eu-west-1
output = json

[profile prod-static]
region = us-east-1
s3 =
    max_concurrent_requests = 20
    max_queue_size = 1000
cli_pager =

[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile sso-dev]
sso_session = acme
sso_account_id = 111122223333
sso_role_name = DeveloperAccess
region = eu-central-1

[profile legacy-sso]
sso_start_url = https://old.awsapps.com/start
sso_region = us-west-2
sso_account_id = 444455556666
sso_role_name = ReadOnly

[profile base-role]
role_arn = arn:aws:iam::111122223333:role/Base
source_profile = prod-static

[profile deploy] ; two hops: deploy -> base-role -> prod-static
role_arn = arn:aws:iam::999988887777:role/Deploy
source_profile = base-role
external_id = CANARY-EXTERNAL-ID
mfa_serial = arn:aws:iam::111122223333:mfa/sre
duration_seconds = 3600
role_session_name = pilothouse

[profile ec2-role]
role_arn = arn:aws:iam::111122223333:role/Ec2
credential_source = Ec2InstanceMetadata

[profile vault]
credential_process = /usr/local/bin/aws-vault export --format=json prod

[profile ci-oidc]
role_arn = arn:aws:iam::111122223333:role/GithubActions
web_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token

[profile loop-a]
role_arn = arn:aws:iam::111122223333:role/A
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::111122223333:role/B
source_profile = loop-a

[profile orphan]
role_arn = arn:aws:iam::111122223333:role/Orphan
source_profile = does-not-exist

[profile region-only]
region = ap-south-1
`;

const credentials = `[default]
aws_access_key_id = AKIACANARYDEFAULT001
aws_secret_access_key = CANARY-SECRET-DEFAULT

[prod-static]
aws_access_key_id = AKIACANARYPROD000001
aws_secret_access_key = CANARY-SECRET-PROD   # rotated 2025-01
aws_session_token = CANARY-SESSION-TOKEN
`;

const CANARIES = ['AKIACANARY', 'CANARY-SECRET', 'CANARY-SESSION-TOKEN', 'CANARY-EXTERNAL-ID', 'CANARY-MALFORMED'];

function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  expect(index, needle).toBeGreaterThanOrEqual(0);
  return index + 1;
}

function parseBoth(configText = config, credentialsText = credentials) {
  return parseAwsProfiles({ label: CONFIG, text: configText }, { label: CREDS, text: credentialsText });
}

function profile(name: string, result = parseBoth()): ParsedAwsProfile {
  const found = result.profiles.find((p) => p.name === name);
  expect(found, name).toBeDefined();
  return found as ParsedAwsProfile;
}

function reasonFor(name: string, result = parseBoth()): string {
  const found = result.rejected.find((r) => r.name === name);
  expect(found, name).toBeDefined();
  return found?.reason ?? '';
}

const thrown = (fn: () => unknown) => thrownBy(ImportError, fn);

describe('parseAwsProfiles: realistic files', () => {
  it('imports every usable profile, in file order', () => {
    const result = parseBoth();
    expect(result.profiles.map((p) => [p.name, p.kind])).toEqual([
      ['default', 'static'],
      ['prod-static', 'static'],
      ['sso-dev', 'sso'],
      ['legacy-sso', 'sso'],
      ['base-role', 'assume-role'],
      ['deploy', 'assume-role'],
      ['ec2-role', 'assume-role'],
      ['vault', 'process'],
      ['ci-oidc', 'web-identity'],
    ]);
    expect(result.rejected.map((r) => r.name)).toEqual(['loop-a', 'loop-b', 'orphan', 'region-only']);
  });

  it('static keys from credentials with the region from config; credentials is the home', () => {
    expect(profile('default')).toEqual({
      name: 'default',
      kind: 'static',
      region: 'eu-west-1',
      source: CREDS,
      line: 1,
      settings: {},
      secrets: { accessKeyId: 'AKIACANARYDEFAULT001', secretAccessKey: 'CANARY-SECRET-DEFAULT' },
    });
    // The inline comment is dropped; the nested s3 sub-section is skipped.
    expect(profile('prod-static')).toMatchObject({
      region: 'us-east-1',
      secrets: { accessKeyId: 'AKIACANARYPROD000001', secretAccessKey: 'CANARY-SECRET-PROD', sessionToken: 'CANARY-SESSION-TOKEN' },
      settings: {},
    });
  });

  it('SSO profiles take start URL and region from their sso-session', () => {
    expect(profile('sso-dev')).toEqual({
      name: 'sso-dev',
      kind: 'sso',
      region: 'eu-central-1',
      source: CONFIG,
      line: lineOf(config, '[profile sso-dev]'),
      settings: {
        sso_session: 'acme',
        sso_account_id: '111122223333',
        sso_role_name: 'DeveloperAccess',
        sso_start_url: 'https://acme.awsapps.com/start',
        sso_region: 'us-east-1',
      },
      secrets: {},
    });
    expect(profile('legacy-sso').settings).toEqual({
      sso_start_url: 'https://old.awsapps.com/start',
      sso_region: 'us-west-2',
      sso_account_id: '444455556666',
      sso_role_name: 'ReadOnly',
    });
  });

  it('a two-hop role chain imports without copying the source keys', () => {
    expect(profile('deploy')).toEqual({
      name: 'deploy',
      kind: 'assume-role',
      source: CONFIG,
      line: lineOf(config, '[profile deploy]'),
      settings: {
        role_arn: 'arn:aws:iam::999988887777:role/Deploy',
        source_profile: 'base-role',
        mfa_serial: 'arn:aws:iam::111122223333:mfa/sre',
        duration_seconds: '3600',
        role_session_name: 'pilothouse',
      },
      secrets: { externalId: 'CANARY-EXTERNAL-ID' },
    });
  });

  it('credential_source, credential_process and web identity profiles', () => {
    expect(profile('ec2-role').settings).toEqual({ role_arn: 'arn:aws:iam::111122223333:role/Ec2', credential_source: 'Ec2InstanceMetadata' });
    expect(profile('vault').settings).toEqual({ credential_process: '/usr/local/bin/aws-vault export --format=json prod' });
    expect(profile('ci-oidc').settings).toEqual({
      role_arn: 'arn:aws:iam::111122223333:role/GithubActions',
      web_identity_token_file: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token',
    });
  });

  it('a role chain cycle is rejected with the loop spelled out', () => {
    const result = parseBoth();
    const line = lineOf(config, '[profile loop-a]');
    expect(result.rejected.find((r) => r.name === 'loop-a')).toEqual({
      name: 'loop-a',
      source: CONFIG,
      line,
      reason: `${CONFIG} line ${line}: profile "loop-a" has a role chain that loops: loop-a → loop-b → loop-a`,
    });
    expect(reasonFor('loop-b', result)).toContain('loop-b → loop-a → loop-b');
  });

  it('a missing source profile is rejected naming it and its line', () => {
    const at = lineOf(config, 'source_profile = does-not-exist');
    expect(reasonFor('orphan')).toBe(
      `${CONFIG} line ${lineOf(config, '[profile orphan]')}: profile "orphan" has source_profile "does-not-exist" (${CONFIG} line ${at}), which isn't defined in ${CONFIG} or ${CREDS}`,
    );
  });

  it('a profile with nothing to sign in with is rejected', () => {
    expect(reasonFor('region-only')).toMatch(/^~\/\.aws\/config line \d+: profile "region-only" has no credentials \(expected aws_access_key_id/);
  });
});

describe('parseAwsProfiles: rules', () => {
  it('a profile may use its own keys as the source of its role; without keys that is a cycle', () => {
    const result = parseAwsProfiles(
      {
        label: CONFIG,
        text: '[profile self]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = self\n[profile selfish]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = selfish\n',
      },
      { label: CREDS, text: '[self]\naws_access_key_id = AKIACANARYSELF000001\naws_secret_access_key = CANARY-SECRET-SELF\n' },
    );
    expect(profile('self', result)).toMatchObject({ kind: 'assume-role', secrets: { accessKeyId: 'AKIACANARYSELF000001' } });
    expect(reasonFor('selfish', result)).toContain('loops: selfish → selfish');
  });

  it('a chain through an unusable profile says why', () => {
    const result = parseAwsProfiles({
      label: CONFIG,
      text: '[profile top]\nrole_arn = arn:aws:iam::1:role/T\nsource_profile = mid\n[profile mid]\nregion = us-east-1\n',
    });
    expect(reasonFor('top', result)).toBe(
      `${CONFIG} line 1: profile "top" can't use its source_profile "mid": ${reasonFor('mid', result)}`,
    );
  });

  it('SSO problems: unknown session, conflicting settings, missing fields', () => {
    const result = parseAwsProfiles({
      label: CONFIG,
      text: `[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
[profile no-session]
sso_session = nope
sso_account_id = 1
sso_role_name = R
[profile conflict]
sso_session = corp
sso_region = us-east-1
sso_account_id = 1
sso_role_name = R
[profile partial]
sso_session = corp
`,
    });
    expect(result.profiles).toEqual([]);
    expect(reasonFor('no-session', result)).toBe(`${CONFIG} line 5: profile "no-session" has sso_session "nope", but there is no [sso-session nope] section`);
    expect(reasonFor('conflict', result)).toBe(`${CONFIG} line 10: profile "conflict" sets sso_region differently from [sso-session corp] (line 3)`);
    expect(reasonFor('partial', result)).toBe(`${CONFIG} line 13: profile "partial" is missing sso_account_id, sso_role_name for SSO sign-in`);
  });

  it('role settings that cannot work', () => {
    const result = parseAwsProfiles({
      label: CONFIG,
      text: `[profile both]
role_arn = arn:aws:iam::1:role/R
source_profile = x
credential_source = Environment
[profile bad-source]
role_arn = arn:aws:iam::1:role/R
credential_source = Laptop
[profile no-source]
role_arn = arn:aws:iam::1:role/R
[profile half]
aws_access_key_id = AKIACANARYHALF000001
`,
    });
    expect(reasonFor('both', result)).toContain('sets both source_profile and credential_source');
    expect(reasonFor('bad-source', result)).toContain('has a credential_source other than Environment, Ec2InstanceMetadata or EcsContainer');
    expect(reasonFor('bad-source', result)).not.toContain('Laptop');
    expect(reasonFor('no-source', result)).toContain('has role_arn but no source_profile, credential_source or web_identity_token_file');
    expect(reasonFor('half', result)).toBe(`${CONFIG} line 11: profile "half" has aws_access_key_id but no aws_secret_access_key`);
  });

  it('a malformed line rejects only its profile', () => {
    const credentialsText = '[good]\naws_access_key_id = AKIACANARYGOOD000001\naws_secret_access_key = CANARY-SECRET-GOOD\n\n[bad]\naws_access_key_id = AKIACANARYBAD0000001\naws_secret_access_key CANARY-MALFORMED\n';
    const result = parseAwsProfiles(undefined, { label: CREDS, text: credentialsText });
    expect(result.profiles.map((p) => p.name)).toEqual(['good']);
    expect(result.rejected).toEqual([
      { name: 'bad', source: CREDS, line: 5, reason: `${CREDS} line 7: profile "bad" has a line that isn't "key = value" (${CREDS} line 7)` },
    ]);
  });

  it('sections AWS tools ignore are reported, unless the profile exists elsewhere', () => {
    const result = parseAwsProfiles(
      { label: CONFIG, text: '[staging]\nregion = us-east-1\n[shared]\nregion = us-east-2\n[services local]\ns3 =\n  endpoint_url = http://localhost:4566\n' },
      { label: CREDS, text: '[profile typo]\naws_access_key_id = A\naws_secret_access_key = B\n[shared]\naws_access_key_id = A\naws_secret_access_key = B\n' },
    );
    expect(result.profiles.map((p) => p.name)).toEqual(['shared']);
    expect(result.rejected).toEqual([
      { name: 'staging', source: CONFIG, line: 1, reason: `${CONFIG} line 1: [staging] isn't read by AWS tools; in the config file profiles are written [profile staging]` },
      {
        name: 'typo',
        source: CREDS,
        line: 1,
        reason: `${CREDS} line 1: [profile typo] belongs in the config file; the credentials file uses plain [typo] headers`,
      },
    ]);
  });

  it('repeated sections merge, later keys and the credentials file win; CRLF and quoted names work', () => {
    const result = parseAwsProfiles(
      { label: CONFIG, text: '[profile "ops"]\r\nregion = us-east-1\r\n\r\n[profile ops]\r\nregion = eu-north-1\r\naws_access_key_id = AKIACONFIG\r\n' },
      { label: CREDS, text: '[ops]\r\naws_access_key_id = AKIACREDS\r\naws_secret_access_key = S\r\n' },
    );
    expect(profile('ops', result)).toMatchObject({ region: 'eu-north-1', source: CREDS, line: 1, secrets: { accessKeyId: 'AKIACREDS', secretAccessKey: 'S' } });
  });

  it('either file alone works, and empty input imports nothing', () => {
    expect(parseAwsProfiles({ label: CONFIG, text: config }).profiles.map((p) => p.name)).toContain('sso-dev');
    expect(parseAwsProfiles(undefined, { label: CREDS, text: credentials }).profiles.map((p) => p.name)).toEqual(['default', 'prod-static']);
    expect(parseAwsProfiles()).toEqual({ profiles: [], rejected: [] });
    expect(parseAwsProfiles({ label: CONFIG, text: '# only comments\n; here\n' })).toEqual({ profiles: [], rejected: [] });
  });
});

describe('parseAwsProfiles: whole-file errors', () => {
  it('settings before any section header (e.g. the wrong file)', () => {
    const err = thrown(() => parseAwsProfiles({ label: CONFIG, text: '\napiVersion: v1\nclusters: []\n' }));
    expect(err.code).toBe('AWS_CONFIG_INVALID');
    expect(err.location).toEqual({ file: CONFIG, line: 2 });
    expect(err.message).toBe(`${CONFIG} line 2: expected a section header such as [default] or [profile name] before this line; is this an AWS config file?`);
  });

  it('a section header that never closes', () => {
    const err = thrown(() => parseAwsProfiles(undefined, { label: CREDS, text: '[default]\naws_access_key_id = AKIACANARYX\n[prod\naws_secret_access_key = CANARY-SECRET-X\n' }));
    expect(err).toMatchObject({ code: 'AWS_CONFIG_INVALID', location: { file: CREDS, line: 3 } });
    expect(err.message).toContain('missing its closing "]"');
    for (const canary of CANARIES) expect(err.message).not.toContain(canary);
  });
});

describe('secrets never appear in reasons', () => {
  it('across every rejection', () => {
    const extra = `[profile leaky-half]
aws_secret_access_key = CANARY-SECRET-HALF
[profile leaky-role]
role_arn = arn:aws:iam::1:role/R
external_id = CANARY-EXTERNAL-ID
aws_session_token = CANARY-SESSION-TOKEN
[profile leaky-malformed]
aws_access_key_id = AKIACANARYMAL0000001
CANARY-MALFORMED
`;
    const result = parseBoth(config + extra);
    expect(result.rejected.map((r) => r.name)).toEqual(expect.arrayContaining(['leaky-half', 'leaky-role', 'leaky-malformed']));
    const text = JSON.stringify(result.rejected);
    for (const canary of CANARIES) expect(text).not.toContain(canary);
  });
});

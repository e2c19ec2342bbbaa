import { AppError } from '../../../../shared/result';
import { credentialProvider, secretsOf, type AwsCredentialMaterial } from '../../aws/awsCredentials';
import type { ParsedAwsProfile } from '../awsProfilesParse';
import type { ConnectionProvider, OpenedConnection } from './provider';

/** AWS connections: sealed credential material (keys, a role chain, SSO…) and a region. */
export const awsProvider: ConnectionProvider<'aws'> = {
  is: 'an AWS connection',
  wanted: 'an AWS account',
  summaryOf: (details) => ({ aws: details }),
  async test(connection) {
    const { material, region, endpoint } = open(connection);
    const { testAwsConnection } = await import('../../aws/testAwsConnection');
    return testAwsConnection(material, region, endpoint);
  },
  access(connection) {
    const { material, region, endpoint } = open(connection);
    return { credentials: credentialProvider(material, region, endpoint), region, ...(endpoint ? { endpoint } : {}) };
  },
};

function open({ secret, details, redactor }: OpenedConnection<'aws'>): { material: AwsCredentialMaterial; region: string; endpoint?: string } {
  const material = JSON.parse(secret) as AwsCredentialMaterial;
  for (const s of secretsOf(material)) redactor.add(s);
  return { material, region: details.region, ...(details.endpointUrl ? { endpoint: details.endpointUrl } : {}) };
}

function staticKeysOf(p: ParsedAwsProfile): AwsCredentialMaterial | undefined {
  const { accessKeyId, secretAccessKey, sessionToken } = p.secrets;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { kind: 'static', accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** Builds credential material for a profile, following role chains through `profiles`. */
export function materialForProfile(name: string, profiles: Map<string, ParsedAwsProfile>, seen: string[] = []): AwsCredentialMaterial {
  const p = profiles.get(name);
  if (!p) throw new AppError('AWS_CONFIG_INVALID', `Profile "${seen.at(-1)}" uses source_profile "${name}", which is not defined`);
  if (seen.includes(name)) throw new AppError('AWS_CONFIG_INVALID', `Profiles ${[...seen, name].join(' → ')} form a cycle`);
  const s = p.settings;
  switch (p.kind) {
    case 'static': {
      const keys = staticKeysOf(p);
      if (!keys) throw new AppError('AWS_CONFIG_INVALID', `Profile "${name}" has no access keys`);
      return keys;
    }
    case 'assume-role': {
      const hop = {
        roleArn: s.role_arn,
        ...(s.role_session_name ? { roleSessionName: s.role_session_name } : {}),
        ...(p.secrets.externalId ? { externalId: p.secrets.externalId } : {}),
        ...(s.duration_seconds ? { durationSeconds: Number(s.duration_seconds) } : {}),
      };
      let root: AwsCredentialMaterial;
      if (s.credential_source) {
        root = { kind: 'credential-source', source: s.credential_source as 'Environment' };
      } else {
        // As in the SDK: a source profile with static keys ends the chain (even if it names a role itself).
        const source = profiles.get(s.source_profile);
        if (!source) throw new AppError('AWS_CONFIG_INVALID', `Profile "${name}" uses source_profile "${s.source_profile}", which is not defined`);
        root = staticKeysOf(source) ?? materialForProfile(source.name, profiles, [...seen, name]);
      }
      return root.kind === 'assume-role' ? { kind: 'assume-role', root: root.root, hops: [...root.hops, hop] } : { kind: 'assume-role', root, hops: [hop] };
    }
    case 'sso':
      return { kind: 'sso', startUrl: s.sso_start_url, accountId: s.sso_account_id, roleName: s.sso_role_name, ssoRegion: s.sso_region, ...(s.sso_session ? { session: s.sso_session } : {}) };
    case 'process':
      return { kind: 'process', command: s.credential_process };
    case 'web-identity':
      return { kind: 'web-identity', roleArn: s.role_arn, tokenFile: s.web_identity_token_file, ...(s.role_session_name ? { roleSessionName: s.role_session_name } : {}) };
  }
}

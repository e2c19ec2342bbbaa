import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fromContainerMetadata, fromEnv, fromInstanceMetadata, fromSSO, fromTemporaryCredentials, fromTokenFile } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { AppError } from '../../../shared/result';

/** One role assumption in a chain. */
export interface RoleHop {
  roleArn: string;
  roleSessionName?: string;
  externalId?: string;
  durationSeconds?: number;
}

/**
 * Everything needed to get credentials for one connection. Stored sealed:
 * a role chain carries its root credentials with it, so a connection does not
 * depend on the files it was imported from.
 */
export type AwsCredentialMaterial =
  | { kind: 'static'; accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  | { kind: 'assume-role'; root: AwsCredentialMaterial; hops: RoleHop[] }
  | { kind: 'credential-source'; source: 'Environment' | 'Ec2InstanceMetadata' | 'EcsContainer' }
  | { kind: 'sso'; startUrl: string; accountId: string; roleName: string; ssoRegion: string; session?: string }
  | { kind: 'process'; command: string }
  | { kind: 'web-identity'; roleArn: string; tokenFile: string; roleSessionName?: string };

const execFileAsync = promisify(execFile);

/** Splits a credential_process command line the way a POSIX shell would for plain quoting. */
export function splitCommand(command: string): string[] {
  const parts: string[] = [];
  const re = /"((?:\\.|[^"\\])*)"|'([^']*)'|(\S+)/g;
  for (const m of command.matchAll(re)) parts.push(m[1]?.replace(/\\(.)/g, '$1') ?? m[2] ?? m[3]);
  return parts;
}

async function fromCredentialProcess(command: string): Promise<AwsCredentialIdentity> {
  const [file, ...args] = splitCommand(command);
  const { stdout } = await execFileAsync(file, args, { timeout: 60_000, maxBuffer: 1 << 20 });
  const out = JSON.parse(stdout) as { Version?: number; AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: string };
  if (out.Version !== 1 || !out.AccessKeyId || !out.SecretAccessKey) {
    throw new AppError('UNAUTHORIZED', `credential_process "${file}" did not print Version 1 credentials`);
  }
  return {
    accessKeyId: out.AccessKeyId,
    secretAccessKey: out.SecretAccessKey,
    sessionToken: out.SessionToken,
    expiration: out.Expiration ? new Date(out.Expiration) : undefined,
  };
}

/** Builds an SDK v3 credential provider; `endpoint` also routes STS for role chains. */
export function credentialProvider(material: AwsCredentialMaterial, region: string, endpoint?: string): AwsCredentialIdentityProvider {
  switch (material.kind) {
    case 'static':
      return async () => ({ accessKeyId: material.accessKeyId, secretAccessKey: material.secretAccessKey, sessionToken: material.sessionToken });
    case 'assume-role': {
      let provider = credentialProvider(material.root, region, endpoint);
      for (const hop of material.hops) {
        provider = fromTemporaryCredentials({
          masterCredentials: provider,
          params: {
            RoleArn: hop.roleArn,
            RoleSessionName: hop.roleSessionName ?? `pilothouse-${Date.now()}`,
            ExternalId: hop.externalId,
            DurationSeconds: hop.durationSeconds,
          },
          clientConfig: { region, ...(endpoint ? { endpoint } : {}) },
        });
      }
      return provider;
    }
    case 'credential-source':
      if (material.source === 'Environment') return fromEnv();
      if (material.source === 'EcsContainer') return fromContainerMetadata();
      return fromInstanceMetadata();
    case 'sso':
      return fromSSO({ ssoStartUrl: material.startUrl, ssoAccountId: material.accountId, ssoRoleName: material.roleName, ssoRegion: material.ssoRegion, ssoSession: material.session });
    case 'process':
      return () => fromCredentialProcess(material.command);
    case 'web-identity':
      return fromTokenFile({ webIdentityTokenFile: material.tokenFile, roleArn: material.roleArn, roleSessionName: material.roleSessionName });
  }
}

/** Every secret string in the material, for the log redactor. */
export function secretsOf(material: AwsCredentialMaterial): string[] {
  switch (material.kind) {
    case 'static':
      return [material.secretAccessKey, material.sessionToken ?? ''];
    case 'assume-role':
      return [...secretsOf(material.root), ...material.hops.map((h) => h.externalId ?? '')];
    default:
      return [];
  }
}

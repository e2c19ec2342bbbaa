import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Health } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { credentialProvider, type AwsCredentialMaterial } from './awsCredentials';

const UNAUTHORIZED = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'UnrecognizedClientException', 'AccessDenied', 'CredentialsProviderError']);

/** Tests AWS credentials with STS GetCallerIdentity, which needs no permissions. */
export async function testAwsConnection(material: AwsCredentialMaterial, region: string, endpoint?: string, timeoutMs = 15_000): Promise<Health> {
  const started = Date.now();
  const checkedAt = new Date().toISOString();
  const client = new STSClient({ region, credentials: credentialProvider(material, region, endpoint), ...(endpoint ? { endpoint } : {}), maxAttempts: 1 });
  try {
    const out = await client.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(timeoutMs) });
    return { status: 'ok', checkedAt, latencyMs: Date.now() - started, identity: out.Arn, message: `Signed in as ${out.Arn} (account ${out.Account})` };
  } catch (err) {
    const name = (err as { name?: string }).name ?? '';
    const message = err instanceof AppError ? err.message : ((err as Error).message ?? String(err)).split('\n')[0].slice(0, 300);
    if (UNAUTHORIZED.has(name) || err instanceof AppError) return { status: 'unauthorized', checkedAt, message: `AWS rejected these credentials: ${message}` };
    if (name === 'TimeoutError' || name === 'AbortError') return { status: 'unreachable', checkedAt, message: `STS did not answer within ${timeoutMs / 1000} s` };
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { status: 'unreachable', checkedAt, message: `Cannot reach STS${endpoint ? ` at ${endpoint}` : ''}: ${message}` };
    return { status: 'error', checkedAt, message };
  } finally {
    client.destroy();
  }
}

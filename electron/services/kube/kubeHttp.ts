import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { AppError } from '../../../shared/result';

export interface KubeResponse<T> {
  status: number;
  body: T;
}

export interface KubeRequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * One request to the apiserver with the connection's own auth, applied by
 * @kubernetes/client-node (client certificates, tokens, exec plugins, OIDC),
 * with a deadline. Network failures become AppErrors a person can act on;
 * HTTP statuses are returned for the caller to judge.
 */
export async function kubeRequest<T = unknown>(kc: KubeConfig, path: string, options: KubeRequestOptions = {}): Promise<KubeResponse<T>> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new AppError('KUBECONFIG_INVALID', 'The connection has no cluster');
  const server = cluster.server;
  const url = new URL(path, cluster.server.endsWith('/') ? cluster.server : cluster.server + '/');
  const opts: https.RequestOptions = { method: options.method ?? 'GET', headers: { Accept: 'application/json' } };
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (err) {
    throw new AppError('UNAUTHORIZED', `Could not get credentials for ${kc.getCurrentUser()?.name ?? 'this user'}: ${firstLine(err)}`);
  }
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  if (payload) {
    (opts.headers as Record<string, string>)['Content-Type'] = options.method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    let req: http.ClientRequest;
    try {
      req = transport.request(url, { ...opts, signal: options.signal }, onResponse);
    } catch (err) {
      // Bad client certificates and keys fail here, synchronously, before any network traffic.
      return reject(new AppError('TLS', `The client certificate or key of ${kc.getCurrentUser()?.name ?? 'this user'} cannot be used: ${firstLine(err)}`));
    }
    function onResponse(res: http.IncomingMessage) {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // Non-JSON bodies (proxies, /healthz) are returned as text.
        }
        resolve({ status: res.statusCode ?? 0, body: body as T });
      });
      res.on('error', (err) => reject(networkError(err, server)));
    }
    req.setTimeout(timeoutMs, () => req.destroy(new AppError('TIMEOUT', `${server} did not answer within ${timeoutMs / 1000} s`)));
    req.on('error', (err) => reject(err instanceof AppError ? err : networkError(err, server)));
    req.end(payload);
  });
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 300);
}

/** Names the failure in terms of what to check. */
export function networkError(err: unknown, server: string): AppError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (err instanceof AppError) return err;
  if (code === 'ECONNREFUSED') return new AppError('UNREACHABLE', `${server} refused the connection: is the apiserver running and the address right?`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new AppError('UNREACHABLE', `${server}: the host name does not resolve (VPN or DNS?)`);
  if (code === 'ECONNRESET' || code === 'EPIPE') return new AppError('UNREACHABLE', `${server} closed the connection`);
  if (code === 'ETIMEDOUT' || code === 'ABORT_ERR') return new AppError('TIMEOUT', `${server} did not answer in time`);
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new AppError('TLS', `${server}: the server certificate is not trusted (${code}). Check certificate-authority in the kubeconfig.`);
  }
  return new AppError('UNREACHABLE', `${server}: ${firstLine(err)}`);
}

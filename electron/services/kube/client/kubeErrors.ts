import { AppError } from '../../../../shared/result';

/** The `message` of a Kubernetes Status body, when the body is one. */
function statusMessage(body: unknown): string | undefined {
  const message = (body as { kind?: string; message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message ? message.slice(0, 500) : undefined;
}

/**
 * An apiserver's non-2xx answer as an error a person can act on: what was
 * being done, the status, and the server's own words when it gave some.
 */
export function kubeStatusError(what: string, status: number, body?: unknown): AppError {
  const said = statusMessage(body);
  const detail = said ? `: ${said}` : '';
  if (status === 401) return new AppError('UNAUTHORIZED', `The server rejected the credentials (401) while ${what}: re-import the kubeconfig or renew the token`);
  if (status === 403) return new AppError('FORBIDDEN', `No access (403) while ${what}${detail}`);
  if (status === 404) return new AppError('NOT_FOUND', `Not found (404) while ${what}${detail}`);
  if (status === 409) return new AppError('CONFLICT', `Conflict (409) while ${what}${detail}`);
  if (status === 400 || status === 422) return new AppError('VALIDATION', `The server refused (${status}) while ${what}${detail}`);
  return new AppError('UNREACHABLE', `HTTP ${status} while ${what}${detail}`);
}

/** Bytes of a refusal's body read at most: a Status is small, and a hostile server's answer must not fill memory. */
const REFUSAL_MAX_BYTES = 64 * 1024;

/**
 * The body of an apiserver's refusal of an upgrade (a WebSocket for exec or
 * port-forward), parsed as JSON when it is, else its text; undefined when it
 * could not be read.
 */
export function readRefusalBody(res: NodeJS.ReadableStream): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    res.on('data', (c: Buffer) => {
      if (bytes < REFUSAL_MAX_BYTES) chunks.push(c.subarray(0, REFUSAL_MAX_BYTES - bytes));
      bytes += c.length;
    });
    res.on('error', () => resolve(undefined));
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(JSON.parse(text));
      } catch {
        resolve(text);
      }
    });
  });
}

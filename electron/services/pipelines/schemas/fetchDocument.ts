import { AppError } from '../../../../shared/result';
import { megabytes } from '../../../../shared/sizeLimit';
import type { KubeAccess } from '../../kube/client/kubeAccess';
import { kubeStatusError } from '../../kube/client/kubeErrors';
import { kubeStream } from '../../kube/client/kubeHttp';

/** How long and how much one GET of `/openapi/v3…` may take. */
export interface FetchLimits {
  /** The whole request, connecting included. */
  deadlineMs: number;
  /** Characters of body read at most; past it the request is stopped with FILE_TOO_LARGE. */
  maxChars: number;
  signal?: AbortSignal;
}

/** One GET of a cluster path, answered with the body's text (2xx) or rejected with an AppError a person can act on. */
export type FetchDocument = (connectionId: string, path: string, limits: FetchLimits) => Promise<string>;

/**
 * {@link FetchDocument} over the connection's own auth. The body is taken
 * line by line as it arrives (kubeStream), so a server sending more than
 * `maxChars` is cut off once it has, rather than after it filled memory;
 * Kubernetes sends each document as one line, and JSON reads the same with
 * the lines of any other server joined by newlines.
 */
export function kubeFetchDocument(access: Pick<KubeAccess, 'config'>): FetchDocument {
  return async (connectionId, path, { deadlineMs, maxChars, signal }) => {
    const kc = await access.config(connectionId);
    const stop = new AbortController();
    const deadline = AbortSignal.timeout(deadlineMs);
    const lines: string[] = [];
    let chars = 0;
    let tooLarge = false;
    const onLine = (line: string, cut: boolean) => {
      chars += line.length + 1;
      if (cut || chars > maxChars) {
        tooLarge = true;
        stop.abort();
        return;
      }
      lines.push(line);
    };
    const signals = [stop.signal, deadline, ...(signal ? [signal] : [])];
    try {
      const res = await kubeStream(kc, path, { onLine, maxLineLength: maxChars, idleTimeoutMs: deadlineMs, signal: AbortSignal.any(signals) });
      if (res.status < 200 || res.status > 299) throw kubeStatusError(`reading the cluster's API schema (${path.split('?')[0]})`, res.status, res.body);
    } catch (err) {
      if (tooLarge) throw tooLargeError(path, maxChars);
      if (deadline.aborted) throw new AppError('TIMEOUT', `The cluster did not send its API schema (${path.split('?')[0]}) within ${deadlineMs / 1000} s`);
      throw err;
    }
    if (tooLarge) throw tooLargeError(path, maxChars);
    return lines.join('\n');
  };

}

function tooLargeError(path: string, maxChars: number): AppError {
  return new AppError('FILE_TOO_LARGE', `The cluster's API schema ${path.split('?')[0]} is over ${megabytes(maxChars)}, more than Pilothouse reads; its kinds edit without a schema`);
}

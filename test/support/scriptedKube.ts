/**
 * A scripted apiserver for unit tests of services that call `kubeRequest`:
 * answers by `METHOD path` (the query left out) and records every request.
 * The test file mocks the module itself, as vitest needs:
 * `vi.mock('../kube/client/kubeHttp', () => ({ kubeRequest: vi.fn() }))`.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { MockedFunction } from 'vitest';
import type { kubeRequest, KubeRequestOptions } from '../../electron/services/kube/client/kubeHttp';

/** One request a service made. */
export interface SentRequest {
  method: string;
  path: string;
  body?: unknown;
}

/** The answer to one request, from the body sent. */
export type KubeRoute = (body: unknown) => { status: number; body?: unknown };

/** Routes `mocked` to `routes` (filled in by the test; a missing route fails the request) and records into `sent`. */
export function scriptKubeRequest(mocked: MockedFunction<typeof kubeRequest>): { sent: SentRequest[]; routes: Record<string, KubeRoute> } {
  const sent: SentRequest[] = [];
  const routes: Record<string, KubeRoute> = {};
  mocked.mockImplementation(async (_kc: KubeConfig, path: string, options: KubeRequestOptions = {}) => {
    const method = options.method ?? 'GET';
    sent.push({ method, path, ...(options.body === undefined ? {} : { body: options.body }) });
    const route = routes[`${method} ${path.split('?')[0]}`];
    if (!route) throw new Error(`unexpected ${method} ${path}`);
    const { status, body } = route(options.body);
    return { status, body: body ?? {} };
  });
  return { sent, routes };
}

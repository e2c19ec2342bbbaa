import type { RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type { Health, PermissionCheck } from '../../../../shared/contract';
import { AppError } from '../../../../shared/result';
import { kubeRequest } from './kubeHttp';

/** What the health check asks the server the user may do. */
const PROBES: Omit<PermissionCheck, 'allowed'>[] = [
  { verb: 'list', resource: 'nodes' },
  { verb: 'list', resource: 'pods' },
  { verb: 'list', resource: 'deployments', group: 'apps' },
  { verb: 'patch', resource: 'deployments', group: 'apps' },
  { verb: 'delete', resource: 'pods' },
  { verb: 'create', resource: 'pods/exec' },
  { verb: 'get', resource: 'secrets' },
];

/** How long `/version` may take, connecting included: the server's own answer comes in milliseconds. */
const VERSION_DEADLINE_MS = 5_000;

interface VersionInfo {
  gitVersion?: string;
}
interface SelfSubjectReview {
  status?: { userInfo?: { username?: string } };
}
interface AccessReview {
  status?: { allowed?: boolean };
}

/**
 * Makes `kc` get its credentials once and reuse them for every request of
 * one Test. client-node keeps an exec plugin's credential only until its
 * expirationTimestamp, and a credential without one is fetched again for each
 * request: nine runs of the plugin per Test.
 */
function credentialsOncePerTest(kc: KubeConfig): void {
  const apply = kc.applyToHTTPSOptions.bind(kc);
  let applied: Promise<RequestOptions> | undefined;
  kc.applyToHTTPSOptions = async (opts) => {
    applied ??= (async () => {
      const base: RequestOptions = {};
      await apply(base);
      return base;
    })();
    const { headers, ...rest } = await applied;
    Object.assign(opts, rest);
    opts.headers = { ...(opts.headers as Record<string, string> | undefined), ...(headers as Record<string, string> | undefined) };
  };
}

/**
 * Tests a Kubernetes connection the way a person would: can we reach
 * `/version`, who does the server think we are, and what may we do (cluster-wide,
 * and in the context's namespace when it has one).
 */
export async function testKubeConnection(kubeconfig: string, timeoutMs = 10_000): Promise<Health> {
  const started = Date.now();
  const checkedAt = new Date().toISOString();
  try {
    const kc = new KubeConfig();
    // Throws for credentials it cannot load, e.g. a tokenFile that no longer exists.
    kc.loadFromString(kubeconfig);
    credentialsOncePerTest(kc);
    const version = await kubeRequest<VersionInfo>(kc, '/version', { deadlineMs: VERSION_DEADLINE_MS });
    const latencyMs = Date.now() - started;
    if (version.status === 401) {
      return { status: 'unauthorized', checkedAt, latencyMs, message: 'The server rejected these credentials (401): the token or certificate is expired or revoked.' };
    }
    if (version.status >= 400 && version.status !== 403) {
      return { status: 'error', checkedAt, latencyMs, message: `/version answered HTTP ${version.status}` };
    }
    const serverVersion = version.status === 200 ? version.body?.gitVersion : undefined;
    const review = await kubeRequest<SelfSubjectReview>(kc, '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      method: 'POST',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      timeoutMs,
    });
    if (review.status === 401) {
      return { status: 'unauthorized', checkedAt, latencyMs, serverVersion, message: 'The server rejected these credentials (401).' };
    }
    const identity = review.status === 201 || review.status === 200 ? review.body?.status?.userInfo?.username : undefined;
    const namespace = kc.getContextObject(kc.getCurrentContext())?.namespace;
    const permissions = await Promise.all(
      PROBES.map(async (probe) => {
        const ns = probe.resource === 'nodes' ? undefined : namespace;
        const res = await kubeRequest<AccessReview>(kc, '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
          method: 'POST',
          timeoutMs,
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: { resourceAttributes: { verb: probe.verb, resource: probe.resource.split('/')[0], subresource: probe.resource.split('/')[1], group: probe.group ?? '', namespace: ns } },
          },
        });
        return { ...probe, ...(ns ? { namespace: ns } : {}), allowed: res.body?.status?.allowed === true };
      }),
    );
    const allowedCount = permissions.filter((p) => p.allowed).length;
    return {
      status: allowedCount === permissions.length ? 'ok' : 'limited',
      checkedAt,
      latencyMs,
      serverVersion,
      identity,
      permissions,
      message:
        allowedCount === permissions.length
          ? `Connected to Kubernetes ${serverVersion ?? ''}`.trim()
          : `Connected; ${permissions.length - allowedCount} of ${permissions.length} checked actions are not allowed${namespace ? ` (namespace ${namespace})` : ''}`,
    };
  } catch (err) {
    if (err instanceof AppError) {
      const status = err.code === 'UNAUTHORIZED' ? 'unauthorized' : err.code === 'UNREACHABLE' || err.code === 'TIMEOUT' ? 'unreachable' : 'error';
      return { status, checkedAt, message: err.message };
    }
    return { status: 'error', checkedAt, message: `The connection's credentials could not be used: ${(err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 300)}` };
  }
}

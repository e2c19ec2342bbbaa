/**
 * Test kit: the namespace `h1-backup-fixture` as recorded from the test
 * bed's apiserver (fixtures/h1-backup-fixture.json: a Deployment, a
 * StatefulSet, a CronJob and a Job it ran, a Job, a bare Pod, Services, a
 * claim, RBAC, a ConfigMap, Secrets and an Argo WorkflowTemplate, with the
 * discovery answer and the CRD), served by a local HTTP server that pages
 * lists as the apiserver does, and a KubeAccess over it.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import type { ApiResource } from '../../../../shared/contract';
import { kubeConfigFor } from '../../../../test/support/localKube';
import { objectPath } from '../../kube/client/kubeAccess';
import type { KubeAccess } from '../../kube/client/kubeAccess';
import type { KubeObject } from '../../kube/model/kubeObject';
import { backupResources } from './collect';

/** What the fixture holds. */
export interface Recorded {
  resources: ApiResource[];
  namespace: KubeObject;
  crds: Record<string, KubeObject>;
  /** Each resource's items (`group/resource`), as listed. */
  lists: Record<string, KubeObject[]>;
}

/** The recorded namespace's name. */
export const FIXTURE_NAMESPACE = 'h1-backup-fixture';

/** The recording, fresh (a test may change it). */
export const loadRecorded = (): Recorded => JSON.parse(readFileSync(join(__dirname, 'fixtures', 'h1-backup-fixture.json'), 'utf8')) as Recorded;

/** A local apiserver answering from a recording. */
export interface RecordedApiserver {
  recorded: Recorded;
  /** Resources (`group/resource`) answered with this status instead of their items; `/namespaces` for the namespace's own GET. */
  refused: Map<string, number>;
  /** Paths with queries asked, in order. */
  requests: string[];
  /** Items per page at most: small by default, so continue tokens are followed. */
  pageSize: number;
  /** Called before each list answer (a test cancels there). */
  onList?: (path: string) => void;
  access: Pick<KubeAccess, 'config' | 'discover'>;
  close(): Promise<void>;
}

/** Starts the apiserver of the recording. */
export async function startRecordedApiserver(): Promise<RecordedApiserver> {
  const recorded = loadRecorded();
  const state: Omit<RecordedApiserver, 'access' | 'close'> = { recorded, refused: new Map(), requests: [], pageSize: 2 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    state.requests.push(url.pathname + url.search);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === `/api/v1/namespaces/${FIXTURE_NAMESPACE}`) {
      const status = state.refused.get('/namespaces');
      return status ? send(status, { kind: 'Status', message: `namespaces "${FIXTURE_NAMESPACE}" is forbidden: User "ci" cannot get resource` }) : send(200, recorded.namespace);
    }
    if (url.pathname.startsWith('/api/v1/namespaces/') && url.pathname.split('/').length === 5) return send(404, { kind: 'Status', message: 'namespace not found' });
    const crd = /^\/apis\/apiextensions\.k8s\.io\/v1\/customresourcedefinitions\/(.+)$/.exec(url.pathname);
    if (crd) return recorded.crds[crd[1]] ? send(200, recorded.crds[crd[1]]) : send(404, {});
    const api = backupResources(recorded.resources).find((r) => objectPath(r, FIXTURE_NAMESPACE) === url.pathname);
    if (!api) return send(404, { kind: 'Status', message: 'not served' });
    state.onList?.(url.pathname);
    const status = state.refused.get(`${api.group}/${api.resource}`);
    if (status) return send(status, { kind: 'Status', message: status === 403 ? `${api.resource} is forbidden: User "ci" cannot list resource` : 'the server is currently unable to handle the request' });
    const items = recorded.lists[`${api.group}/${api.resource}`] ?? [];
    const size = Math.min(state.pageSize, Number(url.searchParams.get('limit')));
    const from = Number(url.searchParams.get('continue') ?? 0);
    const next = from + size < items.length ? String(from + size) : '';
    send(200, { kind: `${api.kind}List`, apiVersion: 'v1', metadata: { resourceVersion: '1', ...(next ? { continue: next } : {}) }, items: items.slice(from, from + size) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kc = kubeConfigFor(server);
  return Object.assign(state, {
    access: {
      config: async () => kc,
      discover: async () => ({ serverVersion: 'v1.34.4', resources: recorded.resources, at: Date.now() }),
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

import { vi } from 'vitest';
import { createEventListeners, createStreamReceiver, type PilothouseBridge } from '../../../shared/bridge';
import {
  eventNames,
  methodNames,
  type AppInfo,
  type AuditEntry,
  type ConnectionSummary,
  type EventName,
  type EventPayload,
  type MethodName,
  type ParamsIn,
  type ResultOf,
  type StreamName,
  type StreamPayload,
  type TaskSummary,
} from '../../../shared/contract';
import type { AppErrorShape, Result } from '../../../shared/result';
import { encodeStreamFrame, type ClientMessage } from '../../../shared/wire';

/** A fake handler for one method. */
export type FakeHandler<M extends MethodName> = (params: ParamsIn<M>) => Result<ResultOf<M>> | Promise<Result<ResultOf<M>>>;
type FakeHandlers = { [M in MethodName]?: FakeHandler<M> };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: AppErrorShape['code'], message: string, location?: AppErrorShape['location']): Result<never> => ({
  ok: false,
  error: { code, message, ...(location ? { location } : {}) },
});

export const browserInfo: AppInfo = { version: '0.1.0', mode: 'browser', platform: 'linux', secretStorage: 'AES-256-GCM key file', capabilities: { nativeFileDialog: false } };

/**
 * The UI's seam to the services, faked: every method is a `vi.fn` answering
 * from `handlers` (unfaked methods fail with UNSUPPORTED), and events and
 * private streams are delivered through the same registry and stream
 * receiver the real bridges use.
 */
export function createFakeBridge(handlers: FakeHandlers = {}) {
  const registry = createEventListeners(eventNames);
  const current: FakeHandlers = {
    'app.info': () => ok(browserInfo),
    'connections.list': () => ok([]),
    'audit.list': () => ok({ entries: [], hasMore: false }),
    'tasks.list': () => ok({ tasks: [], hasMore: false }),
    'runbooks.search': () => ok({ hits: [], total: 0, tags: [] }),
    ...handlers,
  };
  let seq = 0;
  const methods = Object.fromEntries(
    methodNames.map((m) => [
      m,
      vi.fn(async (params: unknown) => {
        const handler = current[m] as ((p: unknown) => Result<unknown> | Promise<Result<unknown>>) | undefined;
        return handler ? handler(params) : fail('UNSUPPORTED', `${m} is not faked in this test`);
      }),
    ]),
  ) as unknown as PilothouseBridge['methods'];
  /** Private streams the UI closed, by id. */
  const cancelled: string[] = [];
  const streams = createStreamReceiver((msg: ClientMessage) => msg.t === 'streamCancel' && cancelled.push(String(msg.stream)));
  const bridge: PilothouseBridge = { methods, events: registry.events, onResync: registry.onResync, stream: streams.stream };
  return {
    bridge,
    /** The mock behind a method, for assertions. */
    method: (m: MethodName) => vi.mocked(methods[m] as (p: unknown) => Promise<Result<unknown>>),
    handle<M extends MethodName>(m: M, handler: FakeHandler<M>) {
      (current as Record<string, unknown>)[m] = handler;
    },
    emit<E extends EventName>(name: E, payload: EventPayload<E>) {
      registry.deliver({ seq: ++seq, events: [{ name, payload }] });
    },
    /** One message on private stream `id`, as the services would frame it. */
    streamMessage<S extends StreamName>(_name: S, id: string, payload: StreamPayload<S>) {
      streams.frame(encodeStreamFrame(Number(id), new TextEncoder().encode(JSON.stringify(payload))));
    },
    /** The services end private stream `id`. */
    streamEnd(id: string, error?: AppErrorShape) {
      streams.end(Number(id), error);
    },
    /** Ids of the private streams the UI closed, in order. */
    cancelledStreams: () => [...cancelled],
    /** As when the UI fell behind and events were dropped. */
    resync() {
      registry.deliver({ seq: ++seq, events: [], overflow: true });
    },
  };
}

export type FakeBridge = ReturnType<typeof createFakeBridge>;

/** A stored Kubernetes connection. */
export function kubeConnection(overrides: Partial<ConnectionSummary> = {}): ConnectionSummary {
  return {
    id: 'k-prod',
    kind: 'kubernetes',
    name: 'prod-eu',
    labels: { env: 'prod' },
    source: '~/.kube/config',
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    health: { status: 'unknown' },
    kube: { server: 'https://10.0.0.1:6443', contextName: 'prod-eu', clusterName: 'prod-eu', userName: 'admin', authKind: 'client-certificate' },
    ...overrides,
  };
}

/** A stored AWS connection. */
export function awsConnection(overrides: Partial<ConnectionSummary> = {}): ConnectionSummary {
  return {
    id: 'a-ml',
    kind: 'aws',
    name: 'ml-prod',
    labels: {},
    source: 'typed keys',
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    health: { status: 'unknown' },
    aws: { profileKind: 'static', region: 'eu-west-1', accessKeyHint: 'WXYZ', settings: {} },
    ...overrides,
  };
}

/** An audit entry. */
export function auditEntry(id: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return { id, at: '2025-01-01T10:00:00Z', actor: 'me@laptop', action: 'connections.rename', target: `conn-${id}`, status: 'succeeded', ...overrides };
}

/** An import task as `connections.importKubeconfig` starts it: reading its source, 1,000 contexts chosen. */
export function importTask(overrides: Partial<TaskSummary> = {}): TaskSummary {
  return {
    id: 't-import',
    kind: 'connections.import',
    title: 'Import 1,000 contexts from pasted text',
    target: 'pasted text',
    actor: 'me@laptop',
    status: 'running',
    phases: [
      { name: 'read', state: 'running', startedAt: '2025-01-01T10:00:00Z' },
      { name: 'check', state: 'pending' },
      { name: 'seal', state: 'pending' },
      { name: 'save', state: 'pending' },
    ],
    phase: 'read',
    progress: { done: 0, total: 0, unit: 'contexts' },
    cancellable: true,
    startedAt: '2025-01-01T10:00:00Z',
    message: 'Reading pasted text',
    auditId: 9,
    dismissed: false,
    ...overrides,
  };
}

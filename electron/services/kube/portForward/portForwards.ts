/**
 * Port-forwards: a TCP server on 127.0.0.1 per forward, and for each
 * connection it accepts, a stream through the apiserver to the pod
 * (see portForwardTunnel.ts). Service and workload targets follow their pods:
 * when the pod a forward used is gone, the next connection looks again.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import type WebSocket from 'ws';
import type { ParamsOf, PortForward } from '../../../../shared/contract';
import { AppError } from '../../../../shared/result';
import type { AuditService } from '../../audit/auditService';
import type { ConnectionService } from '../../connections/connectionService';
import type { Logger } from '../../logging/logger';
import type { EventHub } from '../../rpc/eventHub';
import { auditTarget, connectionNameOf } from '../actions/kubeActionTarget';
import type { KubeAccess } from '../client/kubeAccess';
import { kubeStatusError } from '../client/kubeErrors';
import { kubeRequest } from '../client/kubeHttp';
import { resolvePodRoute, resourceOfTarget } from './portForwardPods';
import { throttle } from './portForwardThrottle';
import { PortForwardFrames, openPortForward } from './portForwardTunnel';

export interface PortForwardsDeps {
  access: KubeAccess;
  audit: AuditService;
  connections: Pick<ConnectionService, 'list'>;
  hub: Pick<EventHub, 'publish'>;
  log: Logger;
}

export interface PortForwards {
  start(params: ParamsOf<'portForwards.start'>, actor: string): Promise<PortForward>;
  list(): PortForward[];
  stop(id: string, actor: string): Promise<void>;
  /** Closes every forward and its streams (shutdown); not audited. */
  closeAll(): void;
}

/** Who the audit names for a forward stopped because its connection was deleted. */
const SYSTEM_ACTOR = 'pilothouse (automatic)';
/** The only address forwards listen on: never reachable from other machines. */
const LOOPBACK = '127.0.0.1';
/** `portForwards.changed` at most 4 times a second, however busy the byte counters. */
const PUBLISH_INTERVAL_MS = 250;
/** Bytes queued towards the apiserver before the local reader pauses. */
const HIGH_WATER = 1 << 20;

/** One local connection and its stream, once open. */
interface Link {
  socket: net.Socket;
  ws?: WebSocket;
}

interface Forward {
  /** What `list()` reports; counters change in place. */
  info: PortForward;
  params: ParamsOf<'portForwards.start'>;
  /** The pod port traffic goes to (a Service port mapped to its targetPort). */
  podPort: number;
  auditTarget: string;
  server: net.Server;
  links: Set<Link>;
  /** The pod in `info.pod` failed: look again before the next connection (Service and workload targets). */
  stale: boolean;
  /** A lookup in flight, shared by connections that arrive meanwhile. */
  lookup?: Promise<void>;
  closed: boolean;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Why listening on 127.0.0.1:`port` failed, put so the user knows which port to choose instead. */
export function listenError(port: number, err: NodeJS.ErrnoException): AppError {
  if (err.code === 'EADDRINUSE') return new AppError('VALIDATION', `port ${port} is already in use on ${LOOPBACK}: choose another or leave it empty for any free port`);
  if (err.code === 'EACCES') {
    return new AppError('VALIDATION', `port ${port} needs administrator rights on this machine: choose one above 1023 or leave it empty for any free port`);
  }
  return new AppError('INTERNAL', `Could not listen on ${LOOPBACK}:${port}: ${err.message}`);
}

/** Listens on 127.0.0.1:`port` (0: any free port); a taken port is the user's to change. */
function listenLocal(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    // Paused until the stream to the pod is open, so nothing the client sends first is lost.
    const server = net.createServer({ pauseOnConnect: true });
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(port, err)));
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => resolve(server));
  });
}

/** "127.0.0.1:8080 → pod/web-1:80": where a forward's traffic goes, for the log and the audit. */
export function forwardRoute(localPort: number, pod: string, podPort: number): string {
  return `${LOOPBACK}:${localPort} → pod/${pod}:${podPort}`;
}

/** What a stop's audit entry says was there before. */
export function stopBefore(route: string, activeConnections: number): string {
  return `${route}, ${activeConnections} connection(s) open`;
}

/** What a start's audit entry says it asked for. */
export function startDetail(remotePort: number, localPort: number | undefined): string {
  return `remote port ${remotePort}, local port ${localPort || 'any free'} on ${LOOPBACK}`;
}

/** The SelfSubjectAccessReview asking whether the user may port-forward to `pod`. */
export function portForwardReview(namespace: string, pod: string): object {
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: { namespace, verb: 'create', resource: 'pods', subresource: 'portforward', name: pod } },
  };
}

export function createPortForwards(deps: PortForwardsDeps): PortForwards {
  const { access, audit, connections, hub, log } = deps;
  const forwards = new Map<string, Forward>();

  const list = (): PortForward[] => [...forwards.values()].map((f) => ({ ...f.info }));
  const changes = throttle(() => hub.publish('portForwards.changed', { forwards: list() }), PUBLISH_INTERVAL_MS);
  const route = (f: Forward) => forwardRoute(f.info.localPort, f.info.pod, f.podPort);

  /** Refuses at start, rather than at the first connection, a user who may not port-forward there. */
  async function checkAllowed(connectionId: string, namespace: string, pod: string): Promise<void> {
    const kc = await access.config(connectionId);
    const res = await kubeRequest<{ status?: { allowed?: boolean } }>(kc, '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      method: 'POST',
      body: portForwardReview(namespace, pod),
    });
    if (res.status !== 201 && res.status !== 200) throw kubeStatusError(`checking port-forward access in ${namespace}`, res.status, res.body);
    if (!res.body.status?.allowed) {
      throw new AppError('FORBIDDEN', `${kc.getCurrentUser()?.name ?? 'This user'} may not port-forward to pods in ${namespace} (it needs "create" on pods/portforward)`);
    }
  }

  /** Finds the target's pod again; concurrent connections share one lookup. */
  function relookup(f: Forward): Promise<void> {
    f.lookup ??= access
      .config(f.params.connectionId)
      .then((kc) => resolvePodRoute(kc, f.params))
      .then((found) => {
        if (found.pod !== f.info.pod) log.info('port-forward moved to another pod', { id: f.info.id, from: f.info.pod, to: found.pod });
        f.info.pod = found.pod;
        f.podPort = found.podPort;
        f.stale = false;
        changes.schedule();
      })
      .finally(() => {
        f.lookup = undefined;
      });
    return f.lookup;
  }

  /** Opens a stream to the forward's pod; for Service and workload targets, tries a pod found afresh once. */
  async function dial(f: Forward): Promise<WebSocket> {
    const open = async () => openPortForward(await access.config(f.params.connectionId), f.params.namespace, f.info.pod, f.podPort);
    if (f.params.kind === 'pod') return open();
    if (f.stale) await relookup(f);
    try {
      return await open();
    } catch (err) {
      const before = f.info.pod;
      await relookup(f);
      if (f.info.pod === before) throw err;
      return open();
    }
  }

  const connectionExists = (f: Forward) => connections.list().some((c) => c.id === f.info.connectionId);

  /**
   * Stops a forward whose connection was deleted: every connection through it
   * would fail until someone stopped it by hand. Audited like a stop.
   */
  function stopOrphaned(f: Forward): void {
    if (f.closed) return;
    // Claimed now: local connections arriving meanwhile must not stop it a second time.
    f.closed = true;
    const facts = { id: f.info.id, target: f.info.target, connection: f.info.connectionName };
    void audit
      .record(
        {
          actor: SYSTEM_ACTOR,
          action: 'portForward.stop',
          target: f.auditTarget,
          connectionId: f.info.connectionId,
          connectionName: f.info.connectionName,
          before: stopBefore(route(f), f.info.activeConnections),
          detail: 'connection deleted',
        },
        () => shut(f),
        () => ({ after: 'stopped' }),
      )
      .then(
        () => log.info('port-forward stopped: its connection was deleted', facts),
        (err: unknown) => {
          // The audit store failed: the forward is stopped all the same.
          log.error('port-forward of a deleted connection stopped without its audit entry', { ...facts, error: err });
          return shut(f);
        },
      )
      .finally(() => changes.schedule());
  }

  function failed(f: Forward, err: unknown): void {
    // A failure because the connection is gone (NOT_FOUND from the connection store) ends the forward.
    if (!connectionExists(f)) {
      stopOrphaned(f);
      return;
    }
    f.info.lastError = messageOf(err);
    if (f.params.kind !== 'pod') f.stale = true;
    log.warn('port-forward connection failed', { id: f.info.id, target: f.info.target, error: f.info.lastError });
    changes.schedule();
  }

  /** Carries one local connection to the pod and back. */
  async function carry(f: Forward, socket: net.Socket): Promise<void> {
    const link: Link = { socket };
    f.links.add(link);
    f.info.activeConnections++;
    changes.schedule();
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      f.links.delete(link);
      f.info.activeConnections--;
      link.ws?.close();
      if (!f.closed) changes.schedule();
    });

    let ws: WebSocket;
    try {
      ws = await dial(f);
    } catch (err) {
      if (!f.closed) failed(f, err);
      socket.destroy();
      return;
    }
    if (f.closed || socket.destroyed) {
      ws.terminate();
      return;
    }
    link.ws = ws;
    delete f.info.lastError;
    changes.schedule();

    const frames = new PortForwardFrames();
    let kubeletError: string | undefined;
    socket.on('data', (chunk: Buffer) => {
      f.info.bytesOut += chunk.length;
      changes.schedule();
      ws.send(frames.encode(chunk), () => {
        if (socket.isPaused() && ws.bufferedAmount < HIGH_WATER / 2) socket.resume();
      });
      if (ws.bufferedAmount > HIGH_WATER) socket.pause();
    });
    ws.on('message', (message) => {
      const frame = frames.decode(message as Buffer);
      if (!frame) return;
      if (frame.kind === 'error') {
        kubeletError = (kubeletError ?? '') + frame.text;
        f.info.lastError = `pod/${f.info.pod}:${f.podPort}: ${kubeletError.trim()}`;
        log.warn('port-forward refused by the kubelet', { id: f.info.id, error: f.info.lastError });
        changes.schedule();
        return;
      }
      f.info.bytesIn += frame.data.length;
      changes.schedule();
      if (!socket.write(frame.data)) {
        ws.pause();
        socket.once('drain', () => ws.resume());
      }
    });
    ws.on('error', (err) => {
      if (!f.closed) failed(f, err);
    });
    // No half-close in this protocol: the pod side ending ends the local connection.
    ws.on('close', () => (kubeletError ? socket.destroy() : socket.end()));
    socket.resume();
  }

  /** Stops listening and cuts every stream; resolves once the port is free. */
  function shut(f: Forward): Promise<void> {
    f.closed = true;
    forwards.delete(f.info.id);
    const closed = new Promise<void>((resolve) => f.server.close(() => resolve()));
    for (const link of f.links) {
      link.ws?.terminate();
      link.socket.destroy();
    }
    return closed;
  }

  return {
    async start(params, actor) {
      const connectionName = connectionNameOf(connections, params.connectionId);
      const target = auditTarget(connectionName, params.namespace, resourceOfTarget(params.kind), params.name);
      let started: Forward | undefined;
      return audit.record(
        {
          actor,
          action: 'portForward.start',
          target,
          connectionId: params.connectionId,
          connectionName,
          detail: startDetail(params.remotePort, params.localPort),
        },
        async () => {
          const kc = await access.config(params.connectionId);
          const found = await resolvePodRoute(kc, params);
          await checkAllowed(params.connectionId, params.namespace, found.pod);
          const server = await listenLocal(params.localPort ?? 0);
          const id = randomUUID();
          const f: Forward = {
            info: {
              id,
              connectionId: params.connectionId,
              connectionName,
              namespace: params.namespace,
              target: `${params.kind}/${params.name}`,
              pod: found.pod,
              remotePort: params.remotePort,
              localPort: (server.address() as net.AddressInfo).port,
              startedAt: new Date().toISOString(),
              activeConnections: 0,
              bytesIn: 0,
              bytesOut: 0,
            },
            params,
            podPort: found.podPort,
            auditTarget: target,
            server,
            links: new Set(),
            stale: false,
            closed: false,
          };
          server.on('connection', (socket) => {
            if (connectionExists(f)) return void carry(f, socket);
            socket.destroy();
            stopOrphaned(f);
          });
          server.on('error', (err) => log.error('port-forward listener failed', { id, error: err }));
          forwards.set(id, f);
          started = f;
          changes.schedule();
          log.info('port-forward started', { id, target: f.info.target, route: route(f) });
          return { ...f.info };
        },
        () => ({ after: started ? route(started) : undefined }),
      );
    },

    list,

    async stop(id, actor) {
      const f = forwards.get(id);
      if (!f) throw new AppError('NOT_FOUND', `No port-forward ${id}: it was stopped already`);
      await audit.record(
        {
          actor,
          action: 'portForward.stop',
          target: f.auditTarget,
          connectionId: f.info.connectionId,
          connectionName: f.info.connectionName,
          before: stopBefore(route(f), f.info.activeConnections),
        },
        () => shut(f),
        () => ({ after: 'stopped' }),
      );
      changes.schedule();
      log.info('port-forward stopped', { id, target: f.info.target });
    },

    closeAll() {
      const count = forwards.size;
      for (const f of [...forwards.values()]) void shut(f);
      changes.cancel();
      if (count) log.info('port-forwards closed at shutdown', { count });
    },
  };
}

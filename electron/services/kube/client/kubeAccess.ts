import type { KubeConfig } from '@kubernetes/client-node';
import type { ApiResource, ResourceRef } from '../../../../shared/contract';
import { AppError } from '../../../../shared/result';
import type { ConnectionService } from '../../connections/connectionService';
import type { Logger } from '../../logging/logger';
import { discoverResources, type Discovery } from './discovery';
import type { DiscoveryStore } from './discoveryStore';
import { createKubeClients, type KubeClients } from './kubeClients';

/**
 * What every Kubernetes service needs: each connection's KubeConfig and what
 * its cluster serves. One instance is shared by the inspector, logs, actions
 * and port-forwards, so they reuse one client and one discovery per connection.
 */
export interface KubeAccess {
  /** The connection's KubeConfig (see {@link KubeClients.get}). */
  config(connectionId: string): Promise<KubeConfig>;
  /**
   * Asks the server now (or joins the discovery already under way), and
   * remembers the answer, in the data file too. With `reuse`, the last
   * answer (from an earlier launch included) does, however old; one older
   * than the TTL is asked again in the background.
   */
  discover(connectionId: string, options?: { reuse?: boolean }): Promise<Discovery>;
  /**
   * The discovered resource for `ref` (at `ref.version`), from the last
   * discovery that lists it, asked again in the background when that is
   * older than the TTL; the server is asked first only when none lists it (a
   * CRD installed since, or no discovery yet). Throws NOT_FOUND when the
   * cluster does not serve it.
   */
  resolve(connectionId: string, ref: ResourceRef): Promise<ApiResource>;
  /** The resource of a kind (e.g. an owner reference's `apps/v1` `ReplicaSet`), if the cluster serves it. */
  resourceOfKind(connectionId: string, apiVersion: string, kind: string): Promise<ApiResource | undefined>;
  /** Forgets a connection's client and discovery (it was deleted, or its credentials were rejected). */
  forget(connectionId: string): void;
  /** The connection's credentials were replaced, so its cluster may be another: forgets everything, the stored discovery too. */
  replaced(connectionId: string): void;
}

/**
 * One path segment, encoded. "." and ".." survive encoding and would climb to
 * another object (a pod named ".." in team-a is the namespace team-a), so they
 * are refused here too, whatever the caller checked.
 */
function segment(value: string, what: string): string {
  if (value === '' || value === '.' || value === '..') throw new AppError('VALIDATION', `"${value}" is not a valid ${what}`);
  return encodeURIComponent(value);
}

/** The URL of one object, or of a resource's collection when `name` is absent. */
export function objectPath(ref: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
  const version = segment(ref.version, 'API version');
  const base = ref.group ? `/apis/${segment(ref.group, 'API group')}/${version}` : `/api/${version}`;
  const resource = segment(ref.resource, 'resource');
  const scoped = namespace ? `${base}/namespaces/${segment(namespace, 'namespace')}/${resource}` : `${base}/${resource}`;
  if (name === undefined) return scoped;
  return `${scoped}/${segment(name, 'name')}${subresource ? `/${segment(subresource, 'subresource')}` : ''}`;
}

/** "deployments.apps", "pods": how kubectl names a resource. */
export function resourceLabel(ref: ResourceRef): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

export interface KubeAccessOptions {
  /** How long a discovery answer is current; an older one still serves while the server is asked again. */
  discoveryTtlMs?: number;
  /** Where discoveries outlive the process; none kept when absent. */
  store?: DiscoveryStore;
}

/** {@link KubeAccess} over the connection service's sealed kubeconfigs. */
export function createKubeAccess(connections: Pick<ConnectionService, 'kubeconfigOf'>, log: Logger, options: KubeAccessOptions = {}): KubeAccess {
  const clients: KubeClients = createKubeClients(connections, log);
  const discoveries = new Map<string, Discovery>();
  /** The discovery under way per connection: callers arriving meanwhile share it rather than each walking every API group. */
  const inFlight = new Map<string, Promise<Discovery>>();
  const ttl = options.discoveryTtlMs ?? 5 * 60_000;
  const store = options.store;

  const ask = (connectionId: string): Promise<Discovery> => {
    const running = inFlight.get(connectionId);
    if (running) return running;
    const asked: Promise<Discovery> = clients
      .get(connectionId)
      .then((kc) => discoverResources(kc))
      .then((value) => {
        // Forgotten meanwhile (deleted, credentials replaced): the answer is not remembered.
        if (inFlight.get(connectionId) === asked) {
          discoveries.set(connectionId, value);
          store?.save(connectionId, value);
        }
        return value;
      })
      .finally(() => {
        if (inFlight.get(connectionId) === asked) inFlight.delete(connectionId);
      });
    inFlight.set(connectionId, asked);
    return asked;
  };

  /** The last answer this process or an earlier launch had. */
  const remembered = (connectionId: string): Discovery | undefined => {
    let known = discoveries.get(connectionId);
    if (!known && store) {
      known = store.load(connectionId);
      if (known) discoveries.set(connectionId, known);
    }
    return known;
  };

  /** Asks again without anyone waiting; a failure leaves the last answer in place. */
  const refresh = (connectionId: string): void => {
    ask(connectionId).catch((err: unknown) => log.info('asking again what a cluster serves failed', { connectionId, error: err }));
  };

  /** The last answer when it `lists` what is wanted (asked again in the background once old), else a new one, else (server down) the last one. */
  const current = async (connectionId: string, lists: (d: Discovery) => boolean): Promise<Discovery> => {
    const known = remembered(connectionId);
    if (known && lists(known)) {
      if (Date.now() - known.at >= ttl) refresh(connectionId);
      return known;
    }
    try {
      return await ask(connectionId);
    } catch (err) {
      if (known) return known;
      throw err;
    }
  };

  const forget = (connectionId: string) => {
    clients.forget(connectionId);
    discoveries.delete(connectionId);
    inFlight.delete(connectionId);
  };

  return {
    config: (connectionId) => clients.get(connectionId),
    async discover(connectionId, { reuse = false } = {}) {
      const known = reuse ? remembered(connectionId) : undefined;
      if (!known) return ask(connectionId);
      if (Date.now() - known.at >= ttl) refresh(connectionId);
      // Someone is opening the connection: its tables will want the client, which takes a while to load the first time.
      clients.get(connectionId).catch((err: unknown) => log.info('could not prepare a connection\'s client', { connectionId, error: err }));
      return known;
    },
    async resolve(connectionId, ref) {
      const find = (d: Discovery) => d.resources.find((r) => r.group === ref.group && r.resource === ref.resource);
      const api = find(await current(connectionId, (d) => Boolean(find(d))));
      if (!api) throw new AppError('NOT_FOUND', `The cluster does not serve ${resourceLabel(ref)}`);
      return { ...api, version: ref.version };
    },
    async resourceOfKind(connectionId, apiVersion, kind) {
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
      const find = (d: Discovery) => d.resources.find((r) => r.group === group && r.kind === kind);
      const api = find(await current(connectionId, (d) => Boolean(find(d))));
      return api && { ...api, version };
    },
    forget,
    replaced(connectionId) {
      forget(connectionId);
      store?.remove(connectionId);
    },
  };
}

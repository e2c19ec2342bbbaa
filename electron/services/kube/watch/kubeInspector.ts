import { randomUUID } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ApiResource, Column, FoundObject, KubeRowsEvent, LiveHealth, ParamsOf, ResourceRef, ResultOf, Row, WatchState } from '../../../../shared/contract';
import { AppError } from '../../../../shared/result';
import type { ConnectionService } from '../../connections/connectionService';
import type { Logger } from '../../logging/logger';
import type { EventHub } from '../../rpc/eventHub';
import type { Discovery } from '../client/discovery';
import { createKubeAccess, resourceLabel, type KubeAccess } from '../client/kubeAccess';
import type { KubeClients } from '../client/kubeClients';
import { ConnectionPulse, DEFAULT_PULSE_OPTIONS, type PulseOptions, type PulseState } from '../client/connectionPulse';
import { kubeRequest } from '../client/kubeHttp';
import { FINDER_RESOURCES, isSearchable, rankMatches } from '../objects/objectFinder';
import { summarizeCluster, type OverviewSource } from './clusterOverview';
import { printerColumnsOf, type PrinterColumn } from './printerColumns';
import { NODE_POD_COLUMNS, NodePodCounts } from './nodePodCounts';
import { DEFAULT_CACHE_OPTIONS, ResourceCache, type CacheStats, type CacheTarget, type CacheUpdate, type ResourceCacheOptions } from './resourceCache';
import { shapeFor } from './rowShapes';

const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods' };
/** What the cluster overview reads, across all namespaces. */
const OVERVIEW_RESOURCES = {
  nodes: { group: '', resource: 'nodes' },
  pods: { group: '', resource: 'pods' },
  deployments: { group: 'apps', resource: 'deployments' },
  statefulsets: { group: 'apps', resource: 'statefulsets' },
  daemonsets: { group: 'apps', resource: 'daemonsets' },
  events: { group: '', resource: 'events' },
} as const satisfies Record<string, Pick<ResourceRef, 'group' | 'resource'>>;
/** How long pod-count changes gather before the nodes concerned go out again. */
const POD_COUNT_BATCH_MS = 250;

/** Live, trimmed lists of cluster objects for the UI: what the cluster serves, and rows that stay current. */
export interface KubeInspector {
  /** The server's version and every resource it serves, CRDs included; with `reuse`, the last answer does (see {@link KubeAccess.discover}). */
  discover(connectionId: string, options?: { reuse?: boolean }): Promise<Discovery>;
  /**
   * Starts, or joins, the live list of `resource` (in `namespace`, or all
   * namespaces). Rows arrive as `kube.rows` events for the returned watchId:
   * first a reset, then changes.
   */
  watch(connectionId: string, resource: ResourceRef, namespace?: string, session?: string): Promise<ResultOf<'kube.watch'>>;
  /** Stops sending rows for a watch; unknown ids are ignored. */
  unwatch(watchId: string): void;
  /** Stops every watch a UI session opened: its window closed or reloaded without unwatching. */
  endSession(session: string): void;
  /** The connection's credentials were replaced (re-imported): every cache of it lists again now, with them. */
  credentialsChanged(connectionId: string): void;
  /**
   * Objects whose name contains the text, best matches first, from every
   * cache the connection has; keeps the palette's caches (pods, workloads,
   * services, nodes, …) live while people search.
   */
  find(params: ParamsOf<'kube.find'>): Promise<ResultOf<'kube.find'>>;
  /**
   * The cluster at a glance, from the rows of its nodes, pods, workloads and
   * events caches; keeps those caches live while the overview keeps asking.
   */
  overview(params: ParamsOf<'kube.overview'>): Promise<ResultOf<'kube.overview'>>;
  /** Stops every cache at once (shutdown). */
  close(): void;
}

/** Tuning of {@link ListWatchKubeInspector}. */
export interface KubeInspectorOptions {
  /** How long a cache no one watches stays live, so switching views back and forth does not relist. */
  graceMs?: number;
  /** How long discovery answers are reused before asking the server again (when the inspector makes its own {@link KubeAccess}). */
  discoveryTtlMs?: number;
  /** How often caches of deleted connections are looked for. */
  sweepMs?: number;
  /** How long the palette's caches stay held after the last search; then they get the usual grace period. */
  finderIdleMs?: number;
  /** How long the overview's caches stay held after it last asked (it asks every few seconds while shown). */
  overviewIdleMs?: number;
  cache?: Partial<ResourceCacheOptions>;
  /** How silence is told from a quiet cluster; see ../client/connectionPulse.ts. */
  pulse?: Partial<PulseOptions>;
}

/** What the inspector needs from the rest of the services. */
export interface KubeInspectorDeps {
  connections: Pick<ConnectionService, 'kubeconfigOf' | 'list' | 'observe'>;
  hub: Pick<EventHub, 'publish'>;
  log: Logger;
  /** Shared with the other Kubernetes services; the inspector makes its own when absent. */
  access?: KubeAccess;
}

/** One shared cache and the watches that use it. */
interface CacheEntry {
  key: string;
  cache: ResourceCache;
  columns: Column[];
  /** The resource's kind, for search results. */
  kind: string;
  /** Watches and palette holds using the cache. */
  watchers: number;
  idleTimer?: ReturnType<typeof setTimeout>;
}

/** The caches one user of them (the palette, the overview) opened on one connection, and when it lets go of them. */
interface CacheHold {
  entries: CacheEntry[];
  /** The palette's: keys of all-namespace caches found forbidden, whose context-namespace caches were added to the hold. */
  narrowed: Set<string>;
  /** Settles once the caches are opened (or could not be). */
  ready: Promise<CacheEntry[]>;
  timer?: ReturnType<typeof setTimeout>;
}

/** A cache's figures, for diagnostics, benchmarks and tests. */
export interface CacheInfo extends CacheStats {
  key: string;
  watchers: number;
  rows: number;
  phase: string;
}

/** Node watches get Pods, GPUs requested and GPUs free columns, counted from the pods cache. */
export const isNodes = (ref: Pick<ResourceRef, 'group' | 'resource'>): boolean => ref.group === '' && ref.resource === 'nodes';

/** The one cache of (connection, resource version, namespace scope); `namespace` undefined for all namespaces or cluster scope. */
export function cacheKey(connectionId: string, resource: ResourceRef, namespace: string | undefined): string {
  return `${connectionId}|${resource.group}/${resource.version}/${resource.resource}|${namespace ?? '*'}`;
}

/** Where a CRD's definition (and its printer columns) is read for a custom resource. */
export function crdPath(api: Pick<ApiResource, 'group' | 'resource'>): string {
  return `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${api.resource}.${api.group}`;
}

/** The rows of several caches as search candidates, each object once: a namespace's cache repeats objects of the all-namespaces one. */
export function searchCandidates(caches: { resource: ResourceRef; kind: string; rows: Row[] }[]): FoundObject[] {
  const seen = new Set<string>();
  const candidates: FoundObject[] = [];
  for (const { resource, kind, rows } of caches) {
    for (const row of rows) {
      if (seen.has(row.uid)) continue;
      seen.add(row.uid);
      candidates.push({ resource, kind, uid: row.uid, name: row.name, ...(row.namespace ? { namespace: row.namespace } : {}) });
    }
  }
  return candidates;
}

/** A pulse's state as the connection's health carries it, seen at `now`. */
export function liveHealthOf(state: PulseState, now: number): LiveHealth {
  const at = new Date(now).toISOString();
  if (state.reachable) return { reachable: true, at };
  return { reachable: false, at, since: new Date(state.since).toISOString(), retryAt: new Date(state.retryAt).toISOString(), message: state.message };
}

/** Nodes whose pod count changed, gathered until they go out: names, or every node. */
export type ChangedNodes = Set<string> | 'all';

/** Adds newly changed nodes to those waiting to go out. */
export function mergeChangedNodes(waiting: ChangedNodes, changed: ChangedNodes): ChangedNodes {
  return changed === 'all' || waiting === 'all' ? 'all' : new Set([...waiting, ...changed]);
}

/** An all-namespaces cache the user may not list: its kubeconfig context's namespace may still be listed. */
export function isForbiddenAcrossNamespaces(target: Pick<CacheTarget, 'namespaced' | 'namespace'>, phase: WatchState['phase']): boolean {
  return target.namespaced && !target.namespace && phase === 'forbidden';
}

/**
 * {@link KubeInspector} built on list+watch caches: one per (connection,
 * resource, namespace scope), shared by every watch on it, reference counted
 * and stopped a grace period after its last watch goes.
 */
export class ListWatchKubeInspector implements KubeInspector {
  private readonly access: KubeAccess;
  /** What the caches use: the shared access's clients. */
  private readonly clients: KubeClients;
  private readonly caches = new Map<string, CacheEntry>();
  private readonly watches = new Map<string, { entry: CacheEntry; unsubscribe: () => void; session?: string }>();
  private readonly cacheOptions: ResourceCacheOptions;
  private readonly graceMs: number;
  private readonly sweepMs: number;
  private readonly finderIdleMs: number;
  private readonly overviewIdleMs: number;
  private sweepTimer: ReturnType<typeof setInterval> | undefined;
  /** Per connection: the caches the palette opened and holds while people search. */
  private readonly finderHolds = new Map<string, CacheHold>();
  /** Per connection: the caches the overview reads, held while it keeps asking. */
  private readonly overviewHolds = new Map<string, CacheHold>();
  /** Per connection with caches: whether its server answers. */
  private readonly pulses = new Map<string, ConnectionPulse>();
  private readonly pulseOptions: PulseOptions;

  constructor(
    private readonly deps: KubeInspectorDeps,
    options: KubeInspectorOptions = {},
  ) {
    this.access = deps.access ?? createKubeAccess(deps.connections, deps.log, { discoveryTtlMs: options.discoveryTtlMs });
    this.clients = { get: (id) => this.access.config(id), forget: (id) => this.access.forget(id) };
    this.cacheOptions = { ...DEFAULT_CACHE_OPTIONS, ...options.cache };
    this.graceMs = options.graceMs ?? 30_000;
    this.sweepMs = options.sweepMs ?? 15_000;
    this.finderIdleMs = options.finderIdleMs ?? 60_000;
    this.overviewIdleMs = options.overviewIdleMs ?? 15_000;
    this.pulseOptions = { ...DEFAULT_PULSE_OPTIONS, ...options.pulse };
  }

  discover(connectionId: string, options?: { reuse?: boolean }): Promise<Discovery> {
    return this.access.discover(connectionId, options);
  }

  async watch(connectionId: string, resource: ResourceRef, namespace?: string, session?: string): Promise<ResultOf<'kube.watch'>> {
    const { entry, api } = await this.acquire(connectionId, resource, namespace);
    const watchId = randomUUID();
    const publish = (update: CacheUpdate) => this.deps.hub.publish('kube.rows', { watchId, ...update } satisfies KubeRowsEvent);
    if (isNodes(resource)) {
      const unsubscribe = await this.nodesWithPodCounts(connectionId, entry, publish);
      this.watches.set(watchId, { entry, unsubscribe, session });
      return { watchId, columns: [...entry.columns, ...NODE_POD_COLUMNS], namespaced: false };
    }
    const unsubscribe = entry.cache.subscribe(publish);
    this.watches.set(watchId, { entry, unsubscribe, session });
    return { watchId, columns: entry.columns, namespaced: api.namespaced };
  }

  unwatch(watchId: string): void {
    const watch = this.watches.get(watchId);
    if (!watch) return;
    this.watches.delete(watchId);
    watch.unsubscribe();
    this.release(watch.entry);
  }

  endSession(session: string): void {
    for (const [watchId, watch] of this.watches) if (watch.session === session) this.unwatch(watchId);
  }

  credentialsChanged(connectionId: string): void {
    this.access.replaced(connectionId);
    for (const entry of this.caches.values()) if (entry.cache.target.connectionId === connectionId) entry.cache.startOver();
    // The new credentials may reach a server the old ones could not: ask now, not at the end of the backoff.
    this.pulses.get(connectionId)?.retryNow();
  }

  async find({ connectionId, text, limit }: ParamsOf<'kube.find'>): Promise<ResultOf<'kube.find'>> {
    await this.holdCaches(this.finderHolds, connectionId, FINDER_RESOURCES, this.finderIdleMs);
    await this.narrowToContextNamespace(connectionId);
    const searched = [...this.caches.values()].filter((e) => e.cache.target.connectionId === connectionId && isSearchable(e.cache.target.resource));
    const candidates = searchCandidates(searched.map((e) => ({ resource: e.cache.target.resource, kind: e.kind, rows: e.cache.rows() })));
    // Forbidden and failing caches are as done as they will get; only a first list still running is worth waiting for.
    const complete = searched.every((e) => e.cache.state.phase !== 'listing');
    return { matches: rankMatches(candidates, text, limit), complete };
  }

  async overview({ connectionId }: ParamsOf<'kube.overview'>): Promise<ResultOf<'kube.overview'>> {
    const hold = await this.holdCaches(this.overviewHolds, connectionId, Object.values(OVERVIEW_RESOURCES), this.overviewIdleMs);
    const source = (want: Pick<ResourceRef, 'group' | 'resource'>): OverviewSource => {
      const entry = hold.entries.find((e) => e.cache.target.resource.group === want.group && e.cache.target.resource.resource === want.resource && !e.cache.target.namespace);
      if (entry) return { resource: entry.cache.target.resource, kind: entry.kind, state: entry.cache.state, columns: entry.columns, rows: entry.cache.rows() };
      // Not served, or not listable and watchable: said so, rather than counted as none.
      const resource = { ...want, version: '' };
      return { resource, kind: '', state: { phase: 'error', rows: 0, message: `${resourceLabel(resource)} cannot be watched on this cluster` }, columns: [], rows: [] };
    };
    const { nodes, pods, deployments, statefulsets, daemonsets, events } = OVERVIEW_RESOURCES;
    return summarizeCluster({ nodes: source(nodes), pods: source(pods), workloads: [deployments, statefulsets, daemonsets].map(source), events: source(events) });
  }

  close(): void {
    for (const holds of [this.finderHolds, this.overviewHolds]) {
      for (const hold of holds.values()) clearTimeout(hold.timer);
      holds.clear();
    }
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    for (const entry of [...this.caches.values()]) this.dropCache(entry);
    this.watches.clear();
    for (const pulse of this.pulses.values()) pulse.close();
    this.pulses.clear();
  }

  /** Figures of every cache now. */
  cacheInfo(): CacheInfo[] {
    return [...this.caches.values()].map((e) => ({ key: e.key, watchers: e.watchers, rows: e.cache.state.rows, phase: e.cache.state.phase, ...e.cache.stats }));
  }

  /** The cache of (connection, resource, namespace scope), created when there is none, held until {@link release}. */
  private async acquire(connectionId: string, resource: ResourceRef, namespace?: string): Promise<{ entry: CacheEntry; api: ApiResource }> {
    const kc = await this.access.config(connectionId);
    const api = await this.resolve(connectionId, resource);
    const ns = api.namespaced ? namespace || undefined : undefined;
    const key = cacheKey(connectionId, resource, ns);
    let entry = this.caches.get(key);
    if (!entry) {
      const shape = shapeFor(resource, api.builtin ? [] : await this.printerColumns(kc, api));
      // Checked again: another watch may have created the cache while we fetched printer columns.
      entry = this.caches.get(key) ?? this.createCache(key, api.kind, { connectionId, resource, namespace: ns, namespaced: api.namespaced, shape });
    }
    clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    entry.watchers++;
    return { entry, api };
  }

  /**
   * Node rows with Pods, GPUs requested and GPUs free cells, counted from the
   * connection's all-namespaces pods cache, held as long as the watch (the
   * Pods view then opens warm).
   * Count changes go out as upserts of the nodes concerned, gathered for a
   * moment so a rollout of hundreds of pods sends a few batches, not hundreds.
   * Returns what stops it all.
   */
  private async nodesWithPodCounts(connectionId: string, nodes: CacheEntry, publish: (update: CacheUpdate) => void): Promise<() => void> {
    const pods = await this.acquire(connectionId, PODS).then(
      (acquired) => acquired.entry,
      () => undefined,
    );
    const podCell = (id: string) => pods?.columns.findIndex((c) => c.id === id) ?? -1;
    const counts = new NodePodCounts(
      { node: podCell('node'), gpus: podCell('gpus'), phase: podCell('phase') },
      nodes.columns.findIndex((c) => c.id === 'gpuAllocatable'),
    );
    if (!pods) counts.apply({ reset: true, upserts: [], deletes: [], state: { phase: 'error', rows: 0 } });
    let dirty: ChangedNodes = new Set();
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Counts go out only after the watch's own first rows, which they would otherwise precede.
    let nodesSent = false;
    const sendCounts = () => {
      timer = undefined;
      const changed = dirty;
      dirty = new Set();
      const rows = nodes.cache.rows().filter((r) => changed === 'all' || changed.has(r.name));
      if (rows.length) publish({ upserts: rows.map((r) => counts.withCount(r)), deletes: [], state: nodes.cache.state });
    };
    const offPods = pods?.cache.subscribe((update) => {
      dirty = mergeChangedNodes(dirty, counts.apply(update));
      if (nodesSent && !timer && (dirty === 'all' || dirty.size)) timer = setTimeout(sendCounts, POD_COUNT_BATCH_MS);
    });
    const offNodes = nodes.cache.subscribe((update) => {
      publish({ ...update, upserts: update.upserts.map((r) => counts.withCount(r)) });
      if (update.reset) {
        nodesSent = true;
        dirty = new Set();
      }
    });
    return () => {
      offNodes();
      offPods?.();
      clearTimeout(timer);
      if (pods) this.release(pods);
    };
  }

  /**
   * A user who may not list across namespaces (RBAC by namespace) still finds
   * what is in the kubeconfig context's namespace: for each palette cache
   * found forbidden, that namespace's cache joins the hold.
   */
  private async narrowToContextNamespace(connectionId: string): Promise<void> {
    const hold = this.finderHolds.get(connectionId);
    const forbidden = hold?.entries.filter((e) => isForbiddenAcrossNamespaces(e.cache.target, e.cache.state.phase) && !hold.narrowed.has(e.key));
    if (!hold || !forbidden?.length) return;
    const kc = await this.access.config(connectionId);
    const namespace = kc.getContextObject(kc.getCurrentContext())?.namespace;
    if (!namespace) return;
    for (const wide of forbidden) {
      hold.narrowed.add(wide.key);
      const narrow = await this.acquire(connectionId, wide.cache.target.resource, namespace).then(
        (acquired) => acquired.entry,
        () => undefined,
      );
      if (!narrow) continue;
      // Released with the hold, or at once if the hold went meanwhile.
      if (this.finderHolds.get(connectionId) === hold) hold.entries.push(narrow);
      else this.release(narrow);
    }
  }

  /** Lets go of a cache; the last user going starts its grace period. */
  private release(entry: CacheEntry): void {
    entry.watchers--;
    if (entry.watchers > 0 || entry.idleTimer) return;
    entry.idleTimer = setTimeout(() => this.dropCache(entry), this.graceMs);
  }

  /**
   * Makes sure the `wanted` resources (those the cluster serves) have
   * all-namespace caches on this connection, held in `holds` until no one
   * has asked for `idleMs`; returns the hold once its caches are opened.
   */
  private async holdCaches(
    holds: Map<string, CacheHold>,
    connectionId: string,
    wanted: readonly Pick<ResourceRef, 'group' | 'resource'>[],
    idleMs: number,
  ): Promise<CacheHold> {
    let hold = holds.get(connectionId);
    if (!hold) {
      const ready = this.openCaches(connectionId, wanted);
      hold = { entries: [], narrowed: new Set(), ready };
      holds.set(connectionId, hold);
      const opened = hold;
      ready.then(
        (entries) => {
          // close() ran meanwhile: nothing may stay held.
          if (holds.get(connectionId) === opened) opened.entries = entries;
          else for (const entry of entries) this.release(entry);
        },
        () => {
          // Nothing was opened: the next call tries again.
          clearTimeout(opened.timer);
          if (holds.get(connectionId) === opened) holds.delete(connectionId);
        },
      );
    }
    clearTimeout(hold.timer);
    const current = hold;
    hold.timer = setTimeout(() => {
      if (holds.get(connectionId) !== current) return;
      holds.delete(connectionId);
      for (const entry of current.entries) this.release(entry);
    }, idleMs);
    await hold.ready;
    return hold;
  }

  /** Opens (or joins) all-namespace caches of the wanted resources the cluster serves; fails only when none could be opened. */
  private async openCaches(connectionId: string, wanted: readonly Pick<ResourceRef, 'group' | 'resource'>[]): Promise<CacheEntry[]> {
    // The last answer will do: a server that has gone silent still has its caches searched and summed up.
    const { resources } = await this.access.discover(connectionId, { reuse: true });
    const served = wanted.flatMap((want) => resources.filter((r) => r.group === want.group && r.resource === want.resource));
    const opened = await Promise.allSettled(served.map((r) => this.acquire(connectionId, { group: r.group, version: r.version, resource: r.resource })));
    const entries = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value.entry] : []));
    const failure = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (!entries.length && failure) throw failure.reason;
    return entries;
  }

  private createCache(key: string, kind: string, target: ConstructorParameters<typeof ResourceCache>[0]): CacheEntry {
    const cache = new ResourceCache(target, this.clients, this.pulseOf(target.connectionId), this.deps.log, this.cacheOptions);
    const entry: CacheEntry = { key, cache, columns: target.shape.columns, kind, watchers: 0 };
    this.caches.set(key, entry);
    cache.start();
    this.sweepTimer ??= setInterval(() => this.sweep(), this.sweepMs);
    return entry;
  }

  /** The connection's pulse, made with its first cache; what it finds becomes the connection's live health. */
  private pulseOf(connectionId: string): ConnectionPulse {
    let pulse = this.pulses.get(connectionId);
    if (!pulse) {
      pulse = new ConnectionPulse({ config: () => this.access.config(connectionId) }, this.pulseOptions);
      pulse.onChange((state, watched) => {
        try {
          this.deps.connections.observe(connectionId, watched ? liveHealthOf(state, Date.now()) : undefined);
        } catch (err) {
          this.deps.log.error('could not record what the open views see of a connection', { connectionId, error: err });
        }
      });
      this.pulses.set(connectionId, pulse);
    }
    return pulse;
  }

  private dropCache(entry: CacheEntry): void {
    clearTimeout(entry.idleTimer);
    entry.cache.stop();
    if (this.caches.get(entry.key) === entry) this.caches.delete(entry.key);
    if (!this.caches.size) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = undefined;
    }
  }

  /**
   * Stops the caches of connections that no longer exist (deleted, or
   * replaced by a re-import), telling their watches why, and lets go of the
   * palette's and the overview's holds on them: their caches are dropped
   * here, not released later.
   */
  private sweep(): void {
    const live = new Set(this.deps.connections.list().map((c) => c.id));
    for (const holds of [this.finderHolds, this.overviewHolds]) {
      for (const [id, hold] of holds) {
        if (live.has(id)) continue;
        clearTimeout(hold.timer);
        holds.delete(id);
      }
    }
    for (const entry of [...this.caches.values()]) {
      const id = entry.cache.target.connectionId;
      if (live.has(id)) continue;
      entry.cache.stop({ phase: 'error', message: 'The connection was deleted' });
      this.dropCache(entry);
      this.access.forget(id);
    }
    for (const [id, pulse] of this.pulses) {
      if (live.has(id)) continue;
      pulse.close();
      this.pulses.delete(id);
    }
  }

  /** The discovered resource for `ref`, which must be listable and watchable. */
  private async resolve(connectionId: string, ref: ResourceRef): Promise<ApiResource> {
    const api = await this.access.resolve(connectionId, ref);
    if (!api.verbs.includes('list') || !api.verbs.includes('watch')) throw new AppError('VALIDATION', `${resourceLabel(ref)} cannot be listed and watched`);
    return api;
  }

  /** A CRD's printer columns; none when we may not read the CRD (the generic columns then suffice). */
  private async printerColumns(kc: KubeConfig, api: ApiResource): Promise<PrinterColumn[]> {
    const res = await kubeRequest(kc, crdPath(api)).catch(() => undefined);
    return res?.status === 200 ? printerColumnsOf(res.body, api.version) : [];
  }
}

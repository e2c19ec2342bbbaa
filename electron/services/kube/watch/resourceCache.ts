import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ResourceRef, Row, WatchState } from '../../../../shared/contract';
import { AppError } from '../../../../shared/result';
import type { Logger } from '../../logging/logger';
import type { ConnectionPulse, PulseState } from '../client/connectionPulse';
import type { KubeClients } from '../client/kubeClients';
import { kubeList, kubeStream } from '../client/kubeHttp';
import { objectPath } from '../client/kubeAccess';
import { backoffDelay, failureOf, listQuery, parseWatchEvent, scopeLabel, watchQuery, type Failure } from './listWatch';
import { RowStore } from './rowStore';
import type { KubeObject } from '../model';
import { toRow, type RowShape } from './rowShapes';

/** What a cache sends each subscriber: a full `reset`, or changes; always with the state. */
export interface CacheUpdate {
  reset?: true;
  upserts: Row[];
  deletes: string[];
  state: WatchState;
}

/** Tuning of every cache; the defaults suit a desktop talking to clusters of 10,000+ pods. */
export interface ResourceCacheOptions {
  /** Small, so the first rows show at once. */
  firstPageSize: number;
  /** Large, so the rest arrives in few round trips. */
  pageSize: number;
  /** How long changes gather before they go out. */
  batchMs: number;
  /** Server-side watch timeout, picked in this range per watch so reconnects spread out. */
  watchTimeoutSeconds: [number, number];
  /** Silence after which a watch counts as dead (the server sends a bookmark about every minute). */
  idleTimeoutMs: number;
  /** Retry interval for 401, 403 and 404: nothing changes until someone acts. */
  slowRetryMs: number;
  /** Ask for gzip-compressed list pages. */
  gzip: boolean;
  seams?: CacheSeams;
}

/**
 * Test seams: a test hands in an old resourceVersion or continue token so
 * that the real apiserver answers 410 Gone at a chosen moment.
 */
export interface CacheSeams {
  /** The resourceVersion the first watch after each list starts from, given the list's own. */
  watchFrom?(listResourceVersion: string): string | Promise<string>;
  /** The continue token sent for the next page, given the server's. */
  continueWith?(token: string): string | Promise<string>;
}

/** Defaults of {@link ResourceCacheOptions}. */
export const DEFAULT_CACHE_OPTIONS: ResourceCacheOptions = {
  firstPageSize: 500,
  pageSize: 5000,
  batchMs: 40,
  watchTimeoutSeconds: [240, 480],
  idleTimeoutMs: 100_000,
  slowRetryMs: 60_000,
  gzip: true,
};

/** What one cache lists and watches, and how its objects become rows. */
export interface CacheTarget {
  connectionId: string;
  resource: ResourceRef;
  /** Absent for all namespaces or a cluster-scoped resource. */
  namespace?: string;
  namespaced: boolean;
  shape: RowShape;
}

/** Counters, for diagnostics and tests. */
export interface CacheStats {
  /** Complete or restarted list passes (the first list, relists after 410 Gone or reconnects without a resourceVersion). */
  lists: number;
  /** List pages received. */
  pages: number;
  /** Watches the server accepted. */
  watches: number;
  /** 410 Gone answers (watch or continue token). */
  expired: number;
}

/** A failure the server told us about, judged by {@link failureOf}. */
export class KubeFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/** 410s closer together than this mean the server keeps expiring us: relist after a backoff, not at once. */
const EXPIRED_RECENTLY_MS = 5000;

/**
 * Any error of a list or watch as a {@link Failure}: what the server said,
 * or what the request met on the way. Undefined when the connection no
 * longer exists (the connection store's NOT_FOUND).
 */
export function failureOfError(err: unknown, scope: string): Failure | undefined {
  if (err instanceof KubeFailure) return err.failure;
  if (err instanceof AppError) {
    switch (err.code) {
      case 'NOT_FOUND':
        return undefined;
      case 'UNAUTHORIZED':
        return { kind: 'unauthorized', message: err.message };
      case 'UNREACHABLE':
      case 'TIMEOUT':
        return { kind: 'transient', message: err.message };
      default:
        return { kind: 'rejected', message: err.message };
    }
  }
  return { kind: 'transient', message: `Watching ${scope} failed unexpectedly; see the log` };
}

/** What a cache does after a failure: the phase it shows, and how long it waits before trying again. */
export interface Retry {
  phase: WatchState['phase'];
  message: string;
  waitMs: number;
}

/**
 * How a cache answers failure number `attempt` (0-based) in a row: relist at
 * once on 410 Gone (after a backoff if the last 410 was recent), retry slowly
 * what only a person can fix (credentials, RBAC, a removed API), back off
 * from the rest.
 */
export function retryAfter(failure: Failure, attempt: number, opts: { slowRetryMs: number; expiredRecently: boolean; random?: () => number }): Retry {
  const backoff = () => backoffDelay(attempt, opts.random);
  switch (failure.kind) {
    case 'expired':
      return { phase: 'listing', message: failure.message, waitMs: opts.expiredRecently ? backoff() : 0 };
    case 'unauthorized':
      return { phase: 'unauthorized', message: failure.message, waitMs: opts.slowRetryMs };
    case 'forbidden':
      return { phase: 'forbidden', message: failure.message, waitMs: opts.slowRetryMs };
    case 'rejected':
      return { phase: 'error', message: failure.message, waitMs: opts.slowRetryMs };
    case 'transient':
      return { phase: 'reconnecting', message: failure.message, waitMs: backoff() };
  }
}

interface Subscriber {
  listener: (update: CacheUpdate) => void;
  needsReset: boolean;
}

/**
 * One live list of one resource in one scope on one connection: lists in
 * pages, then watches from the list's resourceVersion, resuming after
 * timeouts and disconnects, relisting on 410 Gone, and reporting 401/403 as
 * phases rather than failing. Holds trimmed rows only; changes go to every
 * subscriber in batches.
 */
export class ResourceCache {
  readonly stats: CacheStats = { lists: 0, pages: 0, watches: 0, expired: 0 };
  private readonly store = new RowStore();
  private readonly subscribers = new Set<Subscriber>();
  private readonly abort = new AbortController();
  private readonly path: string;
  private readonly scope: string;
  private phase: WatchState['phase'] = 'listing';
  private message: string | undefined;
  /** While the server is silent: since when the rows are stale (ISO). */
  private staleSince: string | undefined;
  /** While waiting to try again: when (ISO). */
  private retryAt: string | undefined;
  private sent: string | undefined;
  private releasePulse: (() => void) | undefined;
  private offPulse: (() => void) | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** Where the next watch resumes; undefined means list first. */
  private resourceVersion: string | undefined;
  private listedOnce = false;
  private firstPageSeen = false;
  private failures = 0;
  private lastExpiry = 0;
  /** Ends the current wait before a retry early (see {@link startOver}). */
  private wake: AbortController | undefined;
  /** Aborts the current list or watch request only (see {@link startOver}); the cache runs on. */
  private attempt = new AbortController();

  constructor(
    readonly target: CacheTarget,
    private readonly clients: KubeClients,
    /** The connection's pulse: told of everything heard, it says when the server has gone silent and when it is back. */
    private readonly pulse: ConnectionPulse,
    private readonly log: Logger,
    private readonly options: ResourceCacheOptions = DEFAULT_CACHE_OPTIONS,
  ) {
    this.path = objectPath(target.resource, target.namespace);
    this.scope = scopeLabel(target.resource, target.namespaced, target.namespace);
  }

  /** Where the cache stands now. */
  get state(): WatchState {
    return {
      phase: this.phase,
      rows: this.store.size,
      ...(this.message ? { message: this.message } : {}),
      ...(this.staleSince ? { staleSince: this.staleSince } : {}),
      ...(this.retryAt ? { retryAt: this.retryAt } : {}),
    };
  }

  /** Every row held now (for searching; subscribers get rows through {@link subscribe}). */
  rows(): Row[] {
    return this.store.all();
  }

  /** Starts listing and watching; runs until {@link stop}. */
  start(): void {
    this.releasePulse = this.pulse.hold();
    this.offPulse = this.pulse.onChange((state) => this.pulseChanged(state));
    // Opened on a connection already known to be silent: say so now, not at the pulse's next try.
    if (!this.pulse.state.reachable) this.pulseChanged(this.pulse.state);
    this.run().catch((err: unknown) => this.log.error('kube cache stopped unexpectedly', { scope: this.scope, error: err }));
  }

  /**
   * Adds a subscriber. It first gets a `reset` with every row held (on the
   * next batch, so a caller can hand out its id before rows arrive; for a new
   * cache, with the first page), then changes.
   */
  subscribe(listener: (update: CacheUpdate) => void): () => void {
    const sub: Subscriber = { listener, needsReset: true };
    this.subscribers.add(sub);
    // Before the first page there is nothing to show: the first page, or a failure, sends the reset.
    if (this.firstPageSeen || this.phase !== 'listing') this.scheduleFlush();
    return () => this.subscribers.delete(sub);
  }

  /** Stops the requests and timers; a final state, if given, goes to subscribers first. */
  stop(final?: { phase: WatchState['phase']; message: string }): void {
    if (this.abort.signal.aborted) return;
    if (final) {
      this.setPhase(final.phase, final.message);
      this.flush();
    }
    this.abort.abort();
    clearTimeout(this.flushTimer);
    this.subscribers.clear();
    this.offPulse?.();
    this.releasePulse?.();
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        // A silent server is asked again by the pulse, on its schedule; the rows wait, kept.
        await this.pulse.reachable(this.abort.signal);
        if (this.stopped) return;
        const kc = await this.clients.get(this.target.connectionId);
        if (this.resourceVersion === undefined) await this.list(kc);
        await this.watch(kc);
      } catch (err) {
        if (this.stopped) return;
        if (this.attempt.signal.aborted) {
          // startOver() cut the request (list again at once), or the server went silent (wait for it, then resume).
          this.attempt = new AbortController();
          continue;
        }
        const wait = this.judge(err);
        if (wait === undefined) return;
        if (wait > 0) {
          this.wake = new AbortController();
          await sleep(wait, undefined, { signal: AbortSignal.any([this.abort.signal, this.wake.signal]) }).catch(() => undefined);
          this.wake = undefined;
        }
      }
    }
  }

  /**
   * Lists again from scratch, now: the connection's credentials (perhaps its
   * cluster) were just replaced, so a 401 or 403 may be over, and a
   * resourceVersion of the old cluster means nothing to a new one. The relist
   * sends only the difference, so rows the new answer lacks are deleted.
   */
  startOver(): void {
    this.resourceVersion = undefined;
    this.failures = 0;
    this.attempt.abort();
    this.wake?.abort();
  }

  /**
   * The pulse found the server silent: a list or watch in flight would hang
   * until its own timeout, so it is cut, and the rows are kept and marked
   * stale until the server answers; then the watch resumes where it was.
   * Caches waiting on credentials or RBAC are left alone: silence changes
   * nothing for them.
   */
  private pulseChanged(state: PulseState): void {
    if (this.stopped) return;
    if (state.reachable) {
      if (!this.staleSince) return;
      this.setPhase(this.listedOnce ? 'reconnecting' : 'listing');
      this.wake?.abort();
      return;
    }
    if (this.phase !== 'live' && this.phase !== 'listing' && this.phase !== 'reconnecting') return;
    this.markStale(state);
  }

  /** Cuts the request in flight, once, and says the rows are stale until the pulse hears the server again. */
  private markStale(state: Extract<PulseState, { reachable: false }>): void {
    if (!this.staleSince) this.attempt.abort();
    this.setPhase('reconnecting', state.message, { staleSince: this.staleSince ?? new Date(state.since).toISOString(), retryAt: new Date(state.retryAt).toISOString() });
  }

  /** What cuts a request: the cache stopping, or {@link startOver}. */
  private get requestSignal(): AbortSignal {
    return AbortSignal.any([this.abort.signal, this.attempt.signal]);
  }

  /** Pages through the collection; on a relist, only what changed goes out. */
  private async list(kc: KubeConfig): Promise<void> {
    this.stats.lists++;
    this.setPhase('listing', this.listedOnce ? this.message : undefined);
    this.store.beginList();
    let continueToken: string | undefined;
    let page = 0;
    let listRv = '';
    for (;;) {
      const limit = page === 0 ? this.options.firstPageSize : this.options.pageSize;
      // Items become rows as they arrive, so a page is never held whole; past the first page, rows go out as they come.
      const res = await kubeList(kc, this.path + listQuery(limit, continueToken), {
        timeoutMs: 60_000,
        signal: this.requestSignal,
        gzip: this.options.gzip,
        onItem: (item) => {
          this.pulse.heard();
          const obj = item as KubeObject;
          this.store.listed(toRow(obj, this.target.shape), obj.metadata?.resourceVersion ?? '');
          if (this.firstPageSeen) this.scheduleFlush();
        },
      });
      if (this.stopped) return;
      this.pulse.heard();
      // A Status with a 200 is still a failure: read as an empty list, it would delete every row.
      if (res.status !== 200 || res.body.kind === 'Status') {
        const failure = failureOf(res.status === 200 ? Number(res.body.code) || 500 : res.status, res.body, this.scope);
        if (failure.kind !== 'expired' || !continueToken) throw new KubeFailure(failure);
        // The continue token outlived the server's history: start the list again.
        this.stats.expired++;
        this.store.beginList();
        continueToken = undefined;
        page = 0;
        continue;
      }
      this.stats.pages++;
      listRv = res.body.metadata?.resourceVersion ?? listRv;
      if (!this.listedOnce && page === 0) this.resetAll();
      else this.scheduleFlush();
      const next = res.body.metadata?.continue;
      if (!next) break;
      continueToken = this.options.seams?.continueWith ? await this.options.seams.continueWith(next) : next;
      page++;
    }
    this.store.endList();
    this.listedOnce = true;
    this.resourceVersion = this.options.seams?.watchFrom ? await this.options.seams.watchFrom(listRv) : listRv;
    this.scheduleFlush();
  }

  /** Watches from the last resourceVersion until the server ends the watch; throws what went wrong. */
  private async watch(kc: KubeConfig): Promise<void> {
    const timeout = randomInt(this.options.watchTimeoutSeconds[0], this.options.watchTimeoutSeconds[1] + 1);
    const started = Date.now();
    let events = 0;
    let failure: Failure | undefined;
    const res = await kubeStream(kc, this.path + watchQuery(this.resourceVersion ?? '', timeout), {
      signal: this.requestSignal,
      idleTimeoutMs: this.options.idleTimeoutMs,
      onOpen: () => {
        this.pulse.heard();
        this.stats.watches++;
        this.failures = 0;
        this.setPhase('live');
      },
      onLine: (line) => {
        this.pulse.heard();
        const event = failure ? undefined : parseWatchEvent(line);
        if (!event) return;
        events++;
        if (event.type === 'ERROR') {
          // The server closes the stream right after an ERROR event.
          failure = failureOf(event.code, event.status, this.scope);
          return;
        }
        if (event.type === 'BOOKMARK') {
          this.resourceVersion = event.resourceVersion;
          return;
        }
        const row = toRow(event.object, this.target.shape);
        if (event.type === 'DELETED') this.store.delete(row.uid);
        else this.store.upsert(row, event.object.metadata?.resourceVersion ?? '');
        this.resourceVersion = event.object.metadata?.resourceVersion ?? this.resourceVersion;
        this.scheduleFlush();
      },
    });
    if (failure) throw new KubeFailure(failure);
    if (res.status !== 200) throw new KubeFailure(failureOf(res.status, res.body, this.scope));
    // A proxy that ends every watch at once would otherwise make this a busy loop.
    if (!events && Date.now() - started < 1000) throw new KubeFailure({ kind: 'transient', message: `The server ended the watch of ${this.scope} at once` });
  }

  /** Sets the phase for a failure and returns how long to wait before trying again; undefined to give up. */
  private judge(err: unknown): number | undefined {
    const attempt = this.failures++;
    if (!(err instanceof KubeFailure || err instanceof AppError)) this.log.error('kube watch failed unexpectedly', { scope: this.scope, error: err });
    const failure = failureOfError(err, this.scope);
    if (!failure) {
      this.stop({ phase: 'error', message: 'The connection was deleted' });
      return undefined;
    }
    const previous = this.phase;
    const retry = retryAfter(failure, attempt, { slowRetryMs: this.options.slowRetryMs, expiredRecently: Date.now() - this.lastExpiry < EXPIRED_RECENTLY_MS });
    if (failure.kind === 'expired') {
      this.stats.expired++;
      this.resourceVersion = undefined;
      this.lastExpiry = Date.now();
    }
    // Exec plugins and token files are read again on the next try.
    if (failure.kind === 'unauthorized') this.clients.forget(this.target.connectionId);
    // The network failed: maybe the server is gone, and the pulse tells every cache of the connection at once.
    if (failure.kind === 'transient') {
      const pulse = this.pulse.state;
      // Already known: the rows are stale, and the pulse's retry, not ours, is the one to show and wait for.
      if (!pulse.reachable) {
        this.markStale(pulse);
        return 0;
      }
      this.pulse.suspect();
    }
    this.setPhase(retry.phase, retry.message, retry.waitMs > 0 ? { retryAt: new Date(Date.now() + retry.waitMs).toISOString() } : {});
    if (previous !== this.phase) this.log.warn('kube watch', { connectionId: this.target.connectionId, scope: this.scope, phase: this.phase, message: this.message });
    return retry.waitMs;
  }

  /** Sets what the state says; `timing` is empty while the cache is listing or live. */
  private setPhase(phase: WatchState['phase'], message?: string, timing: { staleSince?: string; retryAt?: string } = {}): void {
    if (phase === this.phase && message === this.message && timing.staleSince === this.staleSince && timing.retryAt === this.retryAt) return;
    this.phase = phase;
    this.message = message;
    this.staleSince = timing.staleSince;
    this.retryAt = timing.retryAt;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.stopped) return;
    this.flushTimer = setTimeout(() => this.flush(), this.options.batchMs);
  }

  /** Every subscriber starts over from the rows held now (the first page of the first list). */
  private resetAll(): void {
    this.firstPageSeen = true;
    for (const sub of this.subscribers) sub.needsReset = true;
    this.flush();
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const changes = this.store.takeChanges();
    const state = this.state;
    const sent = JSON.stringify([state.phase, state.message, state.staleSince, state.retryAt]);
    const stateChanged = this.sent !== sent;
    let all: Row[] | undefined;
    for (const sub of this.subscribers) {
      if (sub.needsReset) {
        sub.needsReset = false;
        sub.listener({ reset: true, upserts: (all ??= this.store.all()), deletes: [], state });
      } else if (changes.upserts.length || changes.deletes.length || stateChanged) {
        sub.listener({ ...changes, state });
      }
    }
    this.sent = sent;
  }
}

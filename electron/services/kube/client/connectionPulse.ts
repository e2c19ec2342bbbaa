/**
 * Whether a cluster's API server is answering, as the open views see it.
 *
 * A hung apiserver (paused, or behind a dead VPN) keeps TCP connections open
 * and answers nothing: a watch then hears nothing, which looks exactly like a
 * quiet cluster. Watches ask for bookmarks, but those come about once a
 * minute, so silence alone is a slow signal. A pulse per connection therefore
 * notes every byte the connection's lists and watches receive, and after
 * {@link PulseOptions.silenceMs} without any it asks the server something
 * cheap (`GET /version`) with a short deadline. No answer means the
 * connection is down since the last thing heard: the caches keep their rows,
 * say they are stale since then, and wait for the pulse, which asks again on
 * a backoff and announces when the next try is due, so "retrying in 8 s" is
 * when the retry really happens. The first answer brings them all back.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { AppError } from '../../../../shared/result';
import { backoffDelay } from '../watch/listWatch';
import { kubeRequest } from './kubeHttp';

/** What the pulse knows about the connection. */
export type PulseState =
  | { reachable: true }
  /** `since`: the last time anything was heard (ms since epoch); `retryAt`: when the next try starts. */
  | { reachable: false; since: number; retryAt: number; message: string };

/** Tuning of a {@link ConnectionPulse}; tests shrink the times. */
export interface PulseOptions {
  /** Silence, with someone listening, after which the server is asked whether it is there. */
  silenceMs: number;
  /** How long that question may go unanswered, connecting included. */
  probeTimeoutMs: number;
  /** Backoff between tries while the server is down. */
  retryBaseMs: number;
  retryMaxMs: number;
}

/** Defaults: a hung server is called stale within about 20 s (15 s of silence, 5 s to answer `/version`). */
export const DEFAULT_PULSE_OPTIONS: PulseOptions = { silenceMs: 15_000, probeTimeoutMs: 5_000, retryBaseMs: 1_000, retryMaxMs: 30_000 };

/** What a pulse needs: the connection's client, and a clock (tests). */
export interface PulseDeps {
  config(): Promise<KubeConfig>;
  now?: () => number;
  random?: () => number;
}

/** What asking the server found: it answered, it did not (and what happened), or it could not be asked (credentials, a deleted connection). */
type Probe = { answered: true } | { answered: false; message: string } | { answered: undefined };

/**
 * One connection's pulse. Runs while anyone {@link hold}s it; everyone who
 * receives data from the server calls {@link heard}. When the last holder
 * lets go it forgets what it knew: nobody is listening any more, and a view
 * opened later finds out afresh.
 */
export class ConnectionPulse {
  private last: number;
  /** Times anything was heard, so a question can tell whether data came while it was out. */
  private heardCount = 0;
  private down: Extract<PulseState, { reachable: false }> | undefined;
  private holders = 0;
  /** Whether anyone has been told the server answers; the first thing heard says so. */
  private announced = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private probing: AbortController | undefined;
  private failures = 0;
  private readonly listeners = new Set<(state: PulseState, watched: boolean) => void>();
  private readonly waiters = new Set<() => void>();
  private readonly now: () => number;

  constructor(
    private readonly deps: PulseDeps,
    private readonly options: PulseOptions = DEFAULT_PULSE_OPTIONS,
  ) {
    this.now = deps.now ?? Date.now;
    this.last = this.now();
  }

  /** Where the connection stands now. */
  get state(): PulseState {
    return this.down ?? { reachable: true };
  }

  /**
   * Listens for changes of {@link state}; `watched` false says the last
   * holder let go and nothing is known any more. Returns the unsubscribe.
   */
  onChange(listener: (state: PulseState, watched: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Someone listens to the server (a cache): the pulse watches for silence until every holder lets go. */
  hold(): () => void {
    if (this.holders++ === 0) {
      this.last = this.now();
      this.schedule(this.options.silenceMs);
    }
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      if (--this.holders === 0) this.forget();
    };
  }

  /** Data came from the server: it is there. */
  heard(): void {
    this.heardCount++;
    this.last = this.now();
    if (this.down || !this.announced) this.recovered();
  }

  /** A request failed in a way that may mean the server is gone: ask now rather than after the silence. */
  suspect(): void {
    if (this.down || this.probing || this.holders === 0) return;
    this.schedule(0, true);
  }

  /** Asks the server now, with the backoff reset: its credentials or address were just replaced. */
  retryNow(): void {
    if (this.holders === 0) return;
    this.failures = 0;
    this.probing?.abort();
    this.probing = undefined;
    this.schedule(0, true);
  }

  /** Resolves once the server answers again (at once when it is reachable), or when `signal` aborts. */
  reachable(signal: AbortSignal): Promise<void> {
    if (!this.down || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Stops the timers and any question in flight. */
  close(): void {
    this.holders = 0;
    this.forget();
    this.listeners.clear();
  }

  /** No one listens: stop asking, and drop what was known (telling whoever showed it). */
  private forget(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.probing?.abort();
    this.probing = undefined;
    const known = this.announced || this.down;
    this.down = undefined;
    this.announced = false;
    this.failures = 0;
    for (const wake of [...this.waiters]) wake();
    if (known) this.emit(false);
  }

  /** The next look at the silence in `ms`; `ask` asks the server whatever the silence. */
  private schedule(ms: number, ask = false): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(ask), ms);
  }

  private async tick(ask: boolean): Promise<void> {
    this.timer = undefined;
    if (this.holders === 0) return;
    const quietFor = this.now() - this.last;
    if (!ask && !this.down && quietFor < this.options.silenceMs) return this.schedule(this.options.silenceMs - quietFor);
    const heardBefore = this.heardCount;
    const probing = (this.probing = new AbortController());
    const found = await this.probe(probing.signal);
    if (this.probing !== probing) return;
    this.probing = undefined;
    // Data that arrived while we asked answers the question too (a /version held back by priority and fairness).
    if (found.answered === true || this.heardCount > heardBefore) {
      this.heard();
      this.schedule(this.options.silenceMs);
      return;
    }
    // Not asked at all (credentials that cannot be had, say): that is not silence, and the views show it themselves.
    if (found.answered === undefined) return this.schedule(this.down ? this.options.retryMaxMs : this.options.silenceMs);
    const waitMs = backoffDelay(this.failures++, this.deps.random, this.options.retryBaseMs, this.options.retryMaxMs);
    this.down = { reachable: false, since: this.down?.since ?? this.last, retryAt: this.now() + waitMs, message: found.message };
    this.schedule(waitMs);
    this.emit(true);
  }

  /**
   * Asks `/version` within the deadline, getting the credentials included:
   * an exec plugin that hangs must not stop the pulse. Any HTTP status is an
   * answer; only the network failing or the deadline passing is silence.
   */
  private async probe(signal: AbortSignal): Promise<Probe> {
    const seconds = Math.round(this.options.probeTimeoutMs / 1000);
    let server = 'The API server';
    const asked = (async (): Promise<Probe> => {
      const kc = await this.deps.config();
      server = kc.getCurrentCluster()?.server ?? server;
      await kubeRequest(kc, '/version', { deadlineMs: this.options.probeTimeoutMs, signal });
      return { answered: true };
    })().catch((err: unknown): Probe => {
      if (err instanceof AppError && (err.code === 'TIMEOUT' || err.code === 'UNREACHABLE')) return { answered: false, message: err.message };
      return { answered: undefined };
    });
    // The request has its own deadline; this one also covers getting the credentials (an exec plugin that hangs).
    const expired = new Promise<Probe>((resolve) =>
      setTimeout(() => resolve({ answered: false, message: `${server} did not answer within ${seconds} s` }), this.options.probeTimeoutMs + 100).unref(),
    );
    return Promise.race([asked, expired]);
  }

  private recovered(): void {
    this.announced = true;
    this.down = undefined;
    this.failures = 0;
    if (this.holders > 0) this.schedule(this.options.silenceMs);
    for (const wake of [...this.waiters]) wake();
    this.emit(true);
  }

  private emit(watched: boolean): void {
    const state = this.state;
    for (const listener of this.listeners) listener(state, watched);
  }
}

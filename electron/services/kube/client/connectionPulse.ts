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

/**
 * One connection's pulse. Runs while anyone {@link hold}s it; everyone who
 * receives data from the server calls {@link heard}.
 */
export class ConnectionPulse {
  private last: number;
  private down: Extract<PulseState, { reachable: false }> | undefined;
  private holders = 0;
  /** Whether anyone has been told the server answers; the first thing heard says so. */
  private announced = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private probing: AbortController | undefined;
  private failures = 0;
  private readonly listeners = new Set<(state: PulseState) => void>();
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

  /** Listens for changes of {@link state}; returns the unsubscribe. */
  onChange(listener: (state: PulseState) => void): () => void {
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
      if (--this.holders === 0) this.pause();
    };
  }

  /** Data came from the server: it is there. */
  heard(): void {
    this.last = this.now();
    if (this.down || !this.announced) this.recovered();
  }

  /** A request failed in a way that may mean the server is gone: ask now rather than after the silence. */
  suspect(): void {
    if (this.down || this.probing || this.holders === 0) return;
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
    this.pause();
    for (const wake of [...this.waiters]) wake();
  }

  private pause(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.probing?.abort();
    this.probing = undefined;
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
    const probing = (this.probing = new AbortController());
    const answered = await this.probe(probing.signal);
    if (this.probing !== probing) return;
    this.probing = undefined;
    if (answered === true) {
      this.heard();
      this.schedule(this.options.silenceMs);
      return;
    }
    const waitMs = backoffDelay(this.failures++, this.deps.random, this.options.retryBaseMs, this.options.retryMaxMs);
    this.down = { reachable: false, since: this.last, retryAt: this.now() + waitMs, message: answered };
    this.schedule(waitMs);
    this.emit();
  }

  /** True when the server answered anything at all; otherwise what happened, for people. */
  private async probe(signal: AbortSignal): Promise<true | string> {
    let server = 'The API server';
    try {
      const kc = await this.deps.config();
      server = kc.getCurrentCluster()?.server ?? server;
      const deadline = AbortSignal.any([signal, AbortSignal.timeout(this.options.probeTimeoutMs)]);
      await kubeRequest(kc, '/version', { timeoutMs: this.options.probeTimeoutMs, signal: deadline });
      // Any status, 401 and 403 included, is an answer: the server is there.
      return true;
    } catch (err) {
      if (err instanceof AppError && (err.code === 'UNREACHABLE' || err.code === 'TIMEOUT' || err.code === 'TLS')) return err.message;
      if (err instanceof Error && err.name === 'AbortError') return `${server} did not answer within ${Math.round(this.options.probeTimeoutMs / 1000)} s`;
      return err instanceof AppError ? err.message : `${server} could not be asked whether it is there`;
    }
  }

  private recovered(): void {
    this.announced = true;
    this.down = undefined;
    this.failures = 0;
    if (this.holders > 0) this.schedule(this.options.silenceMs);
    for (const wake of [...this.waiters]) wake();
    this.emit();
  }

  private emit(): void {
    const state = this.state;
    for (const listener of this.listeners) listener(state);
  }
}

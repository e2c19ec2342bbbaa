import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/result';
import { kubeConfigFor } from '../../../../test/support/localKube';
import { ConnectionPulse, type PulseOptions, type PulseState } from './connectionPulse';

const FAST: PulseOptions = { silenceMs: 150, probeTimeoutMs: 300, retryBaseMs: 100, retryMaxMs: 400 };

/** A server that answers `/version`, or, while `hung`, takes the connection and never answers (a paused apiserver). */
async function apiserver(): Promise<{ server: http.Server; asked: () => number; hang(on: boolean): void }> {
  let hung = false;
  let asked = 0;
  const server = http.createServer((req, res) => {
    asked++;
    if (hung) return;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"gitVersion":"v1.34.4"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, asked: () => asked, hang: (on) => void (hung = on) };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function pulseOn(options = FAST) {
  const api = await apiserver();
  const kc = kubeConfigFor(api.server);
  const pulse = new ConnectionPulse({ config: async () => kc }, options);
  const states: PulseState[] = [];
  const watched: boolean[] = [];
  pulse.onChange((s, w) => {
    states.push(s);
    watched.push(w);
  });
  cleanups.push(() => {
    pulse.close();
    api.server.closeAllConnections();
    api.server.close();
  });
  return { ...api, pulse, states, watched };
}

const until = async (what: string, check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('a connection pulse', () => {
  it('asks nothing while no one listens', async () => {
    const { pulse, asked } = await pulseOn();
    expect(pulse.state).toEqual({ reachable: true });
    await new Promise((r) => setTimeout(r, FAST.silenceMs * 3));
    expect(asked()).toBe(0);
  });

  it('asks a quiet server whether it is there, and hears it is', async () => {
    const { pulse, asked, states } = await pulseOn();
    pulse.hold();
    await until('two questions', () => asked() >= 2);
    expect(pulse.state).toEqual({ reachable: true });
    // The first answer is announced once (it may overrule an older Test); a quiet healthy server says nothing more.
    expect(states).toEqual([{ reachable: true }]);
  });

  it('does not ask while data keeps coming', async () => {
    const { pulse, asked } = await pulseOn();
    pulse.hold();
    const feeding = setInterval(() => pulse.heard(), FAST.silenceMs / 3);
    await new Promise((r) => setTimeout(r, FAST.silenceMs * 4));
    clearInterval(feeding);
    expect(asked()).toBe(0);
  });

  it('calls a hung server unreachable since the last thing heard, then reachable again when it answers, waking whoever waits', async () => {
    const { pulse, hang, states } = await pulseOn();
    pulse.hold();
    pulse.heard();
    const lastHeard = Date.now();
    hang(true);
    await until('unreachable', () => !pulse.state.reachable);
    const down = pulse.state as Extract<PulseState, { reachable: false }>;
    expect(down.since).toBeGreaterThanOrEqual(lastHeard - 5);
    expect(down.since).toBeLessThanOrEqual(lastHeard + 5);
    expect(down.retryAt).toBeGreaterThan(Date.now() - 50);
    expect(down.message).toMatch(/^http:\/\/127\.0\.0\.1:\d+ did not answer/);

    const waiting = pulse.reachable(new AbortController().signal).then(() => 'woken');
    // It keeps asking on its backoff, saying each time when the next try is.
    const tries = states.length;
    await until('another try', () => states.length > tries);
    expect(await Promise.race([waiting, Promise.resolve('waiting')])).toBe('waiting');

    hang(false);
    expect(await waiting).toBe('woken');
    expect(pulse.state).toEqual({ reachable: true });
    expect(states.at(-1)).toEqual({ reachable: true });
  });

  it('asks at once when a request failed, instead of after the silence', async () => {
    const { pulse, asked } = await pulseOn({ ...FAST, silenceMs: 60_000 });
    pulse.hold();
    pulse.suspect();
    await until('a question', () => asked() === 1, 1000);
  });

  it('stops asking when the last holder lets go', async () => {
    const { pulse, asked } = await pulseOn();
    const release = pulse.hold();
    await until('a question', () => asked() >= 1);
    release();
    release();
    const after = asked();
    await new Promise((r) => setTimeout(r, FAST.silenceMs * 3));
    expect(asked()).toBe(after);
  });

  it('does not call the server silent when data arrived while the question was out (a /version held back)', async () => {
    const { pulse, hang, states } = await pulseOn();
    pulse.hold();
    hang(true);
    const feeding = setInterval(() => pulse.heard(), 20);
    await new Promise((r) => setTimeout(r, FAST.silenceMs + FAST.probeTimeoutMs * 3));
    clearInterval(feeding);
    expect(states.every((s) => s.reachable)).toBe(true);
  });

  it('does not call the server silent when it could not be asked (credentials that cannot be had)', async () => {
    const pulse = new ConnectionPulse({ config: async () => Promise.reject(new AppError('UNAUTHORIZED', 'exec plugin failed')) }, FAST);
    cleanups.push(() => pulse.close());
    const states: PulseState[] = [];
    pulse.onChange((s) => states.push(s));
    pulse.hold();
    pulse.suspect();
    await new Promise((r) => setTimeout(r, FAST.silenceMs * 3));
    expect(pulse.state).toEqual({ reachable: true });
    expect(states).toEqual([]);
  });

  it('forgets what it knew when the last holder lets go, telling its listeners, and starts afresh with the next', async () => {
    const { pulse, hang, watched, asked } = await pulseOn();
    const release = pulse.hold();
    hang(true);
    await until('unreachable', () => !pulse.state.reachable);
    release();
    expect(pulse.state).toEqual({ reachable: true });
    expect(watched.at(-1)).toBe(false);
    const before = asked();
    hang(false);
    pulse.hold();
    // A new holder gets the full silence before any question, not the old backoff.
    expect(asked()).toBe(before);
    await until('an answer', () => watched.at(-1) === true && pulse.state.reachable);
  });

  it('asks again at once when told the credentials changed, even while backing off', async () => {
    const { pulse, hang, asked } = await pulseOn({ ...FAST, retryBaseMs: 60_000, retryMaxMs: 60_000 });
    pulse.hold();
    hang(true);
    await until('unreachable', () => !pulse.state.reachable);
    hang(false);
    const before = asked();
    pulse.retryNow();
    await until('reachable', () => pulse.state.reachable, 2000);
    expect(asked()).toBeGreaterThan(before);
  });

  it('lets a waiter go when its signal aborts', async () => {
    const { pulse, hang } = await pulseOn();
    pulse.hold();
    hang(true);
    await until('unreachable', () => !pulse.state.reachable);
    const abort = new AbortController();
    const waiting = pulse.reachable(abort.signal);
    abort.abort();
    await waiting;
    expect(pulse.state.reachable).toBe(false);
  });
});

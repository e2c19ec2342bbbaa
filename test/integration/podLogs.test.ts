/**
 * Pod logs against the real test bed: following a seeded pod's log while
 * lines are appended to the cluster's log file, timestamps, tails, resuming
 * a stream the client dropped without repeating or losing a line, a deleted
 * pod, downloads with a size limit, the refusals a person sees, a burst
 * of lines held to the configured rate with bounded memory, and a burst
 * held back while its window is behind on the stream, other windows' streams
 * flowing on.
 *
 * Every container of the primary cluster shows the same log file, which
 * other test files read too: this file only appends to it, and marks its
 * lines with a per-run tag to find its own.
 */
import { execFile } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LogLines, ParamsOf } from '../../shared/contract';
import { decodeStreamFrame } from '../../shared/wire';
import type { Services } from '../../electron/services/app/createServices';
import { createKubeAccess, type KubeAccess } from '../../electron/services/kube/client/kubeAccess';
import { createPodLogs, type PodLogs, type PodLogsOptions } from '../../electron/services/kube/logs/podLogs';
import { StreamHub } from '../../electron/services/rpc/streamHub';
import { servicesWithCluster } from '../support/services';
import { KWOK_TOLERATION, criLogLine } from '../testbed';
import { contractClient, until } from '../support/contract';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);

const RUN = Date.now().toString(36);
const NS = `ph-it-logs-${RUN}`;
/** A seeded Running pod, read only; it has never restarted. */
const SEEDED = { namespace: 'platform', pod: 'redis-0', container: 'redis' };
const SESSION = 'it-logs';

let services: Services;
let connectionId = '';
let access: KubeAccess;
let serial = 0;

/** A line no other test writes. */
const unique = (what: string) => `ph-it-logs ${RUN} ${++serial} ${what}`;
const append = (...texts: string[]) => appendFileSync(primary.podLogFile, texts.map((t) => criLogLine(t)).join(''));

/** What a window holding a stream would have, built from the stream's messages alone. */
interface View {
  lines: string[];
  messages: LogLines[];
  phases: LogLines['state']['phase'][];
  /** The services ended the stream. */
  ended: boolean;
}

/**
 * A window of `session` reading the private streams `streams` sends it, into
 * views by stream id (or, given `onMessage`, to it alone, keeping nothing);
 * it acknowledges what it reads at once, as a window that keeps up does,
 * unless told it is behind.
 */
function windowOn(streams: StreamHub, session: string, onMessage?: (m: LogLines) => void) {
  const views = new Map<string, View>();
  const view = (id: string): View => {
    let v = views.get(id);
    if (!v) views.set(id, (v = { lines: [], messages: [], phases: [], ended: false }));
    return v;
  };
  const state = { behind: false };
  streams.attach(session, (frame) => {
    if (typeof frame === 'string') {
      const end = JSON.parse(frame) as { t: string; stream: number };
      if (end.t === 'streamEnd') view(String(end.stream)).ended = true;
      return;
    }
    const { stream, payload } = decodeStreamFrame(frame)!;
    const m = JSON.parse(new TextDecoder().decode(payload)) as LogLines;
    if (onMessage) onMessage(m);
    else {
      const v = view(String(stream));
      v.messages.push(m);
      v.lines.push(...m.lines);
      if (v.phases.at(-1) !== m.state.phase) v.phases.push(m.state.phase);
    }
    if (!state.behind) streams.ack(session, stream, payload.byteLength);
  });
  return { view, state };
}

const { call, failure } = contractClient(() => services, { actor: 'it-logs', session: SESSION });

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The window closes a stream it reads, as the UI does when the view goes. */
const closeStream = (streamId: string) => services.streams.cancel(SESSION, Number(streamId));

async function kubectl(...args: string[]): Promise<string> {
  return (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;
}

type Target = ParamsOf<'kube.openLogs'>;

/**
 * A PodLogs of its own with `options`, streaming to a window of its own
 * (`streamOptions` tune that window's flow control); closed after the test,
 * so later bursts do not flow into it.
 */
function podLogs(options: PodLogsOptions, onMessage?: (m: LogLines) => void, streamOptions: ConstructorParameters<typeof StreamHub>[1] = {}) {
  const streams = new StreamHub(services.log, streamOptions);
  const window = windowOn(streams, SESSION, onMessage);
  const logs: PodLogs = createPodLogs({ access, streams, log: services.log }, options);
  cleanups.push(() => {
    logs.closeAll();
    streams.detach(SESSION);
  });
  return { logs, streams, window, open: (target: Target) => logs.open(target, SESSION) };
}
const cleanups: (() => void)[] = [];

/** The window of this file's session on the services' own streams. */
let ui: ReturnType<typeof windowOn>;
const view = (id: string) => ui.view(id);

beforeAll(async () => {
  ({ services, connectionId } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary-admin'));
  access = createKubeAccess(services.connections, services.log);
  ui = windowOn(services.streams, SESSION);
  await kubectl('create', 'namespace', NS);
});

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

afterAll(async () => {
  services?.close();
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('following a log', () => {
  it('shows the last lines, then lines as the container writes them, and stops on close', async () => {
    const before = [unique('before a'), unique('before b'), unique('before c')];
    append(...before);
    const { streamId } = await call('kube.openLogs', { connectionId, ...SEEDED, tailLines: 3 });
    const v = await until('the last three lines', () => view(streamId).lines.length >= 3 && view(streamId));
    expect(v.lines).toEqual(before);
    expect(v.messages[0].state.phase).toBe('streaming');

    const later = unique('written while followed');
    append(later);
    await until('the appended line', () => v.lines.includes(later));
    expect(v.lines).toEqual([...before, later]);

    // A second follower shows when a line written after the close has been served: by then the closed stream would have had it too.
    const witness = await call('kube.openLogs', { connectionId, ...SEEDED, tailLines: 1 });
    await until('the witness to follow', () => view(witness.streamId).lines.length > 0);
    closeStream(streamId);
    const messages = v.messages.length;
    const afterClose = unique('after close');
    append(afterClose);
    await until('the witness to get the line written after the close', () => view(witness.streamId).lines.includes(afterClose));
    expect(v.messages.length).toBe(messages);
    closeStream(witness.streamId);
    // Closing again, or an unknown id, is harmless.
    closeStream(streamId);
    closeStream('99999');
  });

  it('with timestamps, each line starts with the kubelet time; without, with the text', async () => {
    const text = unique('stamped');
    append(text);
    const withStamps = await call('kube.openLogs', { connectionId, ...SEEDED, timestamps: true, follow: false, tailLines: 1 });
    const withoutStamps = await call('kube.openLogs', { connectionId, ...SEEDED, follow: false, tailLines: 1 });
    const stamped = await until('the stamped read to end', () => view(withStamps.streamId).phases.includes('ended') && view(withStamps.streamId));
    const plain = await until('the plain read to end', () => view(withoutStamps.streamId).phases.includes('ended') && view(withoutStamps.streamId));
    expect(stamped.lines).toHaveLength(1);
    expect(stamped.lines[0]).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d+Z ${text}$`));
    expect(plain.lines).toEqual([text]);
    // A short read may come as one batch: its lines with the end.
    expect(plain.messages.at(-1)?.state).toEqual({ phase: 'ended' });
    expect(plain.ended).toBe(true);
  });

  it('tailLines 0 shows only what is written from now on', async () => {
    const old = unique('old');
    append(old);
    const { streamId } = await call('kube.openLogs', { connectionId, ...SEEDED, tailLines: 0 });
    // The server says nothing until a line comes, so when it follows is seen only by writing: a probe per poll until one arrives.
    const probes: string[] = [];
    const v = await until('the stream to follow', () => {
      if (view(streamId).lines.length) return view(streamId);
      probes.push(unique('probe'));
      append(probes.at(-1)!);
    });
    const fresh = unique('new');
    append(fresh);
    await until('the new line', () => v.lines.includes(fresh));
    // Probes written before the server followed are not shown; nothing written before the open ever is.
    expect(v.lines).toEqual([...probes.slice(probes.length - (v.lines.length - 1)), fresh]);
    expect(v.lines).not.toContain(old);
    closeStream(streamId);
  });

  it('cuts a line longer than the limit and marks the cut', async () => {
    const { open, window } = podLogs({ maxLineLength: 1024 });
    const { streamId } = await open({ connectionId, ...SEEDED, previous: false, timestamps: false, follow: true, tailLines: 0 });
    const long = unique('long ') + 'x'.repeat(4000);
    const after = unique('after the long one');
    append(long, after);
    const v = await until('both lines', () => window.view(streamId).lines.length >= 2 && window.view(streamId));
    expect(v.lines).toEqual([`${long.slice(0, 1024)} […line cut at 1 KiB]`, after]);
  });

  it('resumes a dropped stream from the last timestamp without repeating or losing lines that share it', async () => {
    // A short idle timeout makes the client drop and reopen the quiet stream every 0.7 s.
    const { logs, open, window } = podLogs({ idleTimeoutMs: 700, openGraceMs: 300 });
    const { streamId } = await open({ connectionId, ...SEEDED, previous: false, timestamps: false, follow: true, tailLines: 0 });
    const instant = new Date();
    const first = [unique('same instant 1'), unique('same instant 2'), unique('same instant 3')];
    appendFileSync(primary.podLogFile, first.map((t) => criLogLine(t, instant)).join(''));
    await until('the first lines', () => window.view(streamId).lines.length >= 3);
    await until('two resumes', () => (logs.stats(SESSION, streamId)?.requests ?? 0) >= 3, 10_000);
    // Written later with the same timestamp: new lines the resumed stream must not take for repeats.
    const second = [unique('same instant 4'), unique('same instant 5')];
    const next = unique('a millisecond later');
    appendFileSync(primary.podLogFile, [...second.map((t) => criLogLine(t, instant)), criLogLine(next, new Date(instant.getTime() + 1))].join(''));
    await until('the later lines', () => window.view(streamId).lines.length >= 6);
    await until('another resume', () => (logs.stats(SESSION, streamId)?.requests ?? 0) >= 5, 10_000);
    expect(window.view(streamId).lines).toEqual([...first, ...second, next]);
    expect(window.view(streamId).phases).toEqual(['streaming']);
  });

  it('ends when the pod is deleted', async () => {
    const overrides = JSON.stringify({ spec: { tolerations: [KWOK_TOLERATION] } });
    await kubectl('run', 'short-lived', '-n', NS, '--image=registry.k8s.io/pause:3.10', '--restart=Never', `--overrides=${overrides}`);
    await kubectl('wait', '--for=condition=Ready', 'pod/short-lived', '-n', NS, '--timeout=30s');
    const { logs, open, window } = podLogs({ idleTimeoutMs: 700, openGraceMs: 300 });
    const { streamId } = await open({ connectionId, namespace: NS, pod: 'short-lived', container: 'short-lived', previous: false, timestamps: false, follow: true, tailLines: 1 });
    await until('the stream to start', () => window.view(streamId).messages.length);
    await kubectl('delete', 'pod', 'short-lived', '-n', NS, '--grace-period=0', '--force');
    const v = await until('the stream to end', () => window.view(streamId).phases.includes('ended') && window.view(streamId));
    expect(v.messages.at(-1)?.state).toEqual({ phase: 'ended', message: 'The pod was deleted' });
    expect(logs.stats(SESSION, streamId)).toBeUndefined();
    expect(v.ended).toBe(true);
  });
});

describe('refusals', () => {
  it('a missing pod is NOT_FOUND', async () => {
    const err = await failure('kube.openLogs', { connectionId, namespace: SEEDED.namespace, pod: `no-such-pod-${RUN}`, container: 'x' });
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toContain(`no-such-pod-${RUN}`);
  });

  it('the previous instance of a container that never restarted: says there is none', async () => {
    const err = await failure('kube.openLogs', { connectionId, ...SEEDED, previous: true });
    expect(err).toEqual({
      code: 'NOT_FOUND',
      message: 'Container redis in pod platform/redis-0 has no previous instance: it has not restarted, or its old log was removed',
    });
    const download = await failure('kube.downloadLogs', { connectionId, ...SEEDED, previous: true });
    expect(download.code).toBe('NOT_FOUND');
  });

  it('a container the pod does not have: the server says so', async () => {
    const err = await failure('kube.openLogs', { connectionId, ...SEEDED, container: 'sidecar' });
    expect(err.code).toBe('VALIDATION');
    expect(err.message).toContain('container sidecar is not valid for pod redis-0');
  });

  it('holds a session to its most streams, and ending the session frees them', async () => {
    const { logs, streams } = podLogs({ maxStreamsPerSession: 2, openGraceMs: 300 });
    windowOn(streams, 'window-1');
    windowOn(streams, 'window-2');
    cleanups.push(() => ['window-1', 'window-2'].forEach((w) => streams.detach(w)));
    const target = { connectionId, ...SEEDED, previous: false, timestamps: false, follow: true, tailLines: 0 };
    const a = await logs.open(target, 'window-1');
    const b = await logs.open(target, 'window-1');
    await expect(logs.open(target, 'window-1')).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('close one before opening another') });
    // Another window has its own allowance.
    const other = await logs.open(target, 'window-2');
    logs.endSession('window-1');
    expect(logs.stats('window-1', a.streamId)).toBeUndefined();
    expect(logs.stats('window-1', b.streamId)).toBeUndefined();
    expect(logs.stats('window-2', other.streamId)?.phase).toBe('streaming');
    const again = await logs.open(target, 'window-1');
    expect(logs.stats('window-1', again.streamId)?.phase).toBe('streaming');
  });
});

// Downloads read the whole log file, which grows with every run against a reused bed (the burst below adds ~3 MB; a fresh bed starts it anew).
describe('downloads', { timeout: 180_000 }, () => {
  it('the whole log with the latest line, named after pod and container', async () => {
    const last = unique('last before download');
    append(last);
    const d = await call('kube.downloadLogs', { connectionId, ...SEEDED });
    expect(d.fileName).toMatch(/^redis-0_redis_\d{8}-\d{6}\.log$/);
    expect(d.text.endsWith(`${last}\n`)).toBe(true);
    expect(d.bytes).toBe(Buffer.byteLength(d.text));
    if (d.truncated) expect(d.bytes).toBeLessThanOrEqual(16 * 1024 * 1024);
    else expect(d.text.startsWith('pilothouse test bed container starting\n')).toBe(true);
  });

  it('keeps the last bytes up to the limit, with timestamps when asked', async () => {
    const { logs } = podLogs({ downloadLimitBytes: 4096 });
    const lines = Array.from({ length: 100 }, (_, i) => unique(`download filler ${i}`));
    append(...lines);
    const d = await logs.download({ connectionId, ...SEEDED, previous: false, timestamps: true });
    expect(d.truncated).toBe(true);
    expect(d.bytes).toBe(Buffer.byteLength(d.text));
    expect(d.bytes).toBeLessThanOrEqual(4096);
    expect(d.bytes).toBeGreaterThan(4096 - 200);
    const kept = d.text.trimEnd().split('\n');
    expect(kept.every((l) => /^\d{4}-\d{2}-\d{2}T[\d:.]+Z ph-it-logs /.test(l))).toBe(true);
    expect(kept.at(-1)).toMatch(new RegExp(`Z ${lines.at(-1)}$`));
  });
});

/** `count` numbered lines at one instant, in one write; in a function of its own so the text is garbage once written. */
function appendBurst(tag: string, count: number): void {
  const at = new Date();
  let text = '';
  for (let i = 0; i < count; i++) text += criLogLine(`${tag} ${String(i).padStart(7, '0')}`, at);
  appendFileSync(primary.podLogFile, text);
}

describe('a burst of lines', () => {
  it('is delivered at the configured rate, the stream held back, memory bounded', async () => {
    // Kept modest: every container of the bed shares one log file, and each run makes it longer for everyone.
    const BURST = 30_000;
    const RATE = 5_000;
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const liveHeap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };

    const tag = unique('burst');
    const warmTag = unique('warm-up');
    let warmed = 0;
    let received = 0;
    let dropped = 0;
    let outOfOrder = 0;
    let lastNumber = -1;
    let firstAt = 0;
    let lastAt = 0;
    const arrivals: { at: number; lines: number }[] = [];
    const { logs, open } = podLogs({ maxLinesPerSecond: RATE, maxBufferedLines: 2_000, maxBufferedChars: 256 * 1024 }, (e) => {
      dropped += e.dropped ?? 0;
      warmed += e.lines.filter((l) => l.startsWith(warmTag)).length;
      const mine = e.lines.filter((l) => l.startsWith(tag));
      if (!mine.length) return;
      const now = Date.now();
      if (!firstAt) firstAt = now;
      lastAt = now;
      arrivals.push({ at: now, lines: mine.length });
      for (const line of mine) {
        const n = Number(line.slice(tag.length + 1, tag.length + 8));
        if (n <= lastNumber) outOfOrder++;
        lastNumber = n;
      }
      received += mine.length;
    });
    const { streamId } = await open({ connectionId, ...SEEDED, previous: false, timestamps: false, follow: true, tailLines: 0 });

    // A first, smaller burst runs every code path once, so what the measured one adds is data, not code.
    appendBurst(warmTag, 1_000);
    await until('the warm-up burst', () => warmed === 1_000);
    const heapBefore = liveHeap();
    appendBurst(tag, BURST);
    let heapPeak = 0;
    const started = Date.now();
    while (received + dropped < BURST) {
      if (Date.now() - started > 60_000) throw new Error(`only ${received} + ${dropped} dropped of ${BURST} lines after 60 s`);
      await pause(250);
      heapPeak = Math.max(heapPeak, liveHeap() - heapBefore);
    }
    const stats = logs.stats(SESSION, streamId);
    const seconds = (lastAt - firstAt) / 1000;
    const rate = received / seconds;
    // Most lines that arrived within any one second, as the window saw them.
    let busiestSecond = 0;
    for (const a of arrivals) busiestSecond = Math.max(busiestSecond, arrivals.filter((o) => o.at > a.at - 1000 && o.at <= a.at).reduce((n, o) => n + o.lines, 0));
    console.info(
      `podLogs burst: ${received} lines in ${seconds.toFixed(2)} s = ${Math.round(rate)} lines/s (limit ${RATE}); busiest second ${busiestSecond}; ` +
        `dropped ${dropped}; paused ${stats?.pauses} times; most buffered ${stats?.maxBuffered} lines / ${stats?.maxBufferedChars} chars; ` +
        `live heap growth at most ${(heapPeak / 1024 / 1024).toFixed(1)} MiB`,
    );
    expect(received + dropped).toBe(BURST);
    expect(outOfOrder).toBe(0);
    expect(busiestSecond).toBeLessThanOrEqual(RATE * 1.1);
    expect(rate).toBeLessThanOrEqual(RATE * 1.05);
    // The stream was held back: the apiserver sent faster than the rate.
    expect(stats?.pauses).toBeGreaterThan(0);
    expect(stats?.maxBuffered).toBeLessThanOrEqual(2_000);
    // The burst is 30,000 lines of ~45 characters: holding them all would take about 2.7 MiB.
    expect(heapPeak).toBeLessThan(1.5 * 1024 * 1024);
  });
});

describe('a window that falls behind on its stream', () => {
  it('gets nothing more while it is behind; the stream holds its read back, another window’s stream flows on, and the newest lines follow with the dropped ones counted', async () => {
    const BURST = 2_000;
    // A small high-water mark, so a few batches unacknowledged are enough to be behind.
    const { logs, streams, window } = podLogs({ maxBufferedLines: 100, openGraceMs: 300 }, undefined, { highWaterBytes: 4 * 1024, lowWaterBytes: 1024 });
    const other = windowOn(streams, 'other-window');
    cleanups.push(() => streams.detach('other-window'));
    const target = { connectionId, ...SEEDED, previous: false, timestamps: false, follow: true, tailLines: 0 };
    window.state.behind = true;
    const { streamId } = await logs.open(target, SESSION);
    const theirs = await logs.open(target, 'other-window');

    const tag = unique('behind');
    const mine = () => window.view(streamId).lines.filter((l) => l.startsWith(tag));
    appendBurst(tag, BURST);
    // Behind: more sent than the window acknowledged, past the high-water mark; and the read held back.
    await until('the window to be behind', () => streams.unacknowledged(SESSION, streamId)! > 4 * 1024);
    await until('the stream to hold its read back', () => logs.stats(SESSION, streamId)?.paused);
    const held = logs.stats(SESSION, streamId)!;
    const seenWhileBehind = window.view(streamId).messages.length;
    // The other window gets the whole burst meanwhile (its own buffer may drop some lines too, counted).
    const theirLines = () => other.view(theirs.streamId).lines.filter((l) => l.startsWith(tag)).length;
    const theirDropped = () => other.view(theirs.streamId).messages.reduce((n, m) => n + (m.dropped ?? 0), 0);
    await until('the other window to get the burst', () => theirLines() + theirDropped() === BURST);
    expect(window.view(streamId).messages.length).toBe(seenWhileBehind);
    expect(held).toMatchObject({ paused: true, phase: 'streaming' });
    expect(held.maxBuffered).toBeLessThanOrEqual(100);
    expect(mine().length).toBeLessThan(BURST);

    // The window catches up: the lines flow again, in order, with what was dropped counted.
    window.state.behind = false;
    streams.ack(SESSION, Number(streamId), streams.unacknowledged(SESSION, streamId)!);
    const dropped = () => window.view(streamId).messages.reduce((n, m) => n + (m.dropped ?? 0), 0);
    await until('every line of the burst, delivered or counted as dropped', () => mine().length + dropped() === BURST);
    const numbers = mine().map((l) => Number(l.slice(tag.length + 1)));
    expect(numbers.every((n, i) => i === 0 || n > numbers[i - 1])).toBe(true);
    expect(numbers.at(-1)).toBe(BURST - 1);
    // Told exactly what the stream dropped: none when the server's chunks were small enough for the paused read to hold
    // everything back (the read pauses at half the buffer), some when a chunk already read overfilled it.
    expect(dropped()).toBe(logs.stats(SESSION, streamId)!.dropped);
    console.info(`podLogs behind: ${dropped()} of ${BURST} lines dropped while the window was behind (buffer at most ${held.maxBuffered}); the other window meanwhile got ${theirLines()} (${theirDropped()} dropped)`);
  });
});

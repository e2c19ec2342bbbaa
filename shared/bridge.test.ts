import { afterEach, describe, expect, it, vi } from 'vitest';
import { createContractClient, createStreamReceiver } from './bridge';
import type { LogLines } from './contract';
import { encodeStreamFrame, type ClientMessage } from './wire';

const frameOf = (stream: number, payload: unknown) => encodeStreamFrame(stream, new TextEncoder().encode(JSON.stringify(payload)));
const lines = (...text: string[]): LogLines => ({ lines: text, state: { phase: 'streaming' } });

afterEach(() => vi.useRealTimers());

describe('the contract client', () => {
  it('sends calls made before connecting once connected, and resolves them with their results', async () => {
    const sent: string[] = [];
    const client = createContractClient({ send: (t) => sent.push(t) });
    const answer = client.bridge.methods['app.info']({});
    expect(sent).toEqual([]);
    client.connected();
    const call = JSON.parse(sent[0]) as { id: number };
    client.receive(JSON.stringify({ t: 'result', id: call.id, result: { ok: true, value: { mode: 'browser' } } }));
    expect(await answer).toEqual({ ok: true, value: { mode: 'browser' } });
  });

  it('never sends a call that timed out while disconnected: its caller was told it failed', async () => {
    vi.useFakeTimers();
    const sent: string[] = [];
    const client = createContractClient({ send: (t) => sent.push(t) });
    client.connected();
    client.disconnected('lost');
    const answer = client.bridge.methods['kube.restart']({ connectionId: 'c', resource: { group: 'apps', version: 'v1', resource: 'deployments' }, namespace: 'a', name: 'web' });
    vi.advanceTimersByTime(120_001);
    expect(await answer).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    client.connected();
    expect(sent.filter((t) => t.includes('kube.restart'))).toEqual([]);
  });

  it('fails calls in flight when the connection is lost, and asks the UI to refetch after a reconnect', async () => {
    const client = createContractClient({ send: () => undefined });
    const resyncs = vi.fn();
    client.bridge.onResync(resyncs);
    client.connected();
    const answer = client.bridge.methods['connections.list']({});
    client.disconnected('lost it');
    expect(await answer).toEqual({ ok: false, error: { code: 'UNREACHABLE', message: 'lost it' } });
    expect(resyncs).not.toHaveBeenCalled();
    client.connected();
    expect(resyncs).toHaveBeenCalledTimes(1);
  });

  it('acknowledges each event batch after delivering it', () => {
    const sent: string[] = [];
    const client = createContractClient({ send: (t) => sent.push(t) });
    client.connected();
    const seen = vi.fn();
    client.bridge.events['connections.changed'](seen);
    client.receive(JSON.stringify({ t: 'events', batch: { seq: 4, events: [{ name: 'connections.changed', payload: { ids: ['a'] } }] } }));
    expect(seen).toHaveBeenCalledWith({ ids: ['a'] });
    expect(JSON.parse(sent.at(-1)!)).toEqual({ t: 'ack', seq: 4 });
  });
});

describe('the stream receiver', () => {
  function receiver() {
    const sent: ClientMessage[] = [];
    return { sent, r: createStreamReceiver((m) => sent.push(m)) };
  }

  it('hands messages to their reader in order, and acknowledges their bytes', async () => {
    vi.useFakeTimers();
    const { sent, r } = receiver();
    const got: LogLines[] = [];
    r.stream('kube.logs', '3', { message: (m) => void got.push(m), end: () => undefined });
    const frames = [frameOf(3, lines('a')), frameOf(3, lines('b'))];
    for (const f of frames) r.frame(f);
    expect(got.map((m) => m.lines[0])).toEqual(['a', 'b']);
    vi.runAllTimers();
    expect(sent).toEqual([{ t: 'streamAck', stream: 3, bytes: frames.reduce((n, f) => n + f.byteLength - 5, 0) }]);
  });

  it('acknowledges a message a reader takes later (a promise) only once it has taken it, and not at all once the stream is closed', async () => {
    vi.useFakeTimers();
    const { sent, r } = receiver();
    const taken: (() => void)[] = [];
    const stop = r.stream('kube.logs', '4', { message: () => new Promise<void>((resolve) => taken.push(resolve)), end: () => undefined });
    const first = frameOf(4, lines('a'));
    r.frame(first);
    r.frame(frameOf(4, lines('b')));
    await vi.runAllTimersAsync();
    expect(sent).toEqual([]);
    taken[0]();
    await vi.runAllTimersAsync();
    expect(sent).toEqual([{ t: 'streamAck', stream: 4, bytes: first.byteLength - 5 }]);
    stop();
    taken[1]();
    await vi.runAllTimersAsync();
    expect(sent.filter((m) => m.t === 'streamAck')).toHaveLength(1);
  });

  it('holds frames and the end that overtake the reader, and delivers them when it comes', () => {
    const { r } = receiver();
    r.frame(frameOf(9, lines('early')));
    r.end(9);
    const got: string[] = [];
    const end = vi.fn();
    r.stream('kube.logs', '9', { message: (m) => void got.push(...m.lines), end });
    expect(got).toEqual(['early']);
    expect(end).toHaveBeenCalledWith(undefined);
  });

  it('closing a stream tells the services once, and drops what was still in flight for it', () => {
    const { sent, r } = receiver();
    const got: string[] = [];
    const stop = r.stream('kube.logs', '5', { message: (m) => void got.push(...m.lines), end: () => undefined });
    stop();
    stop();
    r.frame(frameOf(5, lines('late')));
    r.end(5);
    expect(got).toEqual([]);
    expect(sent.filter((m) => m.t === 'streamCancel')).toEqual([{ t: 'streamCancel', stream: 5 }]);
  });

  it('ends every reader when the connection is lost', () => {
    const { r } = receiver();
    const end = vi.fn();
    r.stream('kube.logs', '1', { message: () => undefined, end });
    r.reset();
    expect(end).toHaveBeenCalledWith(expect.objectContaining({ code: 'UNREACHABLE' }));
  });

  it('bounds what it holds for streams nobody reads, cancelling the oldest', () => {
    const { sent, r } = receiver();
    for (let id = 1; id <= 70; id++) r.frame(frameOf(id, lines('x')));
    expect(sent.filter((m) => m.t === 'streamCancel').map((m) => (m as { stream: number }).stream)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('ignores frames that are not stream data', () => {
    const { r } = receiver();
    const got = vi.fn();
    r.stream('kube.logs', '1', { message: got, end: () => undefined });
    r.frame(new Uint8Array([9, 0, 0, 0, 1, 0x7b, 0x7d]));
    r.frame(new Uint8Array([1, 0]));
    expect(got).not.toHaveBeenCalled();
  });
});

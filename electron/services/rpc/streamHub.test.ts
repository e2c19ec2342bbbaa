import { describe, expect, it } from 'vitest';
import type { LogLines } from '../../../shared/contract';
import { decodeStreamFrame, type ServerMessage } from '../../../shared/wire';
import { createLogger } from '../logging/logger';
import { StreamHub, type SessionFrame } from './streamHub';

const lines = (n: number): LogLines => ({ lines: Array.from({ length: n }, (_, i) => `line ${i}`), state: { phase: 'streaming' } });

function sessionWith(hub: StreamHub, session: string) {
  const frames: SessionFrame[] = [];
  hub.attach(session, (frame) => frames.push(frame));
  return {
    frames,
    data: () => frames.filter((f): f is Uint8Array => typeof f !== 'string').map((f) => decodeStreamFrame(f)!),
    ends: () => frames.filter((f): f is string => typeof f === 'string').map((f) => JSON.parse(f) as ServerMessage),
  };
}

describe('StreamHub', () => {
  it('sends a stream to its own session only, framed with its id', () => {
    const hub = new StreamHub(createLogger());
    const a = sessionWith(hub, 'a');
    const b = sessionWith(hub, 'b');
    const stream = hub.open('a', 'kube.logs');
    stream.write(lines(2));
    expect(b.frames).toEqual([]);
    const [frame] = a.data();
    expect(frame.stream).toBe(Number(stream.id));
    expect(JSON.parse(new TextDecoder().decode(frame.payload))).toEqual(lines(2));
  });

  it('pauses past the high-water mark and resumes at the low-water mark as bytes are acknowledged', () => {
    const hub = new StreamHub(createLogger(), { highWaterBytes: 1000, lowWaterBytes: 200 });
    const a = sessionWith(hub, 'a');
    const stream = hub.open('a', 'kube.logs');
    let accepted = true;
    while (accepted) accepted = stream.write(lines(10));
    expect(stream.paused).toBe(true);
    const sent = a.data().reduce((n, f) => n + f.payload.byteLength, 0);
    expect(hub.unacknowledged('a', stream.id)).toBe(sent);
    hub.ack('a', Number(stream.id), sent - 300);
    expect(stream.paused).toBe(true);
    hub.ack('a', Number(stream.id), 100);
    expect(stream.paused).toBe(false);
  });

  it('tells the source once each time a paused stream resumes, with a stream’s own lower high-water mark', () => {
    const hub = new StreamHub(createLogger());
    const a = sessionWith(hub, 'a');
    const stream = hub.open('a', 'kube.logs', { highWaterBytes: 400 });
    let resumed = 0;
    stream.onResume(() => resumed++);
    let accepted = true;
    while (accepted) accepted = stream.write(lines(5));
    const sent = a.data().reduce((n, f) => n + f.payload.byteLength, 0);
    // Paused well below the hub's default mark (2 MiB): the stream's own mark holds.
    expect(sent).toBeLessThan(1000);
    hub.ack('a', Number(stream.id), sent - 150);
    expect(resumed).toBe(0);
    hub.ack('a', Number(stream.id), 100);
    expect(stream.paused).toBe(false);
    expect(resumed).toBe(1);
    hub.ack('a', Number(stream.id), 50);
    expect(resumed).toBe(1);
  });

  it('ignores acknowledgements that are not positive whole numbers or name another session’s stream', () => {
    const hub = new StreamHub(createLogger(), { highWaterBytes: 10 });
    sessionWith(hub, 'a');
    sessionWith(hub, 'b');
    const stream = hub.open('a', 'kube.logs');
    stream.write(lines(3));
    const before = hub.unacknowledged('a', stream.id)!;
    for (const bytes of [-5, 0, 1.5, Number.NaN, Number.MAX_VALUE]) hub.ack('a', Number(stream.id), bytes);
    hub.ack('b', Number(stream.id), before);
    expect(hub.unacknowledged('a', stream.id)).toBe(before);
    expect(stream.paused).toBe(true);
  });

  it('drops a message outside the contract, logging its stream kind only', () => {
    const logged: string[] = [];
    const hub = new StreamHub(createLogger({ sink: (line) => logged.push(line) }));
    const a = sessionWith(hub, 'a');
    const stream = hub.open('a', 'kube.logs');
    stream.write({ lines: 'token=abc' } as unknown as LogLines);
    expect(a.frames).toEqual([]);
    expect(logged.join('\n')).toContain('kube.logs');
    expect(logged.join('\n')).not.toContain('token=abc');
  });

  it('ends a stream with a message to its session; writes after the end go nowhere', () => {
    const hub = new StreamHub(createLogger());
    const a = sessionWith(hub, 'a');
    const stream = hub.open('a', 'kube.logs');
    let closed = 0;
    stream.onClose(() => closed++);
    stream.end({ code: 'FORBIDDEN', message: 'no access' });
    expect(a.ends()).toEqual([{ t: 'streamEnd', stream: Number(stream.id), error: { code: 'FORBIDDEN', message: 'no access' } }]);
    expect(stream.write(lines(1))).toBe(false);
    expect(a.data()).toEqual([]);
    expect(closed).toBe(1);
  });

  it('closes a stream the UI cancels, and every stream of a session that goes away', () => {
    const hub = new StreamHub(createLogger());
    sessionWith(hub, 'a');
    const first = hub.open('a', 'kube.logs');
    const second = hub.open('a', 'kube.logs');
    const closed: string[] = [];
    first.onClose(() => closed.push('first'));
    second.onClose(() => closed.push('second'));
    hub.cancel('a', Number(first.id));
    expect(closed).toEqual(['first']);
    hub.detach('a');
    expect(closed).toEqual(['first', 'second']);
    expect(second.closed).toBe(true);
    expect(() => hub.open('a', 'kube.logs')).toThrow(/no transport/);
  });

  it('limits the streams one session may hold', () => {
    const hub = new StreamHub(createLogger(), { maxStreamsPerSession: 2 });
    sessionWith(hub, 'a');
    hub.open('a', 'kube.logs');
    hub.open('a', 'kube.logs');
    expect(() => hub.open('a', 'kube.logs')).toThrow(/2 streams/);
  });
});

describe('StreamHub with a reader that acknowledges as it receives', () => {
  it('never pauses: the bytes are counted before they are sent', () => {
    const hub = new StreamHub(createLogger(), { highWaterBytes: 100, lowWaterBytes: 10 });
    hub.attach('a', (frame) => {
      if (typeof frame !== 'string') hub.ack('a', decodeStreamFrame(frame)!.stream, decodeStreamFrame(frame)!.payload.byteLength);
    });
    const stream = hub.open('a', 'kube.logs');
    for (let i = 0; i < 50; i++) expect(stream.write(lines(5))).toBe(true);
    expect(hub.unacknowledged('a', stream.id)).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { PortForwardFrames, portForwardPath } from './portForwardTunnel';

const port = (n: number) => [n & 0xff, n >> 8];
const msg = (...bytes: (number | string)[]) => Buffer.concat(bytes.map((b) => (typeof b === 'string' ? Buffer.from(b) : Buffer.from([b]))));

describe('v4.channel.k8s.io port-forward frames', () => {
  it('prefixes data with channel 0', () => {
    expect([...new PortForwardFrames().encode(Buffer.from('hi'))]).toEqual([0, 0x68, 0x69]);
  });

  it('drops the port prefix that opens each channel, then passes data and error text', () => {
    const frames = new PortForwardFrames();
    expect(frames.decode(msg(0, ...port(8080)))).toBeUndefined();
    expect(frames.decode(msg(1, ...port(8080)))).toBeUndefined();
    expect(frames.decode(msg(0, 'HTTP/1.0 200 OK'))).toEqual({ kind: 'data', data: Buffer.from('HTTP/1.0 200 OK') });
    expect(frames.decode(msg(1, 'connection refused'))).toEqual({ kind: 'error', text: 'connection refused' });
  });

  it('takes data that follows the prefix in the same message, and a prefix split over two messages', () => {
    const frames = new PortForwardFrames();
    expect(frames.decode(msg(0, ...port(80), 'abc'))).toEqual({ kind: 'data', data: Buffer.from('abc') });
    const split = new PortForwardFrames();
    expect(split.decode(msg(0, 80))).toBeUndefined();
    expect(split.decode(msg(0, 0, 'x'))).toEqual({ kind: 'data', data: Buffer.from('x') });
    expect(split.decode(msg(0, 0, 0))).toEqual({ kind: 'data', data: Buffer.from([0, 0]) });
  });

  it('ignores empty messages and channels it does not know', () => {
    const frames = new PortForwardFrames();
    expect(frames.decode(Buffer.alloc(0))).toBeUndefined();
    expect(frames.decode(msg(3, 'x'))).toBeUndefined();
  });
});

it('addresses the pod’s portforward subresource with the port as a query', () => {
  expect(portForwardPath('team-a', 'web-0', 8080)).toBe('/api/v1/namespaces/team-a/pods/web-0/portforward?ports=8080');
});

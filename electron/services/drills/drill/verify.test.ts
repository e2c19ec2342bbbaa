/**
 * The HTTP check's GET over a port-forward WebSocket, against a stand-in
 * for the kubelet's end of `v4.channel.k8s.io` (channel byte, a port prefix
 * on each channel's first message, then data); the whole path through a
 * real apiserver and kwok is in test/integration/drillEngine.test.ts.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { DrillCheck } from '../../../../shared/contract/drills';
import { checkName, httpGetOver } from './verify';

const PORT_PREFIX = [0x90, 0x1f];

/** The kubelet's end: answers the first request it is sent with `answer` (data, then the error channel's text), then closes. */
class Kubelet extends EventEmitter {
  readonly received: Buffer[] = [];

  constructor(private readonly answer: { data?: string[]; error?: string }) {
    super();
    queueMicrotask(() => {
      this.emit('message', Buffer.from([0, ...PORT_PREFIX]));
      this.emit('message', Buffer.from([1, ...PORT_PREFIX]));
    });
  }

  send(data: Buffer, done?: (err?: Error) => void): void {
    this.received.push(data);
    done?.();
    if (this.received.length > 1) return;
    setImmediate(() => {
      for (const piece of this.answer.data ?? []) this.emit('message', Buffer.concat([Buffer.from([0]), Buffer.from(piece)]));
      if (this.answer.error) this.emit('message', Buffer.concat([Buffer.from([1]), Buffer.from(this.answer.error)]));
      this.emit('close');
    });
  }

  terminate(): void {
    this.emit('close');
  }
}

describe('httpGetOver', () => {
  it('sends one GET framed on the data channel and reads a chunked answer arriving in pieces', async () => {
    const kubelet = new Kubelet({ data: ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n', '5\r\nhello\r\n', '6\r\n world\r\n0\r\n\r\n'] });
    const answer = await httpGetOver(kubelet as unknown as WebSocket, { path: '/healthz?full=1', host: 'web.drill-a' });
    expect(answer).toEqual({ status: 200, body: 'hello world', bytes: 11 });
    const request = Buffer.concat(kubelet.received);
    expect(request[0]).toBe(0);
    expect(request.subarray(1).toString()).toMatch(/^GET \/healthz\?full=1 HTTP\/1\.1\r\nHost: web\.drill-a\r\nConnection: close\r\n/);
  });

  it("fails with the kubelet's words when it cannot reach the pod's port", async () => {
    const kubelet = new Kubelet({ error: 'error forwarding port 8080 to pod web-1: connection refused' });
    await expect(httpGetOver(kubelet as unknown as WebSocket, { path: '/', host: 'web.drill-a' })).rejects.toMatchObject({
      code: 'UNREACHABLE',
      message: expect.stringContaining('connection refused'),
    });
  });

  it('fails when the tunnel closes before a whole answer', async () => {
    const kubelet = new Kubelet({ data: ['HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort'] });
    await expect(httpGetOver(kubelet as unknown as WebSocket, { path: '/', host: 'web.drill-a' })).rejects.toThrow();
  });
});

describe('checkName', () => {
  it('names each check as the report lists it', () => {
    const checks: DrillCheck[] = [
      { kind: 'exists', objectKind: 'ConfigMap', name: 'settings' },
      { kind: 'readyReplicas', objectKind: 'StatefulSet', name: 'db', min: 3 },
      { kind: 'httpGet', service: 'web', port: 8080, path: '/healthz' },
    ];
    expect(checks.map(checkName)).toEqual(['ConfigMap settings exists', 'StatefulSet db ≥ 3 ready', 'GET web:8080/healthz']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../shared/wire';
import { createTestServices } from '../../../test/support/services';
import type { Services } from '../app/createServices';
import { createSessionServer, type SessionServer } from './sessionServer';
import type { SessionFrame } from './streamHub';

let services: Services;
let sessions: SessionServer;

beforeAll(() => {
  ({ services } = createTestServices());
  sessions = createSessionServer(services);
});
afterAll(() => services.close());

function openSession(id: string) {
  const frames: SessionFrame[] = [];
  const closes: { code: number; reason: string }[] = [];
  sessions.open(id, { actor: 'tester', transport: 'test' }, { send: (f) => frames.push(f), close: (code, reason) => closes.push({ code, reason }) });
  const messages = () => frames.filter((f): f is string => typeof f === 'string').map((f) => JSON.parse(f) as ServerMessage);
  return { frames, closes, messages };
}

const waitFor = async (probe: () => boolean) => {
  while (!probe()) await new Promise((r) => setImmediate(r));
};

describe('session server', () => {
  it('answers a call with its result, on this session only', async () => {
    const a = openSession('a');
    const b = openSession('b');
    sessions.receive('a', JSON.stringify({ t: 'call', id: 7, method: 'app.info', params: {} }));
    await waitFor(() => a.messages().some((m) => m.t === 'result'));
    expect(a.messages().find((m) => m.t === 'result')).toMatchObject({ id: 7, result: { ok: true, value: { mode: 'browser' } } });
    expect(b.messages().filter((m) => m.t === 'result')).toEqual([]);
    sessions.end('a');
    sessions.end('b');
  });

  it('takes a call as UTF-8 bytes too (a MessagePort may carry them so)', async () => {
    const a = openSession('bytes');
    sessions.receive('bytes', new TextEncoder().encode(JSON.stringify({ t: 'call', id: 1, method: 'app.info', params: {} })));
    await waitFor(() => a.messages().some((m) => m.t === 'result'));
    sessions.end('bytes');
  });

  it('delivers events to every session, and takes their acknowledgements', async () => {
    const a = openSession('ev-a');
    const b = openSession('ev-b');
    services.hub.publish('connections.changed', { ids: ['x'] });
    await waitFor(() => a.messages().some((m) => m.t === 'events') && b.messages().some((m) => m.t === 'events'));
    const batch = a.messages().find((m) => m.t === 'events');
    sessions.receive('ev-a', JSON.stringify({ t: 'ack', seq: batch?.t === 'events' ? batch.batch.seq : 0 }));
    expect(a.closes).toEqual([]);
    sessions.end('ev-a');
    sessions.end('ev-b');
  });

  const malformed: [string, SessionFrame][] = [
    ['not JSON', '{"t":'],
    ['JSON that is not a message', '42'],
    ['null', 'null'],
    ['an unknown kind', JSON.stringify({ t: 'exec', command: 'rm -rf /' })],
    ['a call without an id', JSON.stringify({ t: 'call', method: 'app.info' })],
    ['a call with a fractional id', JSON.stringify({ t: 'call', id: 1.5, method: 'app.info' })],
    ['a call whose method is not a string', JSON.stringify({ t: 'call', id: 1, method: ['app.info'] })],
    ['an ack with a negative seq', JSON.stringify({ t: 'ack', seq: -1 })],
    ['a stream ack of a string', JSON.stringify({ t: 'streamAck', stream: 1, bytes: '1e9' })],
    ['bytes that are not UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
  ];
  for (const [what, frame] of malformed) {
    it(`closes only the session that sent ${what}`, async () => {
      const bad = openSession('bad');
      const good = openSession('good');
      sessions.receive('bad', frame);
      expect(bad.closes).toEqual([{ code: 1008, reason: expect.stringContaining('protocol') }]);
      sessions.receive('good', JSON.stringify({ t: 'call', id: 3, method: 'app.info', params: {} }));
      await waitFor(() => good.messages().some((m) => m.t === 'result'));
      expect(good.closes).toEqual([]);
      sessions.end('good');
    });
  }

  it('ends the services’ session once, when the connection goes', () => {
    const ended: string[] = [];
    const original = services.endSession;
    services.endSession = (s) => ended.push(s);
    try {
      openSession('gone');
      const before = sessions.size;
      sessions.end('gone');
      sessions.end('gone');
      expect(ended).toEqual(['gone']);
      expect(sessions.size).toBe(before - 1);
    } finally {
      services.endSession = original;
    }
  });
});

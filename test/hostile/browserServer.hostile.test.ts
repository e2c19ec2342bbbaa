/**
 * Browser mode against clients that break the rules: malformed WebSocket
 * frames, connections reset mid-request, a launch URL used twice. The server
 * runs as its own process, as `npm run serve` starts it, so a crash shows as
 * the process exiting; after each case a well-behaved client must still get
 * an answer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../electron/server/browserServer';
import { callOver, fakeRendererDir, get, openSocket, originOf, signIn } from '../support/browserServer';
import { startServe, type ServeProcess } from '../support/serveProcess';
import { closePayload, frame, rawRequest, rawUpgrade, sendAndReset, serverClose, upgradeRequest } from './rawSocket';

const START_TIMEOUT = 60_000;
let serve: ServeProcess;
let cookie: string;

beforeAll(async () => {
  serve = await startServe(['--renderer-dir', fakeRendererDir()]);
  cookie = await signIn(serve);
}, START_TIMEOUT);

afterAll(async () => {
  await serve?.stop();
});

/** Headers of the UI's own, signed-in page. */
const signedIn = () => ({ Host: `127.0.0.1:${serve.port}`, Origin: originOf(serve), Cookie: cookie });

/** Fails with the server's output if it died; otherwise a new client must get `app.info` answered. */
async function stillAnswers(): Promise<void> {
  const ws = await Promise.race([openSocket(serve.port, { Origin: originOf(serve), Cookie: cookie }), serve.exited]);
  try {
    const info = await Promise.race([callOver(ws, 'app.info', {}), serve.exited]);
    expect(info).toMatchObject({ t: 'result', result: { ok: true, value: { mode: 'browser' } } });
  } finally {
    ws.close();
  }
}

const text = (s: string) => Buffer.from(s, 'utf8');

/**
 * Frames an authenticated client may send that break RFC 6455 or the wire
 * protocol, and the close codes each may earn: RFC 6455's are exact; for the
 * wire protocol's rules, 1003 (unsupported data) and 1008 (policy) both say it.
 */
const hostileFrames: { name: string; bytes: Buffer; closeCode: number | number[] }[] = [
  { name: 'a text frame that is not UTF-8', bytes: frame({ opcode: 0x1, payload: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]) }), closeCode: 1007 },
  { name: 'an unmasked client frame', bytes: frame({ opcode: 0x1, payload: text('{}'), masked: false }), closeCode: 1002 },
  { name: 'a reserved opcode (0x3)', bytes: frame({ opcode: 0x3, payload: text('{}') }), closeCode: 1002 },
  { name: 'RSV1 set without an extension', bytes: frame({ opcode: 0x1, payload: text('{}'), rsv: 0b100 }), closeCode: 1002 },
  { name: 'a close frame with status 999', bytes: frame({ opcode: 0x8, payload: closePayload(999) }), closeCode: 1002 },
  { name: 'a length over the payload limit (header only)', bytes: frame({ opcode: 0x1, declaredLength: MAX_MESSAGE_BYTES + 1 }), closeCode: 1009 },
  { name: 'a length of 2^53 - 1 bytes', bytes: frame({ opcode: 0x2, declaredLength: Number.MAX_SAFE_INTEGER }), closeCode: 1009 },
  { name: 'a continuation with nothing to continue', bytes: frame({ opcode: 0x0, payload: text('{}') }), closeCode: 1002 },
  { name: 'a fragmented ping', bytes: frame({ opcode: 0x9, fin: false }), closeCode: 1002 },
  { name: 'a ping over 125 bytes', bytes: frame({ opcode: 0x9, payload: Buffer.alloc(126) }), closeCode: 1002 },
  { name: 'a binary message', bytes: frame({ opcode: 0x2, payload: text('{}') }), closeCode: 1003 },
  { name: 'text that is not JSON', bytes: frame({ opcode: 0x1, payload: text('{"t":') }), closeCode: [1003, 1008] },
  { name: 'JSON that is not a message', bytes: frame({ opcode: 0x1, payload: text('null') }), closeCode: [1003, 1008] },
];

describe('browser mode and hostile WebSocket clients', () => {
  for (const { name, bytes, closeCode } of hostileFrames) {
    it(`closes only the socket that sent ${name}`, async () => {
      const socket = await rawUpgrade(serve.port, signedIn());
      socket.write(bytes);
      expect([closeCode].flat()).toContain(await serverClose(socket));
      await stillAnswers();
    });
  }

  it('logs one line per refused frame, naming the rule and nothing of the session', () => {
    const log = readFileSync(join(serve.dataDir, 'logs', 'pilothouse.log'), 'utf8');
    const refused = log.split('\n').filter((line) => line.includes('closed a WebSocket that broke the protocol'));
    expect(refused.length).toBeGreaterThanOrEqual(hostileFrames.filter((f) => typeof f.closeCode === 'number' && f.closeCode !== 1003).length);
    expect(log).toContain('WS_ERR_INVALID_UTF8');
    expect(log).toContain('WS_ERR_UNSUPPORTED_MESSAGE_LENGTH');
    expect(log).not.toContain(cookie.split('=')[1]);
    expect(log).not.toContain(new URL(serve.url).searchParams.get('token'));
  });

  it('waits for a message as long as the limit rather than refusing it', async () => {
    const socket = await rawUpgrade(serve.port, signedIn());
    const closed = serverClose(socket).catch(() => 'timed out');
    socket.write(frame({ opcode: 0x1, declaredLength: MAX_MESSAGE_BYTES }));
    const early = await Promise.race([closed, new Promise((r) => setTimeout(() => r('still open'), 500))]);
    expect(early).toBe('still open');
    socket.destroy();
    await stillAnswers();
  });
});

describe('browser mode and connections reset before the upgrade is answered', () => {
  it('survives 60 resets on each refusal path', async () => {
    const host = `127.0.0.1:${serve.port}`;
    const requests = [
      upgradeRequest({ Host: host, Origin: originOf(serve) }), // no cookie: 401
      upgradeRequest({ Host: 'evil.example', Origin: originOf(serve), Cookie: cookie }), // 421
      upgradeRequest({ Host: host, Origin: 'http://evil.example', Cookie: cookie }), // 403
      'GET /rpc HTTP/1.1\r\nHost: \x00\r\n\r\n', // not HTTP: clientError
    ];
    for (let i = 0; i < 60; i++) {
      await Promise.race([Promise.all(requests.map((r) => sendAndReset(serve.port, r))), serve.exited]);
    }
    await stillAnswers();
  }, 60_000);
});

describe('browser mode and request targets that do not parse as URLs', () => {
  it('answers 400 before authentication, and refuses such an upgrade', async () => {
    const host = `127.0.0.1:${serve.port}`;
    const answer = await Promise.race([rawRequest(serve.port, `GET http://[ HTTP/1.1\r\nHost: ${host}\r\n\r\n`), serve.exited]);
    expect(answer).toBe('HTTP/1.1 400 Bad Request');
    const upgrade = upgradeRequest({ Host: host, Origin: originOf(serve), Cookie: cookie }).replace('GET /rpc', 'GET http://[');
    expect(await Promise.race([rawRequest(serve.port, upgrade), serve.exited])).toBe('HTTP/1.1 404 Not Found');
    await stillAnswers();
  });
});

describe('the launch token', () => {
  it('is refused once it has been traded for a cookie, saying what to do instead', async () => {
    const { pathname, search } = new URL(serve.url);
    const again = await get(serve.port, pathname + search);
    expect(again.status).toBe(401);
    expect(again.body).toMatch(/already used/);
    expect(again.body).toMatch(/npm run serve/);
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('takes a browser that already holds the session cookie to the app, without a new cookie', async () => {
    const { pathname, search } = new URL(serve.url);
    const again = await get(serve.port, pathname + search, { Cookie: cookie });
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe('/');
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('is not itself a session: the cookie carries a secret of its own', async () => {
    const token = new URL(serve.url).searchParams.get('token');
    expect(cookie).not.toContain(token);
    expect((await get(serve.port, '/', { Cookie: cookie.replace(/=.*/, `=${token}`) })).status).toBe(401);
    expect((await get(serve.port, '/', { Cookie: cookie })).status).toBe(200);
  });

  it('gives a cookie named for its port, HttpOnly, SameSite=Strict, for the whole site', async () => {
    const other = await startServe();
    try {
      const res = await get(other.port, new URL(other.url).pathname + new URL(other.url).search);
      const setCookie = res.headers['set-cookie']?.[0] ?? '';
      expect(setCookie).toMatch(new RegExp(`^pilothouse_session_${other.port}=`));
      expect(setCookie).toMatch(/; HttpOnly; SameSite=Strict; Path=\/$/);
    } finally {
      await other.stop();
    }
  }, START_TIMEOUT);

  it('lets two instances on different ports stay signed in in one browser', async () => {
    const other = await startServe(['--renderer-dir', fakeRendererDir()]);
    try {
      // A browser's jar: cookies are per host, not per port, and a new one replaces another of the same name.
      const jar = new Map<string, string>();
      const keep = (c: string) => jar.set(c.split('=')[0], c);
      keep(cookie);
      keep(await signIn(other));
      const header = [...jar.values()].join('; ');
      expect((await get(serve.port, '/', { Cookie: header })).status).toBe(200);
      expect((await get(other.port, '/', { Cookie: header })).status).toBe(200);
    } finally {
      await other.stop();
    }
  }, START_TIMEOUT);
});

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../shared/wire';
import type { Services } from '../services/app/createServices';
import { callOver, fakeRendererDir, get as getFrom, openSocket as openSocketTo, signIn } from '../../test/support/browserServer';
import { createTestServices } from '../../test/support/services';
import { createSessionServer } from '../services/rpc/sessionServer';
import { sessionCookieName, startBrowserServer, type BrowserServer } from './browserServer';
import { madeTempDir } from '../../test/support/tempDirs';

let services: Services;
let server: BrowserServer;
/** The `Cookie` header of the browser that opened the printed URL. */
let session: string;

beforeAll(async () => {
  const dir = madeTempDir('ph-server-');
  ({ services } = createTestServices({ dataDir: join(dir, 'data'), home: join(dir, 'home') }));
  server = await startBrowserServer({ sessions: createSessionServer(services), log: services.log, rendererDir: fakeRendererDir() });
  session = await signIn(server);
});

afterAll(async () => {
  await server.close();
  services.close();
});

const get = (path: string, headers: Record<string, string> = {}) => getFrom(server.port, path, headers);
const openSocket = (headers: Record<string, string>) => openSocketTo(server.port, headers);
const cookie = () => session;

describe('browser-mode server', () => {
  it('listens on 127.0.0.1 only and prints a URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(40);
  });

  it('traded the launch token for an HttpOnly SameSite=Strict cookie named for its port, dropping it from the URL', async () => {
    // beforeAll traded it (signIn): the token buys one cookie, so a fresh server shows the exchange.
    const { services: other } = createTestServices();
    const fresh = await startBrowserServer({ sessions: createSessionServer(other), log: other.log, rendererDir: fakeRendererDir() });
    try {
      const res = await getFrom(fresh.port, `/?token=${fresh.token}`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
      expect(res.headers['set-cookie']?.[0]).toMatch(new RegExp(`^${sessionCookieName(fresh.port)}=[^;]+; HttpOnly; SameSite=Strict; Path=/$`));
    } finally {
      await fresh.close();
      other.close();
    }
  });

  it('refuses a wrong token and requests without the cookie', async () => {
    expect((await get('/?token=wrong')).status).toBe(401);
    expect((await get('/')).status).toBe(401);
  });

  it('serves the UI with a strict CSP once authenticated', async () => {
    const res = await get('/', { Cookie: cookie() });
    expect(res.status).toBe(200);
    expect(res.body).toContain('Pilothouse');
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect((await get('/assets/app.js', { Cookie: cookie() })).headers['content-type']).toMatch(/javascript/);
  });

  it('refuses another Host (DNS rebinding) even with the cookie', async () => {
    expect((await get('/', { Cookie: cookie(), Host: 'evil.example:80' })).status).toBe(421);
  });

  it('refuses a cross-origin request', async () => {
    expect((await get('/', { Cookie: cookie(), Origin: 'http://evil.example' })).status).toBe(403);
  });

  it('does not serve files outside the renderer directory', async () => {
    const res = await get('/..%2Foutside.txt', { Cookie: cookie() });
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('outside');
  });

  it('accepts a WebSocket only with the cookie, this Host and this Origin', async () => {
    const origin = `http://127.0.0.1:${server.port}`;
    await expect(openSocket({ Origin: origin })).rejects.toThrow('401');
    await expect(openSocket({ Cookie: cookie() })).rejects.toThrow('403');
    await expect(openSocket({ Cookie: cookie(), Origin: 'http://evil.example' })).rejects.toThrow('403');
    await expect(openSocket({ Cookie: cookie(), Origin: origin, Host: 'evil.example' })).rejects.toThrow('421');
    const ws = await openSocket({ Cookie: cookie(), Origin: origin });
    ws.close();
  });

  it('answers contract calls, validating params', async () => {
    const ws = await openSocket({ Cookie: cookie(), Origin: `http://127.0.0.1:${server.port}` });
    const info = await callOver(ws, 'app.info', {});
    expect(info).toMatchObject({ t: 'result', result: { ok: true, value: { mode: 'browser', capabilities: { nativeFileDialog: false } } } });
    const bad = await callOver(ws, 'connections.delete', { id: 42 });
    expect(bad).toMatchObject({ result: { ok: false, error: { code: 'VALIDATION' } } });
    const unknown = await callOver(ws, '__proto__', {});
    expect(unknown).toMatchObject({ result: { ok: false, error: { code: 'VALIDATION' } } });
    ws.close();
  });

  it('ends the session of a socket that closes, releasing what it held open', async () => {
    const ended: string[] = [];
    const original = services.endSession;
    services.endSession = (session) => ended.push(session);
    try {
      const ws = await openSocket({ Cookie: cookie(), Origin: `http://127.0.0.1:${server.port}` });
      await new Promise((r) => setTimeout(r, 100));
      // Sockets of earlier tests may still be closing: count only what this one adds.
      const before = ended.length;
      ws.close();
      await expect.poll(() => ended.length).toBe(before + 1);
      expect(new Set(ended).size).toBe(ended.length);
    } finally {
      services.endSession = original;
    }
  });

  it('delivers events in batches and keeps delivering as they are acknowledged', async () => {
    const ws = await openSocket({ Cookie: cookie(), Origin: `http://127.0.0.1:${server.port}` });
    const seen: number[] = [];
    const done = new Promise<void>((resolve) => {
      ws.on('message', (data) => {
        const msg = JSON.parse(data.toString()) as ServerMessage;
        if (msg.t !== 'events') return;
        for (const e of msg.batch.events) if (e.name === 'connections.changed') seen.push(Number((e.payload as { ids: string[] }).ids[0]));
        ws.send(JSON.stringify({ t: 'ack', seq: msg.batch.seq }));
        if (seen.length === 200) resolve();
      });
    });
    for (let i = 0; i < 200; i++) {
      services.hub.publish('connections.changed', { ids: [String(i)] });
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 30));
    }
    await done;
    expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => i));
    ws.close();
  });
});

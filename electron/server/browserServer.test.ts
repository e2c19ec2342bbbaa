import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { methodNames } from '../../shared/contract';
import type { ServerMessage } from '../../shared/wire';
import type { Services } from '../services/app/createServices';
import { createTestServices } from '../../test/support/services';
import { SESSION_COOKIE, startBrowserServer, type BrowserServer } from './browserServer';

let services: Services;
let server: BrowserServer;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ph-server-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Pilothouse</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'outside.txt'), 'outside');
  ({ services } = createTestServices({ dataDir: join(dir, 'data'), home: join(dir, 'home') }));
  server = await startBrowserServer({ services, rendererDir });
});

afterAll(async () => {
  await server.close();
  services.close();
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path, headers: { Host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const cookie = () => `${SESSION_COOKIE}=${server.token}`;

function openSocket(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function callOver(ws: WebSocket, method: string, params: unknown): Promise<ServerMessage> {
  return new Promise((resolve) => {
    const id = Math.floor(Math.random() * 1e9);
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString()) as ServerMessage;
      if (msg.t === 'result' && msg.id === id) {
        ws.off('message', onMessage);
        resolve(msg);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ t: 'call', id, method, params }));
  });
}

describe('browser-mode server', () => {
  it('listens on 127.0.0.1 only and prints a URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(40);
  });

  it('trades the launch token for an HttpOnly SameSite=Strict cookie and drops it from the URL', async () => {
    const res = await get(`/?token=${server.token}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(res.headers['set-cookie']?.[0]).toMatch(/HttpOnly; SameSite=Strict/);
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

  it('routes every contract method to its handler (parity with the IPC bridge)', async () => {
    const ws = await openSocket({ Cookie: cookie(), Origin: `http://127.0.0.1:${server.port}` });
    for (const method of methodNames) {
      const answer = await callOver(ws, method, {});
      // Params may be invalid here; what matters is that the method is known and answered.
      expect(JSON.stringify(answer), method).not.toContain('Unknown method');
    }
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

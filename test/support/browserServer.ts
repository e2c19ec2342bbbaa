/**
 * Talking to browser mode from tests: plain HTTP requests, the launch-token
 * exchange, and well-behaved WebSocket clients of the contract. Used by the
 * in-process server tests and by the hostile-client tests (test/hostile/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { ServerMessage } from '../../shared/wire';
import { madeTempDir } from './tempDirs';

/** A server to talk to: its port (on 127.0.0.1) and the URL it printed. */
export interface ServerAddress {
  port: number;
  url: string;
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A renderer build of two files, enough to check what the server serves and refuses. */
export function fakeRendererDir(): string {
  const dir = madeTempDir('ph-renderer-');
  const rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Pilothouse</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'outside.txt'), 'outside');
  return rendererDir;
}

/** GET `path` naming the server's own Host unless `headers` says otherwise. */
export function get(port: number, path: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the printed URL as a browser would and returns the `Cookie` header the server set. */
export async function signIn(server: ServerAddress): Promise<string> {
  const { pathname, search } = new URL(server.url);
  const res = await get(server.port, pathname + search);
  const cookie = res.headers['set-cookie']?.[0];
  if (res.status !== 303 || !cookie) throw new Error(`the launch URL was refused: HTTP ${res.status} ${res.body}`);
  return cookie.split(';')[0];
}

/** The Origin a page served by this server sends. */
export const originOf = (server: ServerAddress) => `http://127.0.0.1:${server.port}`;

/** Opens the contract's WebSocket with these headers; rejects with "HTTP <status>" when refused. */
export function openSocket(port: number, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/rpc`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Calls one contract method over `ws` and resolves with its result message. */
export function callOver(ws: WebSocket, method: string, params: unknown): Promise<ServerMessage> {
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

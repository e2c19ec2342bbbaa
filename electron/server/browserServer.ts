import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { WebSocketServer, type WebSocket } from 'ws';
import { contentSecurityPolicy } from '../services/app/csp';
import type { Services } from '../services/app/createServices';
import { resolveStaticFile } from '../services/app/staticFiles';
import { dispatch } from '../services/rpc/dispatch';
import type { ClientMessage, ServerMessage } from '../../shared/wire';

/** The cookie that carries the launch token after the first visit. */
export const SESSION_COOKIE = 'pilothouse_session';
/** Largest WebSocket message: a 10 MB kubeconfig pasted as JSON-escaped text. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export interface BrowserServerOptions {
  services: Services;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** For tests; a fresh random token otherwise. */
  token?: string;
}

export interface BrowserServer {
  /** Open this URL: it carries the per-launch token. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function sameSecret(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/**
 * Browser mode: the services in plain Node, the built UI and a WebSocket for the
 * contract, on 127.0.0.1 only. Every request and upgrade must name this host
 * (DNS-rebinding defence), come from this origin when it says where it comes
 * from (cross-site defence), and carry the per-launch token.
 */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const { services } = options;
  const token = options.token ?? randomBytes(32).toString('base64url');
  const server = http.createServer();
  let port = 0;
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = () => allowedHosts().map((h) => `http://${h}`);

  const hostOk = (req: http.IncomingMessage) => allowedHosts().includes(req.headers.host ?? '');
  const originOk = (req: http.IncomingMessage, required: boolean) => {
    const origin = req.headers.origin;
    return origin === undefined ? !required : allowedOrigins().includes(origin);
  };
  const authed = (req: http.IncomingMessage) => sameSecret(cookieValue(req.headers.cookie, SESSION_COOKIE), token);

  const securityHeaders = {
    'Content-Security-Policy': contentSecurityPolicy(allowedOrigins().map((o) => o.replace('http', 'ws'))),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };

  server.on('request', (req, res) => {
    const refuse = (status: number, text: string) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders });
      res.end(text + '\n');
    };
    if (!hostOk(req)) return refuse(421, 'Pilothouse answers only to 127.0.0.1 and localhost.');
    if (!originOk(req, false)) return refuse(403, 'Cross-origin requests are refused.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, 'Only GET is served here.');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const offered = url.searchParams.get('token');
    if (offered !== null) {
      if (!sameSecret(offered, token)) return refuse(401, 'That launch token is not valid: open the URL that "npm run serve" printed this time.');
      // Trade the token in the URL for a cookie, then drop it from the address bar and history.
      url.searchParams.delete('token');
      res.writeHead(303, {
        'Set-Cookie': `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname + url.search,
        ...securityHeaders,
      });
      return res.end();
    }
    if (!authed(req)) return refuse(401, 'Open the URL that "npm run serve" printed: it carries this launch\'s token.');
    const found = resolveStaticFile(options.rendererDir, url.pathname);
    if (!found) return refuse(404, 'Not found.');
    res.writeHead(200, { 'Content-Type': found.contentType, ...securityHeaders });
    if (req.method === 'HEAD') return res.end();
    createReadStream(found.file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const deny = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    };
    if (!hostOk(req)) return deny('421 Misdirected Request');
    if (!originOk(req, true)) return deny('403 Forbidden');
    if (!authed(req)) return deny('401 Unauthorized');
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/rpc') return deny('404 Not Found');
    wss.handleUpgrade(req, socket, head, (ws) => serveContract(ws, services));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One UI connection: contract calls in, results and event batches out. */
function serveContract(ws: WebSocket, services: Services): void {
  const actor = `${userInfo().username} (browser)`;
  const session = randomUUID();
  const send = (msg: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };
  const subscription = services.hub.subscribe((batch) => send({ t: 'events', batch }));
  ws.on('close', () => {
    subscription.close();
    services.endSession(session);
  });
  ws.on('message', async (data, isBinary) => {
    let msg: ClientMessage;
    try {
      if (isBinary) throw new Error('binary');
      msg = JSON.parse(data.toString('utf8'));
    } catch {
      ws.close(1003, 'Messages are JSON text');
      return;
    }
    if (msg?.t === 'ack' && Number.isInteger(msg.seq)) return subscription.ack(msg.seq);
    if (msg?.t === 'call' && Number.isInteger(msg.id) && typeof msg.method === 'string') {
      const result = await dispatch(services.handlers, msg.method, msg.params, { transport: 'websocket', actor, session }, services.log);
      return send({ t: 'result', id: msg.id, result });
    }
    ws.close(1008, 'Unknown message');
  });
}

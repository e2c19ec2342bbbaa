import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { userInfo } from 'node:os';
import { pipeline } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_IMPORT_BYTES } from '../../shared/contract';
import { contentSecurityPolicy } from '../services/app/csp';
import type { Logger } from '../services/logging/logger';
import { resolveStaticFile } from '../services/app/staticFiles';
import type { SessionServer } from '../services/rpc/sessionServer';

/**
 * The session cookie of the instance on `port`. Cookies ignore ports, so one
 * name for all would let a second instance on 127.0.0.1 sign the first out.
 */
export function sessionCookieName(port: number): string {
  return `pilothouse_session_${port}`;
}

/**
 * Largest WebSocket message, in bytes (41 MiB). The largest call is an AWS
 * import of pasted config and credentials, each up to MAX_IMPORT_BYTES (the
 * parsers' cap); JSON escaping at most doubles such text (only control
 * characters, which these files don't hold, grow more); 1 MiB covers the rest
 * of the call. ws refuses a longer message from its frame headers, before
 * reading it (close 1009).
 */
export const MAX_MESSAGE_BYTES = 2 * (2 * MAX_IMPORT_BYTES) + 1024 * 1024;

export interface BrowserServerOptions {
  /** Where each WebSocket's frames go: the services process (through its host), or services in this process (tests). */
  sessions: Pick<SessionServer, 'open' | 'receive' | 'end'>;
  log: Logger;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** For tests; a fresh random token otherwise. */
  token?: string;
}

export interface BrowserServer {
  /** Open this URL: it carries the per-launch token, good for one visit. */
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

/** The request's URL, or undefined when it does not parse (e.g. `GET http://[ HTTP/1.1`). */
function requestUrl(req: http.IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', `http://${req.headers.host}`);
  } catch {
    return undefined;
  }
}

/**
 * A client may reset its connection at any moment: an error on a raw socket
 * ends that socket only. Without a listener it would end the process.
 */
function endOnError(socket: Socket): void {
  socket.on('error', () => socket.destroy());
}

/**
 * Browser mode: the built UI and a WebSocket for the contract, relayed to the
 * services, on 127.0.0.1 only. Every request and upgrade must name this host
 * (DNS-rebinding defence), come from this origin when it says where it comes
 * from (cross-site defence), and carry this launch's session cookie. The token
 * in the printed URL buys that cookie once, so a URL that leaks afterwards
 * (shell history, a screenshot) opens nothing.
 */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const { sessions, log } = options;
  const token = options.token ?? randomBytes(32).toString('base64url');
  // Minted when the token is traded: the cookie is a secret of its own, so the token alone never authenticates.
  let session: string | undefined;
  const server = http.createServer();
  let port = 0;
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = () => allowedHosts().map((h) => `http://${h}`);

  const hostOk = (req: http.IncomingMessage) => allowedHosts().includes(req.headers.host ?? '');
  const originOk = (req: http.IncomingMessage, required: boolean) => {
    const origin = req.headers.origin;
    return origin === undefined ? !required : allowedOrigins().includes(origin);
  };
  const authed = (req: http.IncomingMessage) => session !== undefined && sameSecret(cookieValue(req.headers.cookie, sessionCookieName(port)), session);

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
    const url = requestUrl(req);
    if (!url) return refuse(400, 'That address does not parse.');
    const offered = url.searchParams.get('token');
    if (offered !== null) {
      if (!sameSecret(offered, token)) return refuse(401, 'That launch token is not valid: open the URL that "npm run serve" printed this time.');
      // Drop the token from the address bar and history.
      url.searchParams.delete('token');
      const location = url.pathname + url.search;
      // The browser that traded it follows the link again: it is already signed in.
      if (authed(req)) {
        res.writeHead(303, { Location: location, ...securityHeaders });
        return res.end();
      }
      if (session !== undefined) {
        return refuse(
          401,
          'This launch URL was already used: go back to the Pilothouse tab it opened, or stop "npm run serve" and start it again for a new URL.',
        );
      }
      session = randomBytes(32).toString('base64url');
      res.writeHead(303, {
        'Set-Cookie': `${sessionCookieName(port)}=${session}; HttpOnly; SameSite=Strict; Path=/`,
        Location: location,
        ...securityHeaders,
      });
      return res.end();
    }
    if (!authed(req)) return refuse(401, 'Open the URL that "npm run serve" printed: it carries this launch\'s token.');
    const found = resolveStaticFile(options.rendererDir, url.pathname);
    if (!found) return refuse(404, 'Not found.');
    res.writeHead(200, { 'Content-Type': found.contentType, ...securityHeaders });
    if (req.method === 'HEAD') return res.end();
    // pipeline, not pipe: a client that goes away mid-file closes the file, and a read error ends the response only.
    pipeline(createReadStream(found.file), res, () => undefined);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket: Socket, head) => {
    // Node hands over an upgrade's socket without its error listener. (Sockets of malformed requests keep
    // theirs: Node's default 'clientError' handling ignores later errors and does not write into a response in flight.)
    endOnError(socket);
    const deny = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    };
    if (!hostOk(req)) return deny('421 Misdirected Request');
    if (!originOk(req, true)) return deny('403 Forbidden');
    if (!authed(req)) return deny('401 Unauthorized');
    if (requestUrl(req)?.pathname !== '/rpc') return deny('404 Not Found');
    wss.handleUpgrade(req, socket, head, (ws) => relay(ws, sessions, log));
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

/** One line per refused frame: ws's error code and message, which name the rule broken, never the frame's content. */
function logProtocolError(log: Logger, err: Error): void {
  log.warn('closed a WebSocket that broke the protocol', { code: (err as NodeJS.ErrnoException).code, reason: err.message });
}

/**
 * One UI connection, relayed: its text frames go to the services as they came
 * (they parse and check every message), and what the services send comes
 * back as it is, binary frames (private streams) included.
 */
function relay(ws: WebSocket, sessions: BrowserServerOptions['sessions'], log: Logger): void {
  const session = randomUUID();
  // A frame that breaks the protocol (bad UTF-8, no mask, over MAX_MESSAGE_BYTES…): ws closes this socket with
  // the matching code (1002, 1007, 1009) after this event; without a listener it would end the process.
  ws.on('error', (err) => logProtocolError(log, err));
  sessions.open(
    session,
    { actor: `${userInfo().username} (browser)`, transport: 'websocket' },
    {
      send: (frame) => {
        if (ws.readyState === ws.OPEN) ws.send(frame);
      },
      close: (code, reason) => ws.close(code, reason),
    },
  );
  ws.on('close', () => sessions.end(session));
  ws.on('message', (data, isBinary) => {
    // Binary frames are the services' alone (stream data); everything the UI says is JSON text.
    if (isBinary) return ws.close(1003, 'Messages are JSON text');
    sessions.receive(session, data.toString('utf8'));
  });
}

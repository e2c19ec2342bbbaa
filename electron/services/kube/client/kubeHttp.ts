import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import type { KubeConfig } from '@kubernetes/client-node';
import { AppError } from '../../../../shared/result';
import { ListParseError, ListStreamParser, type ListEnvelope } from './listStream';

/** What the apiserver's audit log and `managedFields` see Pilothouse as: its writes' field manager. */
export const USER_AGENT = 'pilothouse';

export interface KubeResponse<T> {
  status: number;
  body: T;
}

export interface KubeRequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Longest silence on the socket before giving up. */
  timeoutMs?: number;
  /**
   * Longest the whole request may take, connecting included: a hung server
   * accepts the connection and then says nothing, which a silence timeout
   * only notices late. Past it: TIMEOUT "… did not answer within N s".
   */
  deadlineMs?: number;
  signal?: AbortSignal;
  /** Accept header; default `application/json`. */
  accept?: string;
  /** Ask for a gzip body: large lists shrink ~10× over a VPN for some CPU on both ends. */
  gzip?: boolean;
  /**
   * A PATCH body's kind: a JSON merge patch (default), a JSON patch (RFC 6902), whose `test` ops guard against a change made meanwhile,
   * or a server-side apply of the whole object (sent as JSON, which is YAML too; give `fieldManager` in the query).
   */
  patch?: 'merge' | 'json' | 'apply';
}

/** Options of {@link kubeList}. */
export interface KubeListOptions {
  /** Receives each element of the list's `items`, parsed, as soon as it has arrived whole. */
  onItem: (item: unknown) => void;
  /** Longest silence on the socket before giving up. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Ask for a gzip body. */
  gzip?: boolean;
}

/** Options of {@link kubeStream}. */
export interface KubeStreamOptions {
  /**
   * Receives each line of a 2xx body as it arrives (a watch sends one JSON
   * event per line); `cut` when the line was longer than `maxLineLength`.
   */
  onLine: (line: string, cut: boolean) => void;
  /** Called once the server has answered 2xx, before the first line, with the means to hold the body back. */
  onOpen?: (control: KubeStreamControl) => void;
  /** Longest silence on the socket before the stream counts as dead (a paused server sends nothing). */
  idleTimeoutMs?: number;
  /** Lines longer than this are handed over cut to this length, the rest of the line skipped, so one endless line cannot fill memory. */
  maxLineLength?: number;
  signal?: AbortSignal;
}

/** Flow control of a {@link kubeStream} body. */
export interface KubeStreamControl {
  /**
   * Stops reading the body: the socket's buffers fill and TCP holds the
   * server back. The idle timeout is suspended meanwhile, since the silence is ours.
   */
  pause(): void;
  resume(): void;
}

interface Prepared {
  url: URL;
  server: string;
  opts: https.RequestOptions;
  transport: typeof http | typeof https;
  who: string;
}

/** Resolves the URL and applies the connection's auth (certificates, tokens, exec plugins, OIDC) to the request options. */
async function prepare(kc: KubeConfig, path: string, method: string, accept: string, gzip: boolean): Promise<Prepared> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new AppError('KUBECONFIG_INVALID', 'The connection has no cluster');
  const who = kc.getCurrentUser()?.name ?? 'this user';
  const url = requestUrl(cluster.server, path);
  // The apiserver names the field manager of a write after the agent: "pilothouse", as kubectl's are "kubectl".
  const headers: Record<string, string> = { Accept: accept, 'User-Agent': USER_AGENT };
  if (gzip) headers['Accept-Encoding'] = 'gzip';
  const opts: https.RequestOptions = { method, headers };
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (err) {
    throw new AppError('UNAUTHORIZED', `Could not get credentials for ${who}: ${firstLine(err)}`);
  }
  return { url, server: cluster.server, opts, who, transport: url.protocol === 'http:' ? http : https };
}

/**
 * The URL of `path` on the cluster's `server`, under the server's own path
 * when it has one, as kubectl does: clusters behind a proxy are served at a
 * prefix (Rancher's `https://rancher.example/k8s/clusters/c-1`).
 */
export function requestUrl(server: string, path: string): URL {
  return new URL(server.replace(/\/+$/, '') + path);
}

/** A body's Content-Type: PATCH bodies are JSON merge patches (RFC 7386) unless said to be JSON patches (RFC 6902) or server-side applies; the rest plain JSON. */
export function contentTypeFor(method: string, patch: KubeRequestOptions['patch'] = 'merge'): string {
  if (method !== 'PATCH') return 'application/json';
  if (patch === 'apply') return 'application/apply-patch+yaml';
  return patch === 'json' ? 'application/json-patch+json' : 'application/merge-patch+json';
}

/** Starts the request; bad client certificates and keys fail here, synchronously, before any network traffic. */
function open(p: Prepared, signal: AbortSignal | undefined, onResponse: (res: http.IncomingMessage) => void): http.ClientRequest {
  try {
    return p.transport.request(p.url, { ...p.opts, signal }, onResponse);
  } catch (err) {
    throw new AppError('TLS', `The client certificate or key of ${p.who} cannot be used: ${firstLine(err)}`);
  }
}

/** The response body, decompressed when the server chose gzip. */
function bodyOf(res: http.IncomingMessage): NodeJS.ReadableStream {
  return res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
}

/** Reads a whole body and parses it as JSON when it is JSON. */
function readBody(res: http.IncomingMessage, server: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const body = bodyOf(res);
    if (body !== res) res.on('error', (err) => reject(networkError(err, server)));
    body.on('data', (c: Buffer) => chunks.push(c));
    body.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch {
        // Non-JSON bodies (proxies, /healthz) are returned as text.
        resolve(text);
      }
    });
    body.on('error', (err) => reject(networkError(err, server)));
  });
}

/**
 * One request to the apiserver with the connection's own auth, applied by
 * @kubernetes/client-node (client certificates, tokens, exec plugins, OIDC),
 * with a deadline. Network failures become AppErrors a person can act on;
 * HTTP statuses are returned for the caller to judge.
 */
export async function kubeRequest<T = unknown>(kc: KubeConfig, path: string, options: KubeRequestOptions = {}): Promise<KubeResponse<T>> {
  const method = options.method ?? 'GET';
  const p = await prepare(kc, path, method, options.accept ?? 'application/json', options.gzip ?? false);
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  if (payload) {
    // Node frames no DELETE body by itself: without the length, the server would read none (no preconditions, no propagation).
    Object.assign(p.opts.headers as Record<string, string>, { 'Content-Type': contentTypeFor(method, options.patch), 'Content-Length': String(payload.length) });
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = options.deadlineMs === undefined ? undefined : AbortSignal.timeout(options.deadlineMs);
  const signal = deadline && options.signal ? AbortSignal.any([options.signal, deadline]) : (deadline ?? options.signal);
  const failed = (err: unknown) =>
    deadline?.aborted ? new AppError('TIMEOUT', `${p.server} did not answer within ${options.deadlineMs! / 1000} s`) : err instanceof AppError ? err : networkError(err, p.server);
  return new Promise((resolve, reject) => {
    const req = open(p, signal, (res) => {
      readBody(res, p.server).then((body) => resolve({ status: res.statusCode ?? 0, body: body as T }), (err: unknown) => reject(failed(err)));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new AppError('TIMEOUT', `${p.server} did not answer within ${timeoutMs / 1000} s`)));
    req.on('error', (err) => reject(failed(err)));
    req.end(payload);
  });
}

/**
 * A GET of one list page with the connection's auth, parsed as it arrives:
 * each element of `items` goes to `onItem` once it is whole (see
 * ./listStream), so neither the body nor the parsed page is held, and the
 * event loop gets a turn after every chunk, so other calls are served during
 * a page of tens of MB. A 2xx answer resolves with the list's own fields
 * (kind, metadata with continue and resourceVersion); any other status with
 * the parsed error body, as {@link kubeRequest}. A body that breaks off or
 * is not a list rejects with an AppError; what `onItem` throws rejects as is.
 */
export async function kubeList(kc: KubeConfig, path: string, options: KubeListOptions): Promise<KubeResponse<ListEnvelope>> {
  const p = await prepare(kc, path, 'GET', 'application/json', options.gzip ?? false);
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const req = open(p, options.signal, (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 299) {
        readBody(res, p.server).then((body) => resolve({ status, body: body as ListEnvelope }), reject);
        return;
      }
      readList(res, p.server, options.onItem).then((body) => resolve({ status, body }), reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new AppError('TIMEOUT', `${p.server} did not answer within ${timeoutMs / 1000} s`)));
    req.on('error', (err) => reject(err instanceof AppError ? err : networkError(err, p.server)));
    req.end();
  });
}

/** Parses a list body chunk by chunk, yielding to the event loop between chunks. */
async function readList(res: http.IncomingMessage, server: string, onItem: (item: unknown) => void): Promise<ListEnvelope> {
  const parser = new ListStreamParser(onItem);
  // What the parser (or onItem) threw, told apart from what the network did.
  let parseError: unknown;
  const consume = async (body: AsyncIterable<Buffer>) => {
    for await (const chunk of body) {
      try {
        parser.write(chunk);
      } catch (err) {
        parseError = err;
        throw err;
      }
      await nextTurn();
    }
  };
  try {
    // Larger chunks than zlib's 16 KiB default: fewer turns of the loop per page, each still well under a millisecond.
    await (res.headers['content-encoding'] === 'gzip' ? pipeline(res, createGunzip({ chunkSize: 64 * 1024 }), consume) : pipeline(res, consume));
    return parser.end();
  } catch (err) {
    if (err instanceof ListParseError) throw new AppError('UNREACHABLE', `${server} sent a list that cannot be read: ${err.message}`);
    if (err === parseError) throw err;
    throw networkError(err, server);
  }
}

/**
 * A long-lived GET (a watch) with the connection's auth. A 2xx body is handed
 * over line by line as it arrives and the promise resolves when the server
 * ends it (`body` undefined); any other status resolves with the parsed error
 * body. Network failures, silence longer than `idleTimeoutMs` and aborts
 * reject with an AppError.
 */
export async function kubeStream(kc: KubeConfig, path: string, options: KubeStreamOptions): Promise<KubeResponse<unknown>> {
  const p = await prepare(kc, path, 'GET', 'application/json', false);
  const idleMs = options.idleTimeoutMs ?? 100_000;
  return new Promise((resolve, reject) => {
    const req = open(p, options.signal, (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 299) {
        readBody(res, p.server).then((body) => resolve({ status, body }), reject);
        return;
      }
      let paused = false;
      options.onOpen?.({
        pause: () => {
          if (paused) return;
          paused = true;
          res.pause();
          req.setTimeout(0);
        },
        resume: () => {
          if (!paused) return;
          paused = false;
          req.setTimeout(idleMs);
          res.resume();
        },
      });
      const decoder = new StringDecoder('utf8');
      const lines = new LineSplitter(options.onLine, options.maxLineLength ?? Infinity);
      res.on('data', (chunk: Buffer) => lines.write(decoder.write(chunk)));
      res.on('end', () => {
        lines.end(decoder.end());
        resolve({ status, body: undefined });
      });
      // A stream cut mid-way (apiserver killed) closes without 'end'.
      res.on('close', () => {
        if (!res.complete) reject(new AppError('UNREACHABLE', `${p.server} closed the connection`));
      });
    });
    req.setTimeout(idleMs, () => {
      // Rejects before destroying, so the caller hears about the silence rather than the reset that follows.
      reject(new AppError('TIMEOUT', `${p.server} sent nothing for ${Math.round(idleMs / 1000)} s`));
      req.destroy();
    });
    req.on('error', (err) => reject(err instanceof AppError ? err : networkError(err, p.server)));
    req.end();
  });
}

/** Splits text arriving in pieces into non-empty lines, cutting lines longer than `maxLength`. */
export class LineSplitter {
  private partial = '';
  /** The current line was cut and handed over: skip the rest of it. */
  private skipping = false;

  constructor(
    private readonly onLine: (line: string, cut: boolean) => void,
    private readonly maxLength: number,
  ) {}

  /** Takes the next piece of text; every line it completes is handed over. */
  write(text: string): void {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      if (!this.skipping) this.add(text.slice(start, nl), true);
      this.skipping = false;
      start = nl + 1;
    }
    if (!this.skipping) this.add(text.slice(start), false);
  }

  /** Takes the last piece: a final line without a newline is handed over too. */
  end(text: string): void {
    this.write(text);
    if (!this.skipping) this.add('', true);
    this.skipping = false;
  }

  private add(piece: string, complete: boolean): void {
    const line = this.partial + piece;
    this.partial = '';
    if (line.length > this.maxLength) {
      this.onLine(line.slice(0, this.maxLength), true);
      this.skipping = !complete;
    } else if (!complete) {
      this.partial = line;
    } else if (line) {
      this.onLine(line, false);
    }
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 300);
}

/** Names the failure in terms of what to check. */
export function networkError(err: unknown, server: string): AppError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (err instanceof AppError) return err;
  if (code === 'ECONNREFUSED') return new AppError('UNREACHABLE', `${server} refused the connection: is the apiserver running and the address right?`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new AppError('UNREACHABLE', `${server}: the host name does not resolve (VPN or DNS?)`);
  if (code === 'ECONNRESET' || code === 'EPIPE') return new AppError('UNREACHABLE', `${server} closed the connection`);
  if (code === 'ETIMEDOUT' || code === 'ABORT_ERR') return new AppError('TIMEOUT', `${server} did not answer in time`);
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new AppError('TLS', `${server}: the server certificate is not trusted (${code}). Check certificate-authority in the kubeconfig.`);
  }
  return new AppError('UNREACHABLE', `${server}: ${firstLine(err)}`);
}

/**
 * A shell in a container: the pod's exec subresource through client-node's
 * Exec, with a TTY, resize and the exit code the kubelet reports.
 */
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
// Not re-exported by the package's index; its socket factory is how the handshake gets a timeout, our user agent and the refusal's reason.
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
import { PassThrough, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import WebSocket from 'ws';
import { AppError } from '../../../shared/result';
import { kubeStatusError, readRefusalBody } from '../kube/client/kubeErrors';
import { networkError, USER_AGENT } from '../kube/client/kubeHttp';
import type { ShellBackend, ShellListener } from './shellBackend';

/**
 * What runs when the user names no command: bash when the image has it, else
 * sh, as kubectl users type it (and as k9s does).
 */
export const DEFAULT_CONTAINER_SHELL = ['/bin/sh', '-c', 'command -v bash >/dev/null 2>&1 && exec bash || exec sh'];

/** How long the apiserver and kubelet may take to accept the exec. */
const HANDSHAKE_TIMEOUT_MS = 15_000;
/**
 * A ping this often keeps an idle shell's connection alive through load
 * balancers that drop quiet ones, and finds a connection gone half-open (a
 * laptop that slept, a VPN that dropped): two unanswered, and it is over.
 */
const KEEPALIVE_MS = 30_000;

/** The exit code in a kubelet's final Status: 0 on Success, the `ExitCode` cause on NonZeroExitCode. */
export function exitFromStatus(status: V1Status | undefined): { exitCode?: number; message?: string } {
  if (!status) return { message: 'The connection to the container closed without an exit status' };
  if (status.status === 'Success') return { exitCode: 0 };
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = Number(cause?.message);
  if (status.reason === 'NonZeroExitCode' && Number.isInteger(code)) return { exitCode: code };
  // A runtime that wraps the process's end in an internal error (kwok's) still ends with Go's "exit status N".
  const wrapped = /: exit status (\d{1,3})$/.exec(status.message ?? '');
  if (wrapped) return { exitCode: Number(wrapped[1]) };
  return { message: (status.message ?? 'The command failed').slice(0, 500) };
}

/**
 * The terminal's size as client-node reads it from a stdout stream: `rows`,
 * `columns` and a 'resize' event (see its terminal-size-queue).
 */
class TerminalOutput extends Writable {
  rows: number;
  columns: number;
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    size: { cols: number; rows: number },
    private readonly onText: (text: string) => void,
  ) {
    super();
    this.rows = size.rows;
    this.columns = size.cols;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    // A UTF-8 character cut between two frames is held until its end arrives.
    const text = this.decoder.write(chunk);
    if (text) this.onText(text);
    done();
  }

  override _final(done: () => void): void {
    const rest = this.decoder.end();
    if (rest) this.onText(rest);
    done();
  }

  resize(cols: number, rows: number): void {
    this.columns = cols;
    this.rows = rows;
    this.emit('resize');
  }
}

export interface ContainerShellTarget {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
}

/**
 * Starts `target.command` in the container with a TTY. Resolves once the
 * apiserver and kubelet accepted; a refusal becomes the apiserver's error
 * (403 when the user may not create pods/exec, 404 no such pod, 400 a
 * container that does not exist or does not run).
 */
export async function openContainerShell(kc: KubeConfig, target: ContainerShellTarget, size: { cols: number; rows: number }, listener: ShellListener): Promise<ShellBackend> {
  const server = kc.getCurrentCluster()?.server ?? 'the cluster';
  const what = `starting a shell in ${target.pod}/${target.container} in ${target.namespace}`;
  let refusal: Promise<AppError> | undefined;
  const stdout = new TerminalOutput(size, (text) => listener.data(text));
  const stdin = new PassThrough();
  const handler = new WebSocketHandler(
    kc,
    (uri: string, protocols: string[], opts: WebSocket.ClientOptions) => {
      const ws = new WebSocket(uri, protocols, { ...opts, perMessageDeflate: false, handshakeTimeout: HANDSHAKE_TIMEOUT_MS, headers: { 'User-Agent': USER_AGENT } });
      ws.once('unexpected-response', (_req, res) => {
        refusal = readRefusalBody(res).then((body) => kubeStatusError(what, res.statusCode ?? 0, body));
        // Aborting emits the 'error' that fails the connect; the refusal says why.
        void refusal.then(() => ws.terminate());
      });
      return ws;
    },
    // Its default is this process's own stdio, which a server's close-stream message would end.
    { stdin, stdout, stderr: new PassThrough() },
  );

  let ended = false;
  let status: V1Status | undefined;
  let lost = false;
  const timers: { keepalive?: NodeJS.Timeout } = {};
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(timers.keepalive);
    const { exitCode, message } = exitFromStatus(status);
    if (lost && exitCode === undefined) listener.failed(`The connection to the container was lost: no answer from ${server} for ${(2 * KEEPALIVE_MS) / 1000} s`);
    else if (exitCode === undefined) listener.failed(message ?? 'The shell ended');
    else listener.exit(exitCode);
  };
  let ws: WebSocket;
  try {
    ws = (await new Exec(kc, handler).exec(target.namespace, target.pod, target.container, target.command, stdout, null, stdin, true, (s) => {
      status = s;
    })) as unknown as WebSocket;
  } catch (err) {
    if (refusal) throw await refusal;
    const cause = err instanceof Error ? err : ((err as { error?: unknown })?.error ?? err);
    if (cause instanceof Error && /timed out/i.test(cause.message)) throw new AppError('TIMEOUT', `${server} did not answer within ${HANDSHAKE_TIMEOUT_MS / 1000} s while ${what}`);
    throw cause instanceof Error ? networkError(cause, server) : new AppError('UNREACHABLE', `Could not reach ${server} while ${what}`);
  }
  ws.on('close', () => end());
  ws.on('error', () => end());
  let unanswered = 0;
  ws.on('pong', () => (unanswered = 0));
  timers.keepalive = setInterval(() => {
    if (++unanswered > 2) {
      lost = true;
      ws.terminate();
      return;
    }
    ws.ping();
  }, KEEPALIVE_MS);
  timers.keepalive.unref();
  return {
    input: (data) => {
      if (!ended) stdin.write(data);
    },
    resize: (cols, rows) => stdout.resize(cols, rows),
    pause: () => ws.pause(),
    resume: () => ws.resume(),
    kill: () => {
      stdin.end();
      ws.close();
    },
  };
}

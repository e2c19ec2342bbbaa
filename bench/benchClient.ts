/**
 * What benches use to drive browser mode as the page does: a contract client
 * over the server's WebSocket, signed in once per launch, and the JSON lines
 * of helper processes.
 */
import type { ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { createContractClient, type PilothouseBridge } from '../shared/bridge';
import { originOf, signIn } from '../test/support/browserServer';

/** A contract client over a WebSocket, the same client the page runs. */
export async function connect(url: string): Promise<{ bridge: PilothouseBridge; ws: WebSocket; closed: Promise<void> }> {
  const { port } = new URL(url);
  const server = { url, port: Number(port) };
  const cookie = await signInOnce(server);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/rpc`, { headers: { Cookie: cookie, Origin: originOf(server) }, maxPayload: 256 * 1024 * 1024 });
  const client = createContractClient({ send: (text) => ws.send(text) });
  ws.on('message', (data, isBinary) => client.receive(isBinary ? new Uint8Array(data as Buffer) : data.toString()));
  const closed = new Promise<void>((r) => ws.once('close', () => (client.disconnected('closed'), r())));
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  client.connected();
  return { bridge: client.bridge, ws, closed };
}

/** By launch URL: its cookie. */
export const cookies = new Map<string, string>();

// The launch URL buys one cookie: the first client trades it, the others reuse the cookie (as tabs of one browser do).
async function signInOnce(server: { url: string; port: number }): Promise<string> {
  if (!cookies.has(server.url)) cookies.set(server.url, process.env.PILOTHOUSE_BENCH_COOKIE ?? (await signIn(server)));
  return cookies.get(server.url)!;
}

/** Calls a contract method; a refusal throws with its message. */
export async function call<T>(bridge: PilothouseBridge, method: string, params: unknown): Promise<T> {
  const result = await (bridge.methods as unknown as Record<string, (p: unknown) => Promise<{ ok: boolean; value?: T; error?: { message: string } }>>)[method](params);
  if (!result.ok) throw new Error(`${method}: ${result.error?.message}`);
  return result.value as T;
}

/** The next JSON line `child` prints that has `key`. */
export function nextLine<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (key in parsed) {
            child.stdout?.off('data', onData);
            return resolvePromise(parsed as T);
          }
        } catch {
          // Not ours.
        }
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${key}: the child exited (${code})`)));
  });
}


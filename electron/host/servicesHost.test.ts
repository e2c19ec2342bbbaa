import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../shared/wire';
import type { HostMessage } from '../services/process/protocol';
import type { SessionFrame } from '../services/rpc/streamHub';
import { forkServices, servicesEntry } from './forkedServices';
import { ServicesHost } from './servicesHost';

// The real services process, run from the sources through tsx, as `npm run serve` runs it built.
let host: ServicesHost;
const notes: string[] = [];

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ph-host-'));
  host = new ServicesHost({
    spawn: () => forkServices(servicesEntry(join(dataDir, 'no-build-here'))),
    config: { mode: 'browser', version: '0.0.0-test', dataDir, secrets: { kind: 'keyFile', file: join(dataDir, 'secret.key') }, nativeFileDialog: false },
    log: (message) => notes.push(message),
    restartDelaysMs: [0, 0, 0],
  });
  await host.start();
}, 60_000);

afterAll(() => host.close());

function relayedSession(id: string) {
  const frames: SessionFrame[] = [];
  let closed: { code: number; reason: string } | undefined;
  host.open(id, { actor: 'tester', transport: 'test' }, { send: (f) => frames.push(f), close: (code, reason) => (closed = { code, reason }) });
  const call = (callId: number, method: string) => {
    host.receive(id, JSON.stringify({ t: 'call', id: callId, method, params: {} }));
    return until(() => frames.map((f) => JSON.parse(String(f)) as ServerMessage).find((m) => m.t === 'result' && m.id === callId));
  };
  return { frames, call, closed: () => closed };
}

async function until<T>(probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the services host', () => {
  it('relays a session’s calls to the services process and its answers back', async () => {
    const session = relayedSession('s1');
    expect(host.pid).not.toBe(process.pid);
    expect(await session.call(1, 'app.info')).toMatchObject({ result: { ok: true, value: { mode: 'browser' } } });
    host.end('s1');
  });

  it('restarts the services after a kill -9: relayed sessions are told to reconnect, and new ones are served', async () => {
    const session = relayedSession('s2');
    await session.call(1, 'app.info');
    const before = host.pid!;
    process.kill(before, 'SIGKILL');
    expect(await until(() => session.closed())).toEqual({ code: 1012, reason: 'The Pilothouse services restarted' });
    await until(() => (host.pid !== undefined && host.pid !== before ? true : undefined));
    const again = relayedSession('s3');
    expect(await again.call(2, 'connections.list')).toMatchObject({ result: { ok: true, value: [] } });
    expect(notes).toContain('the services process ended; restarting it');
  }, 60_000);

  it('fails to start with the services’ own reason', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ph-host-bad-'));
    const bad = new ServicesHost({
      spawn: () => forkServices(servicesEntry(join(dataDir, 'no-build-here'))),
      // The key file's folder (here /tmp) is open to other users: the services refuse it, saying so.
      config: { mode: 'browser', version: '0', dataDir, secrets: { kind: 'keyFile', file: dataDir }, nativeFileDialog: false },
      log: () => undefined,
    });
    await expect(bad.start()).rejects.toThrow(/open to other users/);
    await bad.close();
  }, 60_000);
});

describe('a services process whose host dies', () => {
  it('exits by itself rather than linger as an orphan', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ph-host-orphan-'));
    const entry = servicesEntry(join(dataDir, 'no-build-here'));
    const child = fork(entry.file, [], { serialization: 'advanced', execArgv: entry.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const init: HostMessage = { t: 'init', config: { mode: 'browser', version: '0', dataDir, secrets: { kind: 'keyFile', file: join(dataDir, 'secret.key') }, nativeFileDialog: false } };
    child.send(init);
    await new Promise<void>((resolve) => child.on('message', (msg: { t: string }) => msg.t === 'ready' && resolve()));
    // As when the host is killed: its end of the IPC channel closes.
    child.disconnect();
    expect(await exited).toBe(0);
  }, 60_000);
});

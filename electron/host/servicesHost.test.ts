import { fork } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../shared/wire';
import type { HostMessage, ServicesMessage } from '../services/process/protocol';
import type { SessionFrame } from '../services/rpc/streamHub';
import { forkServices, servicesEntry } from './forkedServices';
import { ServicesHost } from './servicesHost';
import { madeTempDir } from '../../test/support/tempDirs';

// The real services process, run from the sources through tsx, as `npm run serve` runs it built.
let host: ServicesHost;
const notes: string[] = [];

beforeAll(async () => {
  const dataDir = madeTempDir('ph-host-');
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
    const dataDir = madeTempDir('ph-host-bad-');
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
    const dataDir = madeTempDir('ph-host-orphan-');
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

describe('a services process that cannot start again', () => {
  it('is retried like a crash, and given up on with its reason after the last try', async () => {
    const dataDir = madeTempDir('ph-host-retry-');
    const entry = servicesEntry(join(dataDir, 'no-build-here'));
    const config = { mode: 'browser' as const, version: '0', dataDir, secrets: { kind: 'keyFile' as const, file: join(dataDir, 'secret.key') }, nativeFileDialog: false };
    let spawned = 0;
    let gaveUp: string | undefined;
    const flaky = new ServicesHost({
      spawn: () => {
        spawned++;
        // From the second start on, the key file's folder is one other users can read: the services refuse it.
        return forkServices(entry);
      },
      config,
      log: () => undefined,
      restartDelaysMs: [0, 0],
      onGiveUp: (message) => (gaveUp = message),
    });
    await flaky.start();
    config.secrets.file = join(tmpdir(), 'ph-open-key');
    process.kill(flaky.pid!, 'SIGKILL');
    await until(() => gaveUp);
    expect(spawned).toBe(3);
    expect(gaveUp).toMatch(/keep stopping: .*open to other users/);
    await flaky.close();
  }, 90_000);
});

describe('services on a data dir', () => {
  it('refuse a second set of services on the same data dir, naming the first', async () => {
    const dataDir = madeTempDir('ph-host-twice-');
    const make = () =>
      new ServicesHost({
        spawn: () => forkServices(servicesEntry(join(dataDir, 'no-build-here'))),
        config: { mode: 'browser', version: '0', dataDir, secrets: { kind: 'keyFile', file: join(dataDir, 'secret.key') }, nativeFileDialog: false },
        log: () => undefined,
      });
    const first = make();
    await first.start();
    const second = make();
    await expect(second.start()).rejects.toThrow(new RegExp(`Another Pilothouse \\(process ${first.pid}\\) is using`));
    await second.close();
    await first.close();
    // Closed, the first lets the next one in.
    const third = make();
    await third.start();
    await third.close();
  }, 90_000);

  it('outlive a Ctrl+C sent to the whole process group: only the host stops them', async () => {
    const session = relayedSession('ctrl-c');
    const pid = host.pid!;
    process.kill(pid, 'SIGINT');
    process.kill(pid, 'SIGTERM');
    expect(await session.call(9, 'app.info')).toMatchObject({ result: { ok: true } });
    expect(host.pid).toBe(pid);
    host.end('ctrl-c');
  });
});

describe('notifications from the services', () => {
  it('reach the host’s notify as two capped strings; anything else is dropped', async () => {
    let toHost: ((msg: ServicesMessage) => void) | undefined;
    const shown: [string, string][] = [];
    const host = new ServicesHost({
      spawn: () => ({
        send: (msg: HostMessage) => void (msg.t === 'init' && queueMicrotask(() => toHost?.({ t: 'ready' }))),
        onMessage: (listener) => void (toHost = listener),
        onExit: () => undefined,
        kill: () => undefined,
      }),
      config: { mode: 'desktop', version: '0', dataDir: '/nowhere', secrets: { kind: 'unavailable', reason: 'test' }, nativeFileDialog: false, nativeNotifications: true },
      log: () => undefined,
      notify: (title, body) => shown.push([title, body]),
    });
    await host.start();
    toHost!({ t: 'notify', title: 'Rolled back prod/shop/web', body: 'Revision 2 exceeded its progress deadline.' });
    toHost!({ t: 'notify', title: 'x'.repeat(5_000), body: 'y'.repeat(5_000) });
    toHost!({ t: 'notify', title: { toString: () => 'sneaky' }, body: 'z' } as unknown as ServicesMessage);
    // A cut never splits a character: 199 units and an emoji (2 units) lose the emoji whole.
    toHost!({ t: 'notify', title: `${'t'.repeat(199)}🚀`, body: 'ok' });
    expect(shown).toEqual([
      ['Rolled back prod/shop/web', 'Revision 2 exceeded its progress deadline.'],
      ['x'.repeat(200), 'y'.repeat(1_000)],
      ['t'.repeat(199), 'ok'],
    ]);
    // A burst is held to five a minute: the rest are dropped (the toasts and the tray still have them).
    for (let i = 0; i < 10; i++) toHost!({ t: 'notify', title: `trip ${i}`, body: '' });
    expect(shown.map(([title]) => title).slice(3)).toEqual(['trip 0', 'trip 1']);
  });
});

describe('PDF reports from the services', () => {
  it('reach the host’s printer only as a capped report with a plain .pdf name; every ask is answered', async () => {
    let toHost: ((msg: ServicesMessage) => void) | undefined;
    const replies: HostMessage[] = [];
    const printed: [string, string][] = [];
    const host = new ServicesHost({
      spawn: () => ({
        send: (msg: HostMessage) => {
          if (msg.t === 'init') queueMicrotask(() => toHost?.({ t: 'ready' }));
          if (msg.t === 'reply') replies.push(msg);
        },
        onMessage: (listener) => void (toHost = listener),
        onExit: () => undefined,
        kill: () => undefined,
      }),
      config: { mode: 'desktop', version: '0', dataDir: '/nowhere', secrets: { kind: 'unavailable', reason: 'test' }, nativeFileDialog: false, pdfExport: true },
      log: () => undefined,
      savePdf: async (html, fileName) => {
        if (fileName === 'disk-full.pdf') throw new Error('ENOSPC');
        printed.push([html, fileName]);
        return fileName === 'cancel.pdf' ? undefined : `/home/ana/${fileName}`;
      },
    });
    await host.start();
    toHost!({ t: 'savePdf', id: 1, html: '<h1>Drill passed</h1>', fileName: 'drill-team-a.pdf' });
    toHost!({ t: 'savePdf', id: 2, html: '<p>x</p>', fileName: '../../etc/cron.d/evil.pdf' });
    toHost!({ t: 'savePdf', id: 3, html: 'x'.repeat(5 * 1024 * 1024), fileName: 'big.pdf' });
    toHost!({ t: 'savePdf', id: 4, html: { toString: () => 'sneaky' }, fileName: 'a.pdf' } as unknown as ServicesMessage);
    toHost!({ t: 'savePdf', id: 5, html: '<p>y</p>', fileName: 'cancel.pdf' });
    toHost!({ t: 'savePdf', id: 6, html: '<p>z</p>', fileName: 'disk-full.pdf' });
    await until(() => (replies.length === 6 ? true : undefined));
    expect(printed).toEqual([
      ['<h1>Drill passed</h1>', 'drill-team-a.pdf'],
      ['<p>y</p>', 'cancel.pdf'],
    ]);
    const byId = Object.fromEntries(replies.map((r) => [(r as { id: number }).id, r]));
    expect(byId[1]).toEqual({ t: 'reply', id: 1, value: '/home/ana/drill-team-a.pdf' });
    for (const id of [2, 4]) expect(byId[id]).toEqual({ t: 'reply', id, error: 'This report cannot be saved as PDF here' });
    expect(byId[3]).toEqual({ t: 'reply', id: 3, error: 'The report is too large to print as PDF; export it as HTML and print that from a browser' });
    expect(byId[5]).toEqual({ t: 'reply', id: 5 });
    expect(byId[6]).toEqual({ t: 'reply', id: 6, error: 'The PDF could not be saved (ENOSPC)' });
  });
});

import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionSummary, TerminalOutput, TerminalSession } from '../../../shared/contract';
import { decodeStreamFrame, type ServerMessage } from '../../../shared/wire';
import { madeTempDir } from '../../../test/support/tempDirs';
import { createAuditService } from '../audit/auditService';
import type { ConnectionService } from '../connections/connectionService';
import type { KubeAccess } from '../kube/client/kubeAccess';
import { createLogger } from '../logging/logger';
import { dispatch, type CallContext, type Handlers } from '../rpc/dispatch';
import { EventHub } from '../rpc/eventHub';
import { StreamHub } from '../rpc/streamHub';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import { createTerminalArea } from './terminalArea';
import { shellEnvironment } from './terminalService';

const KUBECONFIG = 'apiVersion: v1\nkind: Config\ncurrent-context: bed\n';

const areas: { close(): void | Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(areas.splice(0).map((a) => a.close()));
});

const connection = (id: string, kind: ConnectionSummary['kind'], name: string) => ({ id, kind, name }) as ConnectionSummary;

/** A window: the frames its streams receive, decoded, and whether it acknowledges them. */
class Window {
  readonly messages = new Map<string, TerminalOutput[]>();
  readonly ends = new Map<string, ServerMessage>();
  constructor(
    readonly hub: StreamHub,
    readonly id: string,
    private readonly acknowledge = true,
  ) {
    hub.attach(id, (frame) => {
      if (typeof frame === 'string') {
        const end = JSON.parse(frame) as Extract<ServerMessage, { t: 'streamEnd' }>;
        this.ends.set(String(end.stream), end);
        return;
      }
      const decoded = decodeStreamFrame(frame)!;
      const list = this.messages.get(String(decoded.stream)) ?? [];
      list.push(JSON.parse(new TextDecoder().decode(decoded.payload)) as TerminalOutput);
      this.messages.set(String(decoded.stream), list);
      if (this.acknowledge) queueMicrotask(() => hub.ack(id, decoded.stream, decoded.payload.byteLength));
    });
  }
  /** Everything the stream showed, replay and data. */
  text(stream: string): string {
    return (this.messages.get(stream) ?? []).map((m) => (m.t === 'exit' ? '' : m.data)).join('');
  }
  exit(stream: string): TerminalSession | undefined {
    const last = this.messages.get(stream)?.find((m) => m.t === 'exit');
    return last?.t === 'exit' ? last.session : undefined;
  }
}

/** Whether `pid` runs (a zombie no reaper has collected does not). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2].startsWith('Z');
  } catch {
    return false;
  }
};

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function setup(options: { connections?: Partial<ConnectionService>; environment?: NodeJS.ProcessEnv } = {}) {
  const db = new Database(':memory:');
  migrate(db, migrations);
  const log = createLogger();
  const events = new EventHub(log, { batchMs: 1 });
  const audit = createAuditService(db, events, log);
  const streams = new StreamHub(log);
  const tempDir = madeTempDir('terminal-area-');
  const area = createTerminalArea({
    connections: { list: () => [], kubeconfigOf: () => KUBECONFIG, ...options.connections } as ConnectionService,
    access: {} as KubeAccess,
    audit,
    hub: events,
    streams,
    db,
    log,
    environment: options.environment ?? { PATH: process.env.PATH, HOME: process.env.HOME, SHELL: '/bin/sh' },
    tempDir,
  });
  areas.push(area);
  const ctx = (session: string): CallContext => ({ transport: 'test', actor: 'oncall@laptop', session });
  const call = async <T>(method: string, params: unknown, session = 'w1'): Promise<T> => {
    const result = await dispatch(area.handlers as unknown as Handlers, method, params, ctx(session), log);
    if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
    return result.value as T;
  };
  const open = (target: Record<string, unknown> = { kind: 'local' }) => call<TerminalSession>('terminal.open', { target, size: { cols: 80, rows: 24 } });
  const attach = (id: string, session = 'w1') => call<{ stream: string; session: TerminalSession }>('terminal.attach', { id }, session);
  const type = (id: string, data: string) => call('terminal.input', { id, data });
  return { area, db, audit, streams, tempDir, call, open, attach, type };
}

describe('terminal area: local shells in the pty host', () => {
  it('runs a shell, echoes what is typed, and reports the exit code when it ends', async () => {
    const t = setup();
    const w = new Window(t.streams, 'w1');
    const session = await t.open({ kind: 'local', shell: '/bin/sh' });
    expect(session).toMatchObject({ kind: 'local', title: 'sh', state: 'running' });
    const { stream } = await t.attach(session.id);
    await t.type(session.id, 'echo "hello from $TERM_PROGRAM"\r');
    await until('the echo', () => w.text(stream).includes('hello from Pilothouse'));
    await t.type(session.id, 'exit 7\r');
    const exit = await until('the exit', () => w.exit(stream));
    expect(exit).toMatchObject({ state: 'exited', exitCode: 7 });
    expect(w.ends.get(stream)).toMatchObject({ t: 'streamEnd' });
    expect(w.ends.get(stream)).not.toHaveProperty('error');
    await expect(t.type(session.id, 'ls\r')).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('binds KUBECONFIG to a private file holding the connection, removed when the shell ends', async () => {
    const t = setup({ connections: { list: () => [connection('k1', 'kubernetes', 'bed')] } });
    const w = new Window(t.streams, 'w1');
    const session = await t.open({ kind: 'local', shell: '/bin/sh', connectionId: 'k1' });
    expect(session).toMatchObject({ connectionId: 'k1', connectionName: 'bed' });
    const { stream } = await t.attach(session.id);
    await t.type(session.id, 'echo "KC=$KUBECONFIG="; echo "CONN=$PILOTHOUSE_CONNECTION="\r');
    const file = await until('the kubeconfig path', () => /KC=(\/[^=\r\n]+)=/.exec(w.text(stream))?.[1]);
    expect(w.text(stream)).toContain('CONN=bed=');
    expect(file.startsWith(t.tempDir)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(KUBECONFIG);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await t.type(session.id, 'exit\r');
    await until('the exit', () => w.exit(stream));
    await until('the private kubeconfig to go', () => !existsSync(file));
  });

  it('refuses to bind a terminal to a connection that gives a shell nothing (a Prometheus endpoint)', async () => {
    const t = setup({ connections: { list: () => [connection('p1', 'prometheus', 'metrics')] } });
    await expect(t.open({ kind: 'local', shell: '/bin/sh', connectionId: 'p1' })).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('"metrics" is neither a cluster nor an AWS account') });
  });

  it('gives an AWS connection its credentials and region, and drops the profile variables that would point elsewhere', async () => {
    const credentials = async () => ({ accessKeyId: 'AKIATEST', secretAccessKey: 'secret-value', sessionToken: 'token-value' });
    const t = setup({
      connections: { list: () => [connection('a1', 'aws', 'billing')], awsAccessOf: () => ({ credentials, region: 'eu-west-1', endpoint: 'http://127.0.0.1:5000' }) },
      environment: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_PROFILE: 'someone-else', AWS_ENDPOINT_URL_S3: 'http://elsewhere', AWS_SHARED_CREDENTIALS_FILE: '/x', NODE_CHANNEL_FD: '3', ELECTRON_RUN_AS_NODE: '1' },
    });
    const w = new Window(t.streams, 'w1');
    const session = await t.open({ kind: 'local', shell: '/bin/sh', connectionId: 'a1' });
    const { stream } = await t.attach(session.id);
    await t.type(session.id, 'echo "[$AWS_ACCESS_KEY_ID|$AWS_SESSION_TOKEN|$AWS_REGION|$AWS_ENDPOINT_URL|$AWS_PROFILE|$AWS_ENDPOINT_URL_S3|$AWS_SHARED_CREDENTIALS_FILE|$NODE_CHANNEL_FD|$ELECTRON_RUN_AS_NODE]"\r');
    await until('the variables', () => w.text(stream).includes('[AKIATEST|token-value|eu-west-1|http://127.0.0.1:5000|||||]'));
  });

  it('refuses a shell or a working directory that does not exist, saying which', async () => {
    const t = setup();
    await expect(t.open({ kind: 'local', shell: '/no/such/shell' })).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('/no/such/shell') });
    await expect(t.open({ kind: 'local', shell: '/bin/sh', cwd: '/no/such/dir' })).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('/no/such/dir') });
    await expect(t.open({ kind: 'local', shell: '/etc' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(t.open({ kind: 'local', shell: 'relative/sh' })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await t.call('terminal.list', {})).toEqual([]);
  });

  it('starts in the chosen directory, and keeps settings that name a shell and a directory that exist', async () => {
    const t = setup();
    const dir = join(t.tempDir, 'work');
    mkdirSync(dir);
    await expect(t.call('terminal.saveSettings', { shell: '/no/shell', fontSize: 14, scrollback: 1000 })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await t.call('terminal.saveSettings', { shell: '/bin/sh', cwd: dir, fontSize: 15, scrollback: 2000 })).toEqual({
      settings: { shell: '/bin/sh', cwd: dir, fontSize: 15, scrollback: 2000 },
      defaultShell: '/bin/sh',
    });
    const w = new Window(t.streams, 'w1');
    const session = await t.open();
    const { stream } = await t.attach(session.id);
    await t.type(session.id, 'echo "PWD=$(pwd)="\r');
    await until('the directory', () => w.text(stream).includes(`PWD=${dir}=`));
  });

  it('keeps a session running when its window goes, and replays its recent output to the next window', async () => {
    const t = setup();
    const first = new Window(t.streams, 'w1');
    const session = await t.open({ kind: 'local', shell: '/bin/sh' });
    const attached = await t.attach(session.id);
    await t.type(session.id, 'echo before-reload\r');
    await until('the first echo', () => first.text(attached.stream).includes('before-reload'));
    t.streams.detach('w1');
    t.area.endSession('w1');
    await t.type(session.id, 'echo while-away\r');
    await new Promise((r) => setTimeout(r, 300));
    const second = new Window(t.streams, 'w2');
    const again = await t.attach(session.id, 'w2');
    expect(again.session).toMatchObject({ state: 'running', attached: true });
    const replay = second.messages.get(again.stream)?.[0];
    expect(replay?.t).toBe('replay');
    expect(replay && 'data' in replay ? replay.data : '').toMatch(/before-reload[\s\S]*while-away/);
  });

  it('moves a session to the window that attaches last; the first is told why its stream ended', async () => {
    const t = setup();
    const a = new Window(t.streams, 'wa');
    const b = new Window(t.streams, 'wb');
    const session = await t.open({ kind: 'local', shell: '/bin/sh' });
    const first = await t.attach(session.id, 'wa');
    const second = await t.attach(session.id, 'wb');
    expect(a.ends.get(first.stream)).toMatchObject({ error: { code: 'CONFLICT' } });
    await t.type(session.id, 'echo only-b\r');
    await until('the echo in b', () => b.text(second.stream).includes('only-b'));
    expect(a.text(first.stream)).not.toContain('only-b');
  });

  it('holds the shell back while the window does not acknowledge, and lets it go on once it does', async () => {
    const t = setup();
    const w = new Window(t.streams, 'w1', false);
    const session = await t.open({ kind: 'local', shell: '/bin/sh' });
    const { stream } = await t.attach(session.id);
    await t.type(session.id, 'yes flood-line-with-some-length\r');
    await new Promise((r) => setTimeout(r, 1_500));
    const sent = () => t.streams.unacknowledged('w1', stream) ?? 0;
    const held = sent();
    // Paused at the high-water mark (512 KiB) plus the batches in flight (256 Ki characters each): nowhere near what `yes` writes in 1.5 s.
    expect(held).toBeGreaterThan(512 * 1024);
    expect(held).toBeLessThan(2_000_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(sent() - held).toBeLessThan(600_000);
    t.streams.ack('w1', Number(stream), held);
    await until('output to flow again', () => sent() > 100_000 && w.messages.get(stream)!.length > 0);
    await t.type(session.id, '\x03');
    await t.call('terminal.close', { id: session.id });
  });

  it('lets the output flow again when another window takes over a session its first window had held back', async () => {
    const t = setup();
    new Window(t.streams, 'slow', false);
    const fast = new Window(t.streams, 'fast');
    const session = await t.open({ kind: 'local', shell: '/bin/sh' });
    await t.attach(session.id, 'slow');
    await t.type(session.id, 'yes held-back-line | head -c 3000000; echo "flood-over-$((1+1))"\r');
    await new Promise((r) => setTimeout(r, 800));
    const { stream } = await t.attach(session.id, 'fast');
    await until('the flood to end in the new window', () => fast.text(stream).includes('flood-over-2'), 20_000);
  });

  it('delivers the last output of a shell that exits while its window is behind', async () => {
    const t = setup();
    const w = new Window(t.streams, 'w1', false);
    const session = await t.open({ kind: 'local', shell: '/bin/sh' });
    const { stream } = await t.attach(session.id);
    // More than the high-water mark (the stream pauses the pty), then, once paused, a tail small enough for the kernel's pty buffer and the exit.
    await t.type(session.id, 'yes filler-line | head -c 700000; sleep 0.5; seq 1 3000; echo "the-reason-$((6*7))"; exit 3\r');
    await new Promise((r) => setTimeout(r, 1_500));
    // The window catches up only now, long after the shell has gone.
    const acknowledged = new Set<number>();
    const catchUp = () => {
      const sent = t.streams.unacknowledged('w1', stream) ?? 0;
      if (sent > 0) t.streams.ack('w1', Number(stream), sent);
      acknowledged.add(sent);
    };
    const exit = await until('the exit', () => (catchUp(), w.exit(stream)), 20_000);
    expect(exit).toMatchObject({ state: 'exited', exitCode: 3 });
    expect(w.text(stream)).toContain('the-reason-42');
  });

  it('delivers every line a shell prints just before it exits', async () => {
    // Linux ends reads of a pty whose terminal end the last process closed while the last few KiB may still be on their way: without the pty host holding that end open, about one shell in four lost its tail here.
    const t = setup();
    const w = new Window(t.streams, 'w1');
    const runs = await Promise.all(
      Array.from({ length: 16 }, async (_, n) => {
        const session = await t.open({ kind: 'local', shell: '/bin/sh' });
        const { stream } = await t.attach(session.id);
        await t.type(session.id, `seq 1 4000; echo "last-line-$((${n}+1000))"; exit 0\r`);
        return { stream, n };
      }),
    );
    for (const { stream } of runs) await until('the exit', () => w.exit(stream), 20_000);
    const lost = runs.filter(({ stream, n }) => !w.text(stream).includes(`last-line-${n + 1000}`)).map(({ n }) => n);
    expect(lost).toEqual([]);
  });

  it('gives no shell a handle on another shell’s terminal', async () => {
    const t = setup();
    const first = await t.open({ kind: 'local', shell: '/bin/sh' });
    const w = new Window(t.streams, 'w1');
    const second = await t.open({ kind: 'local', shell: '/bin/sh' });
    const { stream } = await t.attach(second.id);
    // Neither end of another pty: no pty master, and no terminal but its own.
    await t.type(second.id, 'own=$(tty); for f in /proc/$$/fd/*; do readlink "$f"; done | grep -E "ptmx|^/dev/pts/" | grep -c -v -x "$own" | sed "s/^/foreign-handles=/"\r');
    await until('the count', () => /foreign-handles=\d/.test(w.text(stream)));
    expect(w.text(stream)).toContain('foreign-handles=0');
    expect(first.state).toBe('running');
  });

  it('refuses to type a command whose control characters would edit it into another as it is typed', async () => {
    const t = setup();
    const w = new Window(t.streams, 'w1');
    const session = await t.open({ kind: 'local', shell: '/bin/sh' });
    const { stream } = await t.attach(session.id);
    await expect(t.call('terminal.run', { id: session.id, command: 'echo safe # rm\x17\x17echo forged-$((1+1))' })).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('U+0017') });
    await t.type(session.id, 'echo "after-$((2+2))"\r');
    await until('the next command', () => w.text(stream).includes('after-4'));
    expect(w.text(stream)).not.toContain('forged-2');
  });

  it('audits every character of a command it runs for a runbook', async () => {
    const t = setup();
    new Window(t.streams, 'w1');
    const session = await t.open({ kind: 'local', shell: '/bin/sh' });
    const command = `echo ${'x'.repeat(3000)} && echo tail-that-matters`;
    await t.call('terminal.run', { id: session.id, command, runbook: { id: 'rb-1', title: 'Restart' } });
    const entry = t.audit.list({ limit: 5 }).entries.find((e) => e.action === 'terminal.run');
    expect(entry?.detail).toBe(`from runbook "Restart": ${command}`);
  });

  it('keeps UTF-8 characters whole however the output is cut', async () => {
    const t = setup();
    const w = new Window(t.streams, 'w1');
    const session = await t.open({ kind: 'local', shell: '/bin/sh' });
    const { stream } = await t.attach(session.id);
    // 4-byte, 3-byte and 2-byte characters, 40,000 of each line: output is read in chunks that fall inside characters.
    await t.type(session.id, `i=0; while [ $i -lt 400 ]; do printf '🚀€é🚀€é🚀€é🚀€é🚀€é🚀€é🚀€é🚀€é🚀€é🚀€é\\n'; i=$((i+1)); done; echo "done-$((1+1))-utf8"\r`);
    // The marker as the shell prints it, not as the typed command echoes it.
    await until('the end marker', () => w.text(stream).includes('done-2-utf8'), 20_000);
    const text = w.text(stream);
    expect(text).not.toContain('\uFFFD');
    expect(text.match(/🚀€é/g)!.length).toBeGreaterThanOrEqual(4000);
  });

  it('ends what a shell left running in its session, even a shell that ignores the hang-up', async () => {
    const t = setup();
    const w = new Window(t.streams, 'w1');
    const session = await t.open({ kind: 'local', shell: '/bin/sh' });
    const { stream } = await t.attach(session.id);
    await t.type(session.id, `trap '' HUP; sleep 600 & echo "job=$!="; echo "shell=$$="\r`);
    const job = Number(await until('the job', () => /job=(\d+)=/.exec(w.text(stream))?.[1]));
    const shell = Number(await until('the shell', () => /shell=(\d+)=/.exec(w.text(stream))?.[1]));
    await t.call('terminal.close', { id: session.id });
    await until('the shell and its job to end', () => !alive(shell) && !alive(job), 10_000);
  });

  it('hangs up on every shell when the area closes: no shell outlives the app', async () => {
    const t = setup();
    new Window(t.streams, 'w1');
    const a = await t.open({ kind: 'local', shell: '/bin/sh' });
    const b = await t.open({ kind: 'local', shell: '/bin/sh' });
    await t.attach(a.id);
    const pids: number[] = [];
    const w = new Window(t.streams, 'w2');
    const { stream } = await t.attach(b.id, 'w2');
    await t.type(b.id, 'echo "PID=$$="\r');
    pids.push(Number(await until('the pid', () => /PID=(\d+)=/.exec(w.text(stream))?.[1])));
    const host = t.area.ptyHost.pid!;
    await areas.splice(0)[0].close();
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2].startsWith('Z');
      } catch {
        return false;
      }
    };
    await until('the shell and the host to end', () => !alive(pids[0]) && !alive(host));
  });
});

describe('terminal area: when a process dies', () => {

  it('fails the sessions of a pty host that dies, saying so, and starts a new host for the next terminal', async () => {
    const t = setup();
    const w = new Window(t.streams, 'w1');
    const session = await t.open({ kind: 'local', shell: '/bin/sh' });
    const { stream } = await t.attach(session.id);
    process.kill(t.area.ptyHost.pid!, 'SIGKILL');
    const exit = await until('the failure', () => w.exit(stream));
    expect(exit).toMatchObject({ state: 'failed', error: expect.stringContaining('terminal host process stopped') });
    const next = await t.open({ kind: 'local', shell: '/bin/sh' });
    expect(next.state).toBe('running');
  });

  it('hangs up on its shells when the services process is killed outright', async () => {
    const host = join(import.meta.dirname, 'ptyHostClient.ts');
    const script = `
      import { PtyHost } from ${JSON.stringify(host)};
      const log = { error() {}, warn() {}, info() {}, debug() {} };
      const pty = new PtyHost(log);
      const handle = pty.spawn('t1', { file: '/bin/sh', args: ['-c', 'sleep 600'], cwd: '/', env: { PATH: process.env.PATH }, cols: 80, rows: 24 }, { data() {}, exit() {}, failed() {} });
      handle.started.then((pid) => console.log(JSON.stringify({ shell: pid, host: pty.pid })));
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const pids = await until('the shell to start', () => (out.includes('}') ? (JSON.parse(out) as { shell: number; host: number }) : undefined), 20_000);
    expect(alive(pids.shell)).toBe(true);
    child.kill('SIGKILL');
    await until('the shell and the pty host to end', () => !alive(pids.shell) && !alive(pids.host), 10_000);
  });
});

describe('shellEnvironment', () => {
  it("drops the services' private variables, sets the terminal's, and lets the binding win", () => {
    const env = shellEnvironment({ PATH: '/bin', NODE_CHANNEL_FD: '3', ELECTRON_RUN_AS_NODE: '1', KUBECONFIG: '/home/me/.kube/config', AWS_PROFILE: 'x' }, { KUBECONFIG: '/tmp/p/kubeconfig' }, /^AWS_PROFILE$/);
    expect(env).toEqual({ PATH: '/bin', KUBECONFIG: '/tmp/p/kubeconfig', TERM: 'xterm-256color', COLORTERM: 'truecolor', TERM_PROGRAM: 'Pilothouse' });
  });
});

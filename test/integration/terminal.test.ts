/**
 * Terminals against the real test bed, through the contract: a local shell
 * bound to the primary cluster runs the bed's kubectl and sees its kwok
 * nodes; a shell in a kwok pod runs through the exec subresource (kwok runs
 * it on this machine, with a real TTY), resizes, and reports its exit code.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TerminalOutput, TerminalSession } from '../../shared/contract';
import { decodeStreamFrame, type ServerMessage } from '../../shared/wire';
import type { Services } from '../../electron/services/app/createServices';
import { contractClient, until } from '../support/contract';
import { importKubeconfigAndWait, servicesWithCluster } from '../support/services';
import { KWOK_TOLERATION } from '../testbed';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);
const RUN = Date.now().toString(36);
const NS = `ph-it-terminal-${RUN}`;
const WINDOW = 'it-window';

let services: Services;
let connectionId = '';
let restrictedId = '';
const { call, failure } = contractClient(() => services, { actor: 'it', session: WINDOW });

const kubectl = async (...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;

/** What the window's streams received. */
const received = new Map<string, TerminalOutput[]>();
const ends = new Map<string, ServerMessage>();
const text = (stream: string) => (received.get(stream) ?? []).map((m) => (m.t === 'exit' ? '' : m.data)).join('');
const exitOf = (stream: string) => {
  const exit = received.get(stream)?.find((m) => m.t === 'exit');
  return exit?.t === 'exit' ? exit.session : undefined;
};

async function attach(id: string): Promise<string> {
  const { stream } = await call('terminal.attach', { id });
  return stream;
}

beforeAll(async () => {
  ({ services, connectionId } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary-admin'));
  services.streams.attach(WINDOW, (frame) => {
    if (typeof frame === 'string') {
      const end = JSON.parse(frame) as Extract<ServerMessage, { t: 'streamEnd' }>;
      ends.set(String(end.stream), end);
      return;
    }
    const decoded = decodeStreamFrame(frame)!;
    const list = received.get(String(decoded.stream)) ?? [];
    list.push(JSON.parse(new TextDecoder().decode(decoded.payload)) as TerminalOutput);
    received.set(String(decoded.stream), list);
    queueMicrotask(() => services.streams.ack(WINDOW, decoded.stream, decoded.payload.byteLength));
  });
  const path = primary.kubeconfigs.restricted;
  const [context] = (await services.connections.previewKubeconfig({ kind: 'path', path })).contexts;
  const { imported } = await importKubeconfigAndWait(services, { kind: 'path', path }, [{ contextName: context.contextName, name: 'primary-restricted', onConflict: 'replace' }], 'it');
  restrictedId = imported[0].id;

  await kubectl('create', 'namespace', NS);
  await until('the default ServiceAccount', () => kubectl('get', 'serviceaccount', 'default', '-n', NS).then(() => true, () => false));
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'shell-target', namespace: NS },
    spec: { tolerations: [KWOK_TOLERATION], containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }, { name: 'sidecar', image: 'registry.k8s.io/pause:3.10' }] },
  };
  await new Promise<void>((resolve, reject) => {
    const child = spawn(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, 'apply', '-f', '-']);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kubectl apply exited ${code}`))));
    child.stdin.end(JSON.stringify(pod));
  });
  await until('the pod running', async () => (await kubectl('get', 'pod', 'shell-target', '-n', NS, '-o', 'jsonpath={.status.phase}')) === 'Running');
}, 120_000);

afterAll(async () => {
  await services?.close();
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('a local terminal bound to a connection', () => {
  it("runs kubectl against the connection's cluster alone and sees its kwok nodes; the private kubeconfig goes with the shell", async () => {
    const session = await call('terminal.open', { target: { kind: 'local', shell: '/bin/sh', connectionId }, size: { cols: 200, rows: 50 } });
    expect(session).toMatchObject({ state: 'running', connectionId, connectionName: 'primary-admin' });
    const stream = await attach(session.id);
    await call('terminal.input', { id: session.id, data: `"${bed.kubectl}" get nodes -o name; "${bed.kubectl}" config get-contexts -o name | wc -l | sed 's/^ */contexts=/'; echo "file=$KUBECONFIG="\r` });
    const expected = (await kubectl('get', 'nodes', '-o', 'name')).trim().split('\n');
    expect(expected.length).toBeGreaterThan(3);
    await until('every kwok node listed', () => expected.every((node) => text(stream).includes(node)) && text(stream).includes('contexts=1'));
    // The path is printed last, and may come in a later message than the nodes.
    const file = await until('the private kubeconfig path', () => /file=(\/[^=\r\n]+)=/.exec(text(stream))?.[1]);
    expect(existsSync(file)).toBe(true);
    await call('terminal.input', { id: session.id, data: 'exit 0\r' });
    expect(await until('the exit', () => exitOf(stream))).toMatchObject({ state: 'exited', exitCode: 0 });
    await until('the private kubeconfig removed', () => !existsSync(file));
  });
});

describe('a shell in a container (exec)', () => {
  let session: TerminalSession;
  let stream = '';

  it('starts a shell in the chosen container with a TTY, audited', async () => {
    session = await call('terminal.open', { target: { kind: 'exec', connectionId, namespace: NS, pod: 'shell-target', container: 'sidecar' }, size: { cols: 100, rows: 30 } });
    expect(session).toMatchObject({ kind: 'exec', title: 'shell-target/sidecar', state: 'running', container: { namespace: NS, pod: 'shell-target', container: 'sidecar' } });
    stream = await attach(session.id);
    await call('terminal.input', { id: session.id, data: 'echo "answer=$((6*7))"; test -t 0 && echo tty=yes\r' });
    await until('the answer from inside', () => text(stream).includes('answer=42') && text(stream).includes('tty=yes'));
    const entry = services.audit.list({ limit: 50 }).entries.find((e) => e.action === 'terminal.exec' && e.target.includes('shell-target'));
    expect(entry).toMatchObject({ actor: 'it', status: 'succeeded', connectionName: 'primary-admin', target: `pod/shell-target (sidecar) in ${NS}` });
  });

  it('resizes the remote TTY', async () => {
    await call('terminal.resize', { id: session.id, size: { cols: 133, rows: 41 } });
    await until('the new size inside', async () => {
      await call('terminal.input', { id: session.id, data: 'stty size\r' });
      await new Promise((r) => setTimeout(r, 200));
      return text(stream).includes('41 133');
    });
  });

  it('reports the exit code the kubelet sends', async () => {
    await call('terminal.input', { id: session.id, data: 'exit 3\r' });
    const exit = await until('the exit', () => exitOf(stream));
    expect(exit).toMatchObject({ state: 'exited', exitCode: 3 });
  });

  it('says why when the pod, the container or the right to exec is missing', async () => {
    const open = (target: object, size = { cols: 80, rows: 24 }) => failure('terminal.open', { target: target as never, size });
    expect(await open({ kind: 'exec', connectionId, namespace: NS, pod: 'no-such-pod', container: 'app' })).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no-such-pod') });
    expect(await open({ kind: 'exec', connectionId, namespace: NS, pod: 'shell-target', container: 'nope' })).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('nope') });
    expect(await open({ kind: 'exec', connectionId: restrictedId, namespace: NS, pod: 'shell-target', container: 'app' })).toMatchObject({ code: 'FORBIDDEN' });
    const failed = services.audit.list({ limit: 50 }).entries.filter((e) => e.action === 'terminal.exec' && e.status === 'failed');
    expect(failed.length).toBeGreaterThanOrEqual(3);
    // Failed starts leave no session behind.
    expect((await call('terminal.list', {})).filter((s) => s.state === 'starting')).toEqual([]);
  });
});

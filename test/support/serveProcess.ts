/**
 * Browser mode as its own process, run from source with tsx (no build): what
 * `npm run serve` starts. Tests that must see whether the process survives,
 * or how it exits, use this rather than an in-process server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { madeTempDir } from './tempDirs';

const root = resolve(import.meta.dirname, '../..');
const entry = join(root, 'electron/server/index.ts');

/** A running `electron/server/index.ts`. */
export interface ServeProcess {
  /** The printed URL, launch token included. */
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Rejects with the output once the process has exited, so a test can race it against a call. */
  exited: Promise<never>;
  stop(): Promise<void>;
}

function spawnServe(args: string[], home: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Starts browser mode with `args` (a fresh `--data-dir` unless given); resolves once it prints its URL. */
export function startServe(args: string[] = []): Promise<ServeProcess> {
  const home = madeTempDir('ph-serve-home-');
  const given = args.indexOf('--data-dir');
  const dataDir = given >= 0 ? args[given + 1] : join(home, 'data');
  const child = spawnServe(['--port', '0', ...(given >= 0 ? args : [...args, '--data-dir', dataDir])], home);
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`browser mode exited (${signal ?? code}):\n${out}`))));
  exited.catch(() => undefined);
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser mode did not start in 30 s:\n${out}`)), 30_000);
    exited.catch((err: unknown) => {
      clearTimeout(timer);
      reject(err);
    });
    const onData = () => {
      const match = /running at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolvePromise({
        url: match[1],
        port: Number(match[2]),
        dataDir,
        process: child,
        output: () => out,
        exited,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout?.on('data', onData);
  });
}

/** Runs browser mode with `args` until it exits by itself (e.g. refusing them); `--data-dir` is the caller's. */
export function runServeToExit(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const home = madeTempDir('ph-serve-home-');
  const child = spawnServe(args, home);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`browser mode was still running after ${timeoutMs / 1000} s:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

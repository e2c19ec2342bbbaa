/**
 * Browser mode (`npm run serve`): the same services as the desktop app, in a
 * process of their own, and this process serving the built UI on 127.0.0.1
 * behind a per-launch token and relaying each WebSocket to them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { forkServices, servicesEntry } from '../host/forkedServices';
import { ServicesHost } from '../host/servicesHost';
import { defaultDataDir, makePrivateDir } from '../services/app/dataDir';
import { createLogger } from '../services/logging/logger';
import { startBrowserServer } from './browserServer';

const here = import.meta.dirname;

/** A mistake on the command line: said in one line, exit code 2, as command-line tools do. */
class UsageError extends Error {}

/** The options, each with what its value must be. */
const valueOptions = new Map([
  ['--port', 'a port number from 0 to 65535 (0 picks a free port)'],
  ['--data-dir', 'a directory'],
  ['--renderer-dir', 'a directory'],
]);
const USAGE = 'Usage: npm run serve -- [--port N] [--data-dir DIR]';

/** Reads `--port N --data-dir DIR --renderer-dir DIR`; throws a {@link UsageError} naming what is wrong. */
function readOptions(argv: string[]): { port: number; dataDir?: string; rendererDir?: string } {
  // "--port -1" goes on as "--port=-1", to the checks below: parseArgs would call it ambiguous, in three lines.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const needs = valueOptions.get(argv[i]);
    if (needs === undefined) {
      args.push(argv[i]);
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${argv[i]} needs ${needs}. ${USAGE}`);
    args.push(`${argv[i]}=${value}`);
    i++;
  }
  let values: { port?: string; 'data-dir'?: string; 'renderer-dir'?: string };
  try {
    ({ values } = parseArgs({ args, options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, 'renderer-dir': { type: 'string' } } }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\s*\n\s*/g, ' ').replace(/\.?$/, '.')} ${USAGE}`);
  }
  const port = values.port ?? '0';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) {
    throw new UsageError(`--port must be a whole number from 0 to 65535 (0 picks a free port), not ${JSON.stringify(port)}.`);
  }
  if (values['data-dir'] === '') throw new UsageError(`--data-dir needs ${valueOptions.get('--data-dir')}.`);
  if (values['renderer-dir'] === '') throw new UsageError(`--renderer-dir needs ${valueOptions.get('--renderer-dir')}.`);
  return { port: Number(port), dataDir: values['data-dir'], rendererDir: values['renderer-dir'] };
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const dataDir = options.dataDir ?? defaultDataDir();
  // Before anything is written there: a directory that can't be made private is refused with the chmod that fixes it.
  makePrivateDir(dataDir);
  const version = (JSON.parse(readFileSync(join(here, '../../package.json'), 'utf8')) as { version: string }).version;
  const logger = createLogger({ file: join(dataDir, 'logs', 'pilothouse.log'), stderr: false });
  const entry = servicesEntry(here);
  const host = new ServicesHost({
    spawn: () => forkServices(entry),
    config: { mode: 'browser', version, dataDir, secrets: { kind: 'keyFile', file: join(dataDir, 'secret.key') }, nativeFileDialog: false },
    log: (message, fields) => logger.warn(message, fields),
    // Nothing can be served without the services: say why where serve was started, and stop.
    onGiveUp: (message) => {
      process.stderr.write(`Pilothouse stopped: ${message}\n`);
      process.exit(1);
    },
  });
  await host.start();
  const server = await startBrowserServer({
    sessions: host,
    log: logger,
    rendererDir: options.rendererDir ?? join(here, '../renderer'),
    port: options.port,
  });
  logger.info('browser mode started', { port: server.port });
  // The first line is read by scripts and tests; the token makes it a secret for this launch only.
  process.stdout.write(`Pilothouse is running at ${server.url}\n`);
  process.stdout.write(`Data: ${dataDir}. Press Ctrl+C to stop.\n`);
  const stop = async () => {
    await server.close();
    await host.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`Pilothouse could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof UsageError ? 2 : 1);
});

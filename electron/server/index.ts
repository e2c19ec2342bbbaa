/**
 * Browser mode (`npm run serve`): the same services as the desktop app, in
 * plain Node, serving the built UI on 127.0.0.1 behind a per-launch token.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createServices } from '../services/app/createServices';
import { defaultDataDir } from '../services/app/dataDir';
import { createLogger } from '../services/logging/logger';
import { AesGcmSecretBox } from '../services/secrets/aesGcmSecretBox';
import { startBrowserServer } from './browserServer';

const here = import.meta.dirname;
const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string', default: '0' },
    'renderer-dir': { type: 'string' },
  },
});

async function main(): Promise<void> {
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const version = (JSON.parse(readFileSync(join(here, '../../package.json'), 'utf8')) as { version: string }).version;
  const logger = createLogger({ file: join(dataDir, 'logs', 'pilothouse.log'), stderr: false });
  const services = createServices({
    mode: 'browser',
    version,
    dataDir,
    secretBox: AesGcmSecretBox.fromKeyFile(join(dataDir, 'secret.key')),
    logger,
  });
  const server = await startBrowserServer({
    services,
    rendererDir: values['renderer-dir'] ?? join(here, '../renderer'),
    port: Number(values.port),
  });
  logger.info('browser mode started', { port: server.port });
  // The first line is read by scripts and tests; the token makes it a secret for this launch only.
  process.stdout.write(`Pilothouse is running at ${server.url}\n`);
  process.stdout.write(`Data: ${dataDir}. Press Ctrl+C to stop.\n`);
  const stop = async () => {
    await server.close();
    services.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`Pilothouse could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

import { appendFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makePrivateDir, makePrivateFile } from '../app/dataDir';
import { Redactor } from './redact';

/** Structured, redacting logger used by every service. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Secrets registered here are masked in every line written afterwards. */
  readonly redactor: Redactor;
}

export interface LoggerOptions {
  /** Append JSON lines here. */
  file?: string;
  /** Also write to stderr (browser mode, development). */
  stderr?: boolean;
  /** Receives every redacted line; used by tests. */
  sink?: (line: string) => void;
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  return value;
}

/** Creates a logger whose output has passed through its {@link Redactor}. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const redactor = new Redactor();
  if (options.file) {
    // Logs are redacted, but still say which clusters and accounts the user works with: the user's eyes only.
    makePrivateDir(dirname(options.file));
    makePrivateFile(options.file);
  }
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    const record: Record<string, unknown> = { at: new Date().toISOString(), level, message };
    for (const [k, v] of Object.entries(fields ?? {})) record[k] = serialise(v);
    const line = redactor.redact(JSON.stringify(record));
    if (options.file) appendFileSync(options.file, line + '\n', { mode: 0o600 });
    if (options.stderr) process.stderr.write(line + '\n');
    options.sink?.(line);
  };
  return {
    redactor,
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { MAX_IMPORT_BYTES, type AwsProfilesSource, type KubeconfigSource } from '../../../shared/contract';
import { withoutHiddenChars } from '../../../shared/hiddenChars';
import { AppError } from '../../../shared/result';
import { decodeBase64 } from './base64';
import { checkPastedText, checkSize, decodeTextFile } from '../yaml/safeYaml';
import type { KubeconfigText } from './kubeconfigParse';

/** {@link decodeTextFile} with the import limit: what every kubeconfig and AWS text goes through. */
function checkImportableFile(label: string, bytes: Uint8Array): string {
  return decodeTextFile(label, bytes, MAX_IMPORT_BYTES);
}

/** {@link checkPastedText} with the import limit. */
function checkImportableText(label: string, text: string): string {
  return checkPastedText(label, text, MAX_IMPORT_BYTES);
}

/** Where "home" and the environment come from; injected so tests never touch the real ones. */
export interface SourceEnvironment {
  home: string;
  env: Record<string, string | undefined>;
}

/** The process's own home directory and environment. */
export const processEnvironment = (): SourceEnvironment => ({ home: homedir(), env: process.env });

/** Shows a path as people write it: `~/.kube/config` rather than `/home/me/.kube/config`. */
export function displayPath(path: string, home: string): string {
  return path === home || path.startsWith(home + '/') ? '~' + path.slice(home.length) : path;
}

function expandHome(path: string, home: string): string {
  return path === '~' || path.startsWith('~/') ? join(home, path.slice(1)) : path;
}

// Longest uploaded file name kept in labels and audit targets, in characters.
const MAX_UPLOAD_NAME = 100;

/**
 * How an uploaded file is labelled in the preview, the stored connection and
 * the audit log. The browser sends the name and anything can be put there, so
 * only its base name is kept, without hidden characters, at most 100 characters.
 */
export function uploadLabel(fileName: string): string {
  const base = withoutHiddenChars(fileName.split(/[\\/]/).pop() ?? '').trim();
  if (base === '' || base === '.' || base === '..') return 'uploaded file (uploaded)';
  // By code point, so a cut never leaves half a surrogate pair; the extension survives a cut.
  const chars = [...base];
  if (chars.length <= MAX_UPLOAD_NAME) return `${base} (uploaded)`;
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 && base.length - dot <= 16 ? base.slice(dot) : '';
  return `${chars.slice(0, MAX_UPLOAD_NAME - ext.length - 1).join('')}…${ext} (uploaded)`;
}

/** Pasted or uploaded text rather than the user's own kubeconfig files: what it runs or reads must be confirmed. */
export function isUntrustedSource(source: KubeconfigSource): boolean {
  return source.kind === 'text' || source.kind === 'upload';
}

/** Reads one file with the size and text checks every import applies; refuses before reading a huge file. */
export function readImportFile(path: string, label: string): string {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new AppError('FILE_UNREADABLE', `${label} is not a regular file`);
    size = st.size;
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError('FILE_UNREADABLE', code === 'ENOENT' ? `${label} does not exist` : code === 'EACCES' ? `${label}: permission denied` : `${label} cannot be read (${code})`);
  }
  checkSize(label, size, MAX_IMPORT_BYTES);
  return checkImportableFile(label, readFileSync(path));
}

/**
 * What a kubeconfig source is called before it is read (a task's title):
 * the path as people write it, "pasted text", the upload's label, or
 * "$KUBECONFIG" for the files it lists.
 */
export function kubeconfigSourceLabel(source: KubeconfigSource, environment: SourceEnvironment): string {
  const { home } = environment;
  switch (source.kind) {
    case 'path': {
      const expanded = expandHome(source.path, home);
      return isAbsolute(expanded) ? displayPath(resolve(expanded), home) : source.path;
    }
    case 'text':
      return 'pasted text';
    case 'upload':
      return uploadLabel(source.fileName);
    case 'default':
      return displayPath(join(home, '.kube', 'config'), home);
    case 'env':
      return '$KUBECONFIG';
  }
}

/** Resolves a kubeconfig source into the texts to parse, with labels and directories for relative paths. */
export function readKubeconfigSources(source: KubeconfigSource, environment: SourceEnvironment): KubeconfigText[] {
  const { home, env } = environment;
  const one = (path: string): KubeconfigText => {
    const absolute = resolve(expandHome(path, home));
    const label = displayPath(absolute, home);
    return { label, text: readImportFile(absolute, label), dir: dirname(absolute) };
  };
  switch (source.kind) {
    case 'path':
      if (!isAbsolute(expandHome(source.path, home))) throw new AppError('VALIDATION', `Give the full path of the kubeconfig (got "${source.path.slice(0, 200)}")`);
      return [one(source.path)];
    case 'text':
      return [{ label: 'pasted text', text: checkImportableText('pasted text', source.text) }];
    case 'upload': {
      // The bytes as the file holds them, checked like a file read from a path (UTF-16, Latin-1 and NUL are refused).
      const label = uploadLabel(source.fileName);
      const bytes = decodeBase64(source.data);
      if (!bytes) throw new AppError('VALIDATION', `${label} arrived garbled (its bytes weren't sent as base64); choose the file again`);
      return [{ label, text: checkImportableFile(label, bytes) }];
    }
    case 'default':
      return [one(join(home, '.kube', 'config'))];
    case 'env': {
      // kubectl skips KUBECONFIG entries that do not exist; so do we, unless none do.
      const paths = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
      if (!paths.length) throw new AppError('FILE_UNREADABLE', 'KUBECONFIG is not set in the environment Pilothouse was started from');
      const found = paths.filter((p) => {
        try {
          return statSync(expandHome(p, home)).isFile();
        } catch {
          return false;
        }
      });
      if (!found.length) throw new AppError('FILE_UNREADABLE', `None of the ${paths.length} files in KUBECONFIG exist`);
      return found.map(one);
    }
  }
}

/** The AWS config and credentials files, as the SDK finds them. */
function awsPaths({ home, env }: SourceEnvironment): { config: string; credentials: string } {
  return {
    config: env.AWS_CONFIG_FILE ? expandHome(env.AWS_CONFIG_FILE, home) : join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE ? expandHome(env.AWS_SHARED_CREDENTIALS_FILE, home) : join(home, '.aws', 'credentials'),
  };
}

/** What an AWS profiles source is called before it is read: "~/.aws/config and ~/.aws/credentials", or "pasted text". */
export function awsSourceLabel(source: AwsProfilesSource, environment: SourceEnvironment): string {
  if (source.kind === 'text') return 'pasted text';
  const { config, credentials } = awsPaths(environment);
  return `${displayPath(config, environment.home)} and ${displayPath(credentials, environment.home)}`;
}

/** Resolves an AWS profiles source into config and credentials texts. */
export function readAwsSources(source: AwsProfilesSource, environment: SourceEnvironment): { config?: { label: string; text: string }; credentials?: { label: string; text: string } } {
  if (source.kind === 'text') {
    return {
      ...(source.config ? { config: { label: 'pasted config', text: checkImportableText('pasted config', source.config) } } : {}),
      ...(source.credentials ? { credentials: { label: 'pasted credentials', text: checkImportableText('pasted credentials', source.credentials) } } : {}),
    };
  }
  const { home } = environment;
  const read = (path: string) => {
    const label = displayPath(path, home);
    try {
      return { label, text: readImportFile(path, label) };
    } catch (err) {
      if (err instanceof AppError && err.code === 'FILE_UNREADABLE' && err.message.endsWith('does not exist')) return undefined;
      throw err;
    }
  };
  const paths = awsPaths(environment);
  const config = read(paths.config);
  const credentials = read(paths.credentials);
  if (!config && !credentials) throw new AppError('FILE_UNREADABLE', 'Neither ~/.aws/config nor ~/.aws/credentials exists');
  return { ...(config ? { config } : {}), ...(credentials ? { credentials } : {}) };
}

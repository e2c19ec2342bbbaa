import { safeStorage } from 'electron';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/result';
import type { SecretsConfig } from '../services/process/protocol';

/** The data key, sealed by the OS keychain. */
const SEALED_KEY_FILE = 'secret.key.sealed';

/**
 * How the services process seals credentials on the desktop. Where the OS
 * keychain is real, a random data key is kept sealed by it (safeStorage)
 * and handed, unsealed, to the services process over its private channel:
 * credentials are AES-256-GCM sealed with that key, and the key is never on
 * disk in clear. On Linux without a secret service safeStorage falls back to
 * a hard-coded key ("basic_text"), which protects nothing, so the AES key
 * file (mode 0600) is used instead, as in browser mode.
 */
export function desktopSecrets(userData: string): SecretsConfig {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
  if (!safeStorage.isEncryptionAvailable() || backend === 'basic_text' || backend === 'unknown') {
    return { kind: 'keyFile', file: join(userData, 'secret.key') };
  }
  const description = process.platform === 'linux' ? `AES-256-GCM, key sealed by the OS keychain (${backend})` : 'AES-256-GCM, key sealed by the OS keychain';
  return { kind: 'key', key: sealedDataKey(join(userData, SEALED_KEY_FILE)), description };
}

function sealedDataKey(file: string): Uint8Array {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  try {
    // Exclusive create: two starts racing cannot each write a key of their own.
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, safeStorage.encryptString(randomBytes(32).toString('base64')));
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  try {
    return Buffer.from(safeStorage.decryptString(readFileSync(file)), 'base64');
  } catch {
    throw new AppError('SECRETS_UNAVAILABLE', `The OS keychain could not unseal ${file} (was the keychain reset?). Move the file away and re-import your connections.`);
  }
}

import { safeStorage } from 'electron';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretsConfig } from '../services/process/protocol';

/** The data key, sealed by the OS keychain. */
export const SEALED_KEY_FILE = 'secret.key.sealed';
/** The AES key file used where the OS keychain protects nothing (and in browser mode). */
export const KEY_FILE = 'secret.key';

/**
 * How the services process seals credentials on the desktop. Where the OS
 * keychain is real, a random data key is kept sealed by it (safeStorage)
 * and handed, unsealed, to the services process over its private channel:
 * credentials are AES-256-GCM sealed with that key, which is never on disk in
 * clear. On Linux without a secret service safeStorage falls back to a
 * hard-coded key ("basic_text"), which protects nothing, so the AES key file
 * (mode 0600) is used instead, as in browser mode.
 *
 * A data dir keeps the scheme it started with (the file present says which),
 * so a keyring that is there one day and not the next never switches keys
 * under stored credentials; when the keychain cannot give the key this time,
 * the app starts without it and says why.
 */
export function desktopSecrets(userData: string): SecretsConfig {
  const keyFile = join(userData, KEY_FILE);
  const sealedFile = join(userData, SEALED_KEY_FILE);
  if (existsSync(keyFile)) return { kind: 'keyFile', file: keyFile };
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
  const keychain = safeStorage.isEncryptionAvailable() && backend !== 'basic_text' && backend !== 'unknown';
  if (!keychain) {
    if (!existsSync(sealedFile)) return { kind: 'keyFile', file: keyFile };
    return { kind: 'unavailable', reason: 'Your credentials are sealed by the OS keychain, which is not available now: unlock it (or start your desktop keyring) and restart Pilothouse.' };
  }
  const description = process.platform === 'linux' ? `AES-256-GCM, key sealed by the OS keychain (${backend})` : 'AES-256-GCM, key sealed by the OS keychain';
  try {
    return { kind: 'key', key: sealedDataKey(sealedFile), description };
  } catch {
    return {
      kind: 'unavailable',
      reason: `The OS keychain could not unseal ${sealedFile} (was the keychain reset?). Unlock it and restart Pilothouse, or move that file away and re-import your connections.`,
    };
  }
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
  const key = Buffer.from(safeStorage.decryptString(readFileSync(file)), 'base64');
  if (key.length !== 32) throw new Error('the sealed data key is damaged');
  return key;
}

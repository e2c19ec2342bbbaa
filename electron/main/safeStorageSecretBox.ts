import { safeStorage } from 'electron';
import { join } from 'node:path';
import { AppError } from '../../shared/result';
import { AesGcmSecretBox } from '../services/secrets/aesGcmSecretBox';
import type { SecretBox } from '../services/secrets/secretBox';

const MAGIC = Buffer.from('ph1s');

/** Seals with the OS keychain through Electron's safeStorage. */
class SafeStorageSecretBox implements SecretBox {
  constructor(readonly description: string) {}

  seal(plaintext: string): Buffer {
    return Buffer.concat([MAGIC, safeStorage.encryptString(plaintext)]);
  }

  open(sealed: Buffer): string {
    if (!sealed.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new AppError('SECRETS_UNAVAILABLE', 'This credential was sealed by browser mode\'s key file, not the OS keychain: re-import the connection.');
    }
    try {
      return safeStorage.decryptString(sealed.subarray(MAGIC.length));
    } catch {
      throw new AppError('SECRETS_UNAVAILABLE', 'The OS keychain could not decrypt a stored credential (was the keychain reset?): re-import the connection.');
    }
  }
}

/**
 * The OS keychain when it is real; on Linux without a secret service
 * safeStorage falls back to a hard-coded key ("basic_text"), which protects
 * nothing, so the AES key file is used instead.
 */
export function createDesktopSecretBox(userData: string): SecretBox {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
  if (safeStorage.isEncryptionAvailable() && backend !== 'basic_text' && backend !== 'unknown') {
    return new SafeStorageSecretBox(process.platform === 'linux' ? `OS keychain (${backend})` : 'OS keychain');
  }
  return AesGcmSecretBox.fromKeyFile(join(userData, 'secret.key'));
}

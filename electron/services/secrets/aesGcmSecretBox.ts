import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../../shared/result';
import { makePrivateDir } from '../app/dataDir';
import type { SecretBox } from './secretBox';

const MAGIC = Buffer.from('ph1a');
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM with a random 256-bit key kept in a file only the user can read
 * (mode 0600). Used in browser mode, where no OS keychain is reachable.
 */
export class AesGcmSecretBox implements SecretBox {
  private constructor(
    private readonly key: Buffer,
    readonly description = 'AES-256-GCM, key file readable only by you',
  ) {}

  /**
   * A box around a key the caller holds: the desktop app's data key, which
   * the main process unseals with the OS keychain and hands to the services
   * process, so the key never lies on disk in clear.
   */
  static fromKey(key: Buffer, description: string): AesGcmSecretBox {
    if (key.length !== 32) throw new AppError('SECRETS_UNAVAILABLE', 'The data key is damaged (expected 32 bytes): re-import your connections.');
    return new AesGcmSecretBox(key, description);
  }

  /** Loads the key file, creating it (exclusively, mode 0600) on first use. */
  static fromKeyFile(file: string): AesGcmSecretBox {
    makePrivateDir(dirname(file));
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, randomBytes(32));
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const mode = statSync(file).mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new AppError(
        'SECRETS_UNAVAILABLE',
        `The key file ${file} can be read by other users (mode ${mode.toString(8)}). Run "chmod 600 ${file}" and start again.`,
      );
    }
    const key = readFileSync(file);
    if (key.length !== 32) throw new AppError('SECRETS_UNAVAILABLE', `The key file ${file} is damaged (expected 32 bytes).`);
    return new AesGcmSecretBox(key);
  }

  seal(plaintext: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([MAGIC, iv, body, cipher.getAuthTag()]);
  }

  open(sealed: Buffer): string {
    if (sealed.length < MAGIC.length + IV_BYTES + TAG_BYTES || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new AppError('SECRETS_UNAVAILABLE', 'This credential was sealed by another secret store (e.g. the desktop keychain) and cannot be opened here.');
    }
    const iv = sealed.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const body = sealed.subarray(MAGIC.length + IV_BYTES, sealed.length - TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new AppError('SECRETS_UNAVAILABLE', 'A stored credential could not be decrypted: the key file changed or the data is damaged. Re-import the connection.');
    }
  }
}

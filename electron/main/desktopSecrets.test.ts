import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { madeTempDir } from '../../test/support/tempDirs';

// safeStorage, faked: "sealing" reverses the text; it can be made unavailable or unable to decrypt.
const keychain = { available: true, backend: 'gnome_libsecret', broken: false };
vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => keychain.available,
    getSelectedStorageBackend: () => keychain.backend,
    encryptString: (text: string) => Buffer.from([...text].reverse().join('')),
    decryptString: (sealed: Buffer) => {
      if (keychain.broken) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return [...sealed.toString()].reverse().join('');
    },
  },
}));

const { desktopSecrets, KEY_FILE, SEALED_KEY_FILE } = await import('./desktopSecrets');

const dir = () => madeTempDir('ph-desktop-secrets-');

beforeEach(() => Object.assign(keychain, { available: true, backend: 'gnome_libsecret', broken: false }));

describe('desktop secrets', () => {
  it('keeps a data key sealed by the keychain, the same key every start, never the key on disk in clear', () => {
    const userData = dir();
    const first = desktopSecrets(userData);
    const second = desktopSecrets(userData);
    expect(first).toMatchObject({ kind: 'key', description: expect.stringContaining('OS keychain') });
    expect(second).toEqual(first);
    expect(existsSync(join(userData, KEY_FILE))).toBe(false);
  });

  it('uses the AES key file where the keychain protects nothing, and keeps it when a keyring appears later', () => {
    const userData = dir();
    keychain.backend = 'basic_text';
    expect(desktopSecrets(userData)).toEqual({ kind: 'keyFile', file: join(userData, KEY_FILE) });
    writeFileSync(join(userData, KEY_FILE), Buffer.alloc(32));
    keychain.backend = 'gnome_libsecret';
    expect(desktopSecrets(userData)).toEqual({ kind: 'keyFile', file: join(userData, KEY_FILE) });
  });

  it('starts without secrets, saying why, when the keychain that sealed the key is gone or cannot unseal it', () => {
    const userData = dir();
    desktopSecrets(userData);
    keychain.available = false;
    expect(desktopSecrets(userData)).toMatchObject({ kind: 'unavailable', reason: expect.stringContaining('unlock it') });
    keychain.available = true;
    keychain.broken = true;
    expect(desktopSecrets(userData)).toMatchObject({ kind: 'unavailable', reason: expect.stringContaining(SEALED_KEY_FILE) });
    // Never silently replaced by a key file that would strand the sealed credentials.
    expect(existsSync(join(userData, KEY_FILE))).toBe(false);
  });
});

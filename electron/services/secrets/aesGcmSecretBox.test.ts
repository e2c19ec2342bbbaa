import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AesGcmSecretBox } from './aesGcmSecretBox';
import { madeTempDir } from '../../../test/support/tempDirs';

const dir = () => madeTempDir('ph-box-');

describe('AesGcmSecretBox', () => {
  it('round-trips and never leaves the plaintext in the sealed bytes', () => {
    const box = AesGcmSecretBox.fromKeyFile(join(dir(), 'secret.key'));
    const sealed = box.seal('token-canary-123456');
    expect(sealed.includes(Buffer.from('token-canary-123456'))).toBe(false);
    expect(box.open(sealed)).toBe('token-canary-123456');
  });

  it('creates the key file readable only by the user, and reuses it', () => {
    const file = join(dir(), 'nested', 'secret.key');
    const sealed = AesGcmSecretBox.fromKeyFile(file).seal('x');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(AesGcmSecretBox.fromKeyFile(file).open(sealed)).toBe('x');
  });

  it('refuses a key file others can read', () => {
    const file = join(dir(), 'secret.key');
    AesGcmSecretBox.fromKeyFile(file);
    chmodSync(file, 0o644);
    expect(() => AesGcmSecretBox.fromKeyFile(file)).toThrow(/chmod 600/);
  });

  it('detects tampering and a changed key with a clear error', () => {
    const d = dir();
    const box = AesGcmSecretBox.fromKeyFile(join(d, 'a.key'));
    const sealed = box.seal('hello');
    sealed[sealed.length - 20] ^= 1;
    expect(() => box.open(sealed)).toThrow(/could not be decrypted/);
    const other = AesGcmSecretBox.fromKeyFile(join(d, 'b.key'));
    expect(() => other.open(box.seal('hello'))).toThrow(/could not be decrypted/);
  });

  it('says so when a blob was sealed by another store', () => {
    const box = AesGcmSecretBox.fromKeyFile(join(dir(), 'secret.key'));
    expect(() => box.open(Buffer.from('ph1s-something-from-safeStorage'))).toThrow(/another secret store/);
  });

  it('refuses a damaged key file', () => {
    const file = join(dir(), 'secret.key');
    writeFileSync(file, 'short', { mode: 0o600 });
    expect(() => AesGcmSecretBox.fromKeyFile(file)).toThrow(/damaged/);
    expect(readFileSync(file, 'utf8')).toBe('short');
  });
});

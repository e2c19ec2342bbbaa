import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/result';
import { madeTempDir } from '../../../../test/support/tempDirs';
import { AesGcmSecretBox } from '../../secrets/aesGcmSecretBox';
import { openDatabase } from '../../store/database';
import { createDrillKeys, decryptSecret, encryptSecret, ENVELOPE_FIELD, type DrillKey } from './secretCrypto';

const VALUE = 'czNjcjN0LXZhbHVl'; // base64 of the secret value the messages must never carry
const secret = () => ({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'db', namespace: 'team-a', labels: { app: 'db' } }, data: { password: VALUE }, stringData: { user: 'admin-user' } });
const key = (): DrillKey => ({ id: 'k1', key: randomBytes(32) });

/** The error `run` throws. */
function thrown(run: () => unknown): AppError {
  try {
    run();
  } catch (err) {
    return err as AppError;
  }
  throw new Error('it did not throw');
}

describe('archive keys', () => {
  const open = () => {
    const dir = madeTempDir('ph-drillkeys-');
    const db = openDatabase({ file: join(dir, 'pilothouse.db') });
    const box = AesGcmSecretBox.fromKey(randomBytes(32), 'test key');
    return { db, box, dir };
  };

  it('makes one key on first use, keeps it sealed, and gives the same key after', () => {
    const { db, box } = open();
    const keys = createDrillKeys(db, box);
    const first = keys.current();
    expect(first.key).toHaveLength(32);
    expect(keys.current()).toEqual(first);
    expect(keys.byId(first.id)).toEqual(first);
    const row = db.prepare('SELECT sealed FROM drill_keys').all() as { sealed: Buffer }[];
    expect(row).toHaveLength(1);
    // Sealed: neither the key nor its base64 lies in the column.
    expect(row[0].sealed.includes(first.key)).toBe(false);
    expect(row[0].sealed.toString('latin1')).not.toContain(first.key.toString('base64'));
    expect(Buffer.from(box.open(row[0].sealed), 'base64')).toEqual(first.key);
  });

  it('says a key it does not hold is not in this store', () => {
    const { db, box } = open();
    const err = thrown(() => createDrillKeys(db, box).byId('gone'));
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toMatch(/the key this archive was encrypted with is not in this Pilothouse's store/i);
  });

  it('refuses a key sealed by another box', () => {
    const { db, box } = open();
    const made = createDrillKeys(db, box).current();
    const other = createDrillKeys(db, AesGcmSecretBox.fromKey(randomBytes(32), 'other'));
    expect(thrown(() => other.byId(made.id)).code).toBe('SECRETS_UNAVAILABLE');
  });
});

describe('a Secret in an archive', () => {
  it('round-trips data and stringData, with everything else readable', () => {
    const k = key();
    const sealed = encryptSecret(secret(), k);
    expect(sealed.data).toBeUndefined();
    expect(sealed.stringData).toBeUndefined();
    expect(sealed).toMatchObject({ kind: 'Secret', type: 'Opaque', metadata: { name: 'db', labels: { app: 'db' } } });
    expect(sealed[ENVELOPE_FIELD]).toMatchObject({ alg: 'AES-256-GCM', keyId: 'k1' });
    expect(JSON.stringify(sealed)).not.toContain(VALUE);
    expect(JSON.stringify(sealed)).not.toContain('admin-user');
    expect(decryptSecret(sealed, k)).toEqual(secret());
  });

  it('encrypts each time with a fresh IV', () => {
    const k = key();
    expect((encryptSecret(secret(), k)[ENVELOPE_FIELD] as { iv: string }).iv).not.toBe((encryptSecret(secret(), k)[ENVELOPE_FIELD] as { iv: string }).iv);
  });

  it('refuses changed ciphertext, a changed tag, another key, and an envelope moved to another Secret, naming the Secret but no value', () => {
    const k = key();
    const sealed = encryptSecret(secret(), k);
    const envelope = sealed[ENVELOPE_FIELD] as { ciphertext: string; tag: string };
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] ^= 1;
      return bytes.toString('base64');
    };
    const cases = [
      { ...sealed, [ENVELOPE_FIELD]: { ...envelope, ciphertext: flip(envelope.ciphertext) } },
      { ...sealed, [ENVELOPE_FIELD]: { ...envelope, tag: flip(envelope.tag) } },
      { ...sealed, metadata: { name: 'other', namespace: 'team-a' } },
    ];
    for (const tampered of cases) {
      const err = thrown(() => decryptSecret(tampered, k));
      expect(err).toBeInstanceOf(AppError);
      expect(err.code).toBe('VALIDATION');
      expect(err.message).toMatch(/^Secret team-a\/(db|other): its encrypted values do not open/);
      expect(err.message).not.toContain(VALUE);
    }
    expect(thrown(() => decryptSecret(sealed, { id: 'k1', key: randomBytes(32) })).message).toMatch(/do not open/);
    expect(thrown(() => decryptSecret(sealed, { id: 'k2', key: k.key })).message).toMatch(/encrypted with key k1, not the archive's key k2/);
    expect(thrown(() => decryptSecret({ ...sealed, [ENVELOPE_FIELD]: { alg: 'none' } }, k)).message).toMatch(/missing or malformed/);
  });
});

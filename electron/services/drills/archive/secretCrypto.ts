/**
 * The keys that encrypt Secrets in backup archives, and the envelope a
 * Secret's values travel in. Each key is 32 random bytes kept sealed by the
 * SecretBox in `drill_keys` (migration 014), like every credential; an
 * archive names its key's id, so only a Pilothouse holding that key restores
 * its Secrets. The envelope's format is documented in `docs/backup-archive.md`.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '../../../../shared/result';
import type { KubeObject } from '../../kube/model/kubeObject';
import type { SecretBox } from '../../secrets/secretBox';
import type { Database } from '../../store/database';

/** One archive key, in clear: held in memory only while a backup or drill runs. */
export interface DrillKey {
  id: string;
  key: Buffer;
}

/** The archive keys of this Pilothouse. */
export interface DrillKeys {
  /** The key new archives are encrypted with; the first call makes one (random, sealed before it is stored). */
  current(): DrillKey;
  /**
   * The key an archive names.
   *
   * @throws AppError `NOT_FOUND` when this Pilothouse does not hold it; `SECRETS_UNAVAILABLE` when it cannot be unsealed here.
   */
  byId(id: string): DrillKey;
}

const KEY_BYTES = 32;

/** {@link DrillKeys} over the `drill_keys` table, sealed by `box`. */
export function createDrillKeys(db: Database, box: SecretBox, now: () => Date = () => new Date()): DrillKeys {
  const newest = db.prepare('SELECT id, sealed FROM drill_keys ORDER BY created_at DESC, rowid DESC LIMIT 1');
  const select = db.prepare('SELECT id, sealed FROM drill_keys WHERE id = ?');
  const insert = db.prepare('INSERT INTO drill_keys (id, sealed, created_at) VALUES (?, ?, ?)');
  const unseal = (row: { id: string; sealed: Buffer }): DrillKey => {
    const key = Buffer.from(box.open(row.sealed), 'base64');
    if (key.length !== KEY_BYTES) throw new AppError('SECRETS_UNAVAILABLE', `The archive key ${row.id} in the store is damaged (not ${KEY_BYTES} bytes); archives encrypted with it cannot be restored here`);
    return { id: row.id, key };
  };
  // One transaction: two backups starting at once share the key the first made.
  const current = db.transaction((): DrillKey => {
    const row = newest.get() as { id: string; sealed: Buffer } | undefined;
    if (row) return unseal(row);
    const made = { id: randomUUID(), key: randomBytes(KEY_BYTES) };
    insert.run(made.id, box.seal(made.key.toString('base64')), now().toISOString());
    return made;
  });
  return {
    current: () => current(),
    byId(id) {
      const row = select.get(id) as { id: string; sealed: Buffer } | undefined;
      if (!row) throw new AppError('NOT_FOUND', `The key this archive was encrypted with is not in this Pilothouse's store (key ${id}): its Secrets can only be restored by the Pilothouse that made the backup`);
      return unseal(row);
    },
  };
}

/** The field of an archived Secret that holds its encrypted values, in place of `data` and `stringData`. */
export const ENVELOPE_FIELD = 'pilothouseEncrypted';

/** The cipher of every envelope. */
export const ENVELOPE_ALG = 'AES-256-GCM';

/** What {@link ENVELOPE_FIELD} holds: the Secret's `{data, stringData}` as JSON, encrypted; all binary fields base64. */
export interface SecretEnvelope {
  alg: typeof ENVELOPE_ALG;
  /** The {@link DrillKey} id. */
  keyId: string;
  /** 12 random bytes. */
  iv: string;
  /** GCM's 16-byte tag. */
  tag: string;
  ciphertext: string;
}

/** Additional authenticated data: the envelope opens only on the Secret it was made for, so two Secrets' envelopes cannot be swapped. */
const aadOf = (secret: KubeObject) => Buffer.from(`${secret.metadata?.namespace ?? ''}/${secret.metadata?.name ?? ''}`, 'utf8');

/** "Secret team-a/db", for messages. */
const labelOf = (secret: KubeObject) => `Secret ${secret.metadata?.namespace ?? ''}/${secret.metadata?.name ?? ''}`;

/**
 * The Secret as an archive holds it: `data` and `stringData` removed, and
 * their JSON encrypted with AES-256-GCM under `key` into {@link ENVELOPE_FIELD}.
 * Everything else (type, labels, annotations) stays readable.
 */
export function encryptSecret(secret: KubeObject, key: DrillKey): KubeObject {
  const { data, stringData, ...rest } = secret;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(aadOf(secret));
  const plain = JSON.stringify({ ...(data === undefined ? {} : { data }), ...(stringData === undefined ? {} : { stringData }) });
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const envelope: SecretEnvelope = { alg: ENVELOPE_ALG, keyId: key.id, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
  return { ...rest, [ENVELOPE_FIELD]: envelope };
}

/** Whether an archived object carries an envelope. */
export const isEncrypted = (object: KubeObject): boolean => object[ENVELOPE_FIELD] !== undefined;

/** The key id an archived Secret's envelope names, or undefined when it has none (or a malformed one). */
export function envelopeKeyId(object: KubeObject): string | undefined {
  const keyId = (object[ENVELOPE_FIELD] as Partial<SecretEnvelope> | undefined)?.keyId;
  return typeof keyId === 'string' ? keyId : undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The Secret with its `data`/`stringData` back, from an object {@link encryptSecret} made.
 *
 * @throws AppError `VALIDATION` when the envelope is malformed, names another key, or does not open (its ciphertext, tag,
 * or the Secret's namespace or name changed): the message names the Secret, never a value.
 */
export function decryptSecret(object: KubeObject, key: DrillKey): KubeObject {
  const label = labelOf(object);
  const { [ENVELOPE_FIELD]: raw, ...rest } = object;
  const envelope = raw as Partial<SecretEnvelope> | undefined;
  const fields = ['iv', 'tag', 'ciphertext'] as const;
  if (!envelope || typeof envelope !== 'object' || envelope.alg !== ENVELOPE_ALG || fields.some((f) => typeof envelope[f] !== 'string' || !BASE64.test(envelope[f]))) {
    throw new AppError('VALIDATION', `${label}: its encrypted values (${ENVELOPE_FIELD}) are missing or malformed, so it cannot be restored`);
  }
  if (envelope.keyId !== key.id) throw new AppError('VALIDATION', `${label} is encrypted with key ${String(envelope.keyId)}, not the archive's key ${key.id}`);
  const iv = Buffer.from(envelope.iv!, 'base64');
  const tag = Buffer.from(envelope.tag!, 'base64');
  let plain: string;
  try {
    if (iv.length !== 12 || tag.length !== 16) throw new Error('bad sizes');
    const decipher = createDecipheriv('aes-256-gcm', key.key, iv);
    decipher.setAAD(aadOf(object));
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext!, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new AppError('VALIDATION', `${label}: its encrypted values do not open with the archive's key; the file was changed after the backup (or the Secret renamed in it), so it is refused`);
  }
  let values: { data?: unknown; stringData?: unknown };
  try {
    values = JSON.parse(plain) as typeof values;
  } catch {
    throw new AppError('VALIDATION', `${label}: its decrypted values are not what Pilothouse wrote`);
  }
  return { ...rest, ...(values.data === undefined ? {} : { data: values.data }), ...(values.stringData === undefined ? {} : { stringData: values.stringData }) };
}

/**
 * Seals credentials before they reach SQLite. The desktop app gives an
 * implementation backed by Electron's safeStorage; browser mode uses
 * {@link AesGcmSecretBox}. Services only see this interface.
 */
export interface SecretBox {
  /** Shown to people: how secrets are protected. */
  readonly description: string;
  seal(plaintext: string): Buffer;
  /** Throws AppError('SECRETS_UNAVAILABLE') when the blob cannot be opened by this box. */
  open(sealed: Buffer): string;
}

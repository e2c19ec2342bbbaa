/**
 * Removes secrets from text bound for a log line or an error message: values
 * registered as secret, plus shapes that are always secret (PEM keys, bearer
 * tokens, JWTs, AWS secret keys in key=value form).
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a secret value; short values are ignored to avoid masking ordinary words. */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 8) this.secrets.add(secret);
  }

  /** Returns `text` with every known secret and secret-shaped token masked. */
  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join('«redacted»');
    return out
      .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '«redacted private key»')
      .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 «redacted»')
      .replace(/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g, '«redacted jwt»')
      .replace(
        /\b(token|password|secret|aws_secret_access_key|secretAccessKey|client-key-data|sessionToken|aws_session_token)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
        '$1$2«redacted»',
      );
  }
}

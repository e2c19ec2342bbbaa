/**
 * Removes secrets from text bound for a log line or an error message: values
 * registered as secret, plus shapes that are always secret (PEM keys, bearer
 * tokens, JWTs, AWS secret keys in key=value form).
 */
export class Redactor {
  /** Credentials of stored connections: few, and needed for as long as the app runs. */
  private readonly secrets = new Set<string>();
  /** Values people revealed, least recently revealed first; bounded, since every reveal adds some and every line is checked against all. */
  private readonly revealed = new Set<string>();

  /** @param revealedMax how many revealed values are held; the least recently revealed go first. */
  constructor(private readonly revealedMax = 1_000) {}

  /** Registers a secret value; short values are ignored to avoid masking ordinary words. */
  add(secret: string | undefined): void {
    if (isMaskable(secret)) this.secrets.add(secret);
  }

  /**
   * Registers a value a person revealed (a Secret's), masked until
   * {@link revealedMax} values revealed since push it out.
   */
  addRevealed(value: string | undefined): void {
    if (!isMaskable(value)) return;
    // Deleted and added again: a Set iterates in insertion order, so it moves to the newest end.
    this.revealed.delete(value);
    this.revealed.add(value);
    if (this.revealed.size > this.revealedMax) this.revealed.delete(this.revealed.values().next().value as string);
  }

  /** Returns `text` with every known secret and secret-shaped token masked. */
  redact(text: string): string {
    let out = text;
    for (const known of [this.secrets, this.revealed]) for (const s of known) if (out.includes(s)) out = out.split(s).join('«redacted»');
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

/** Long enough to be a secret rather than an ordinary word. */
const isMaskable = (value: string | undefined): value is string => value !== undefined && value.length >= 8;

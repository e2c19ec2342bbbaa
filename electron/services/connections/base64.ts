/**
 * Base64 as kubectl reads it: the standard alphabet, padded to a multiple of
 * four. Whitespace is allowed, since YAML block scalars wrap long values over
 * lines. Node's own decoder skips any character it doesn't know, so a broken
 * value would otherwise surface only as an OpenSSL error at Test.
 */
export function isBase64(text: string): boolean {
  const compact = text.replace(/\s+/g, '');
  return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact);
}

/** The bytes `text` encodes, or undefined when it isn't base64 by {@link isBase64}. */
export function decodeBase64(text: string): Buffer | undefined {
  return isBase64(text) ? Buffer.from(text, 'base64') : undefined;
}

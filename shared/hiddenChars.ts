/**
 * Characters that change how a name looks without showing themselves: C0 and
 * C1 controls and DEL, text-direction marks, embeddings, overrides and
 * isolates (U+200E, U+202A–U+202E, U+2066–U+2069), zero-width and other format
 * characters (U+200B, U+2060, U+FEFF…), line and paragraph separators, lone
 * surrogates, and the fillers that render as blank letters. With them a
 * connection can be named so that it looks like "prod" in the switcher and the
 * audit log (CVE-2021-42574, "Trojan Source", is the same trick in code).
 */
// U+034F, U+17B4 and U+17B5 are combining marks, so they stand outside the class.
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0]|\u034f|\u17b4|\u17b5/u;
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'gu');
const CONTROL = /\p{Cc}/u;

/** "U+202E": how a character is named in messages. */
export function codePointLabel(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first hidden character in `text`, if any. */
export function firstHiddenChar(text: string): string | undefined {
  return HIDDEN.exec(text)?.[0];
}

/**
 * Why `text` is refused, naming the character ("Names cannot contain U+202E,
 * an invisible or text-direction character"), or undefined when it has none.
 *
 * @param what the subject of the sentence: "Names", "Label keys"…
 */
export function hiddenCharProblem(what: string, text: string): string | undefined {
  const char = firstHiddenChar(text);
  if (char === undefined) return undefined;
  const kind = CONTROL.test(char) ? 'a control character' : 'an invisible or text-direction character';
  return `${what} cannot contain ${codePointLabel(char)}, ${kind}`;
}

/** `text` without its hidden characters, e.g. to suggest a name that can be stored. */
export function withoutHiddenChars(text: string): string {
  return text.replace(HIDDEN_ALL, '');
}

/** `text` with each hidden character shown as ⟨U+202E⟩, so what is displayed is what is there. */
export function showHiddenChars(text: string): string {
  return text.replace(HIDDEN_ALL, (c) => `⟨${codePointLabel(c)}⟩`);
}

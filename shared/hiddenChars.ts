/**
 * Characters that change how a name looks without showing themselves: C0 and
 * C1 controls and DEL, text-direction marks, embeddings, overrides and
 * isolates (U+200E, U+202A–U+202E, U+2066–U+2069), zero-width and other format
 * characters (U+200B, U+2060, U+FEFF…), line and paragraph separators, lone
 * surrogates, the fillers that render as blank letters, variation selectors,
 * and spaces other than the plain one. With them a
 * connection can be named so that it looks like "prod" in the switcher and the
 * audit log (CVE-2021-42574, "Trojan Source", is the same trick in code).
 */
// U+034F, U+17B4 and U+17B5 are combining marks, so they stand outside the class; so are the variation
// selectors (U+FE00–FE0F, U+E0100–E01EF) and Mongolian ones (U+180B–180D, U+180F), invisible too.
// Spaces other than U+0020 (no-break, en, ideographic…) and the braille blank pass for a space or nothing.
const HIDDEN =
  /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0\u2800\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]|\u034f|\u17b4|\u17b5|[\u180b-\u180d\u180f]|[\ufe00-\ufe0f]|[\u{e0100}-\u{e01ef}]/u;
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

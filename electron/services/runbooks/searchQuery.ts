/**
 * What a person types into the search box, turned into an FTS5 query that
 * can only mean "these words": each word a prefix match, "quoted phrases"
 * kept as phrases, everything else (NEAR, column filters, `*`, `^`, `-`,
 * parentheses, a quote left open) read as plain text. And the marked text
 * FTS5's `snippet()` and `highlight()` return, split into display segments.
 */
import type { Highlighted } from '../../../shared/contract';

/** Marks the start and end of a match in `snippet()`/`highlight()` output; removed from indexed text, so they cannot occur in it. */
export const HIT_OPEN = '\u0001';
export const HIT_CLOSE = '\u0002';
const MARKERS = new RegExp(`[${HIT_OPEN}${HIT_CLOSE}]`, 'g');
/** Terms kept from one query: more add nothing to a search box and only cost time. */
export const MAX_QUERY_TERMS = 16;
/** A term's longest word: longer ones are pasted noise, cut so they still match their start. */
const MAX_WORD_CHARS = 64;

// What FTS5's unicode61 tokenizer keeps in a token: letters, numbers and marks; everything else separates.
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** Text as it goes into the index: the markers can't appear in what `snippet()` returns of it. */
export function indexable(text: string): string {
  return text.replace(MARKERS, ' ');
}

const wordsOf = (text: string) => (text.match(WORD) ?? []).map((w) => w.slice(0, MAX_WORD_CHARS));

/** One FTS5 string token: its words only, so no quote, star or operator reaches the parser. */
const phrase = (words: string[], prefix: boolean) => `"${words.join(' ')}"${prefix ? '*' : ''}`;

/**
 * The FTS5 MATCH expression for a typed query; undefined when it has no words
 * (list everything). A quoted part is a phrase; any other run of text without
 * spaces is a word, matched as a prefix (from three letters on; see below
 * for one and two), or, when punctuation joins several (`kube-system`,
 * `nvidia.com/gpu`), a phrase whose last word is a prefix.
 */
export function toFtsQuery(typed: string): string | undefined {
  const terms: string[] = [];
  // Pairs of quotes are phrases; a quote left open is plain text.
  const pieces = typed.split('"');
  const closed = pieces.length % 2 === 1 ? pieces.length : pieces.length - 1;
  for (let i = 0; i < pieces.length && terms.length < MAX_QUERY_TERMS; i++) {
    const quoted = i % 2 === 1 && i < closed;
    if (quoted) {
      const words = wordsOf(pieces[i]);
      if (words.length) terms.push(phrase(words.slice(0, MAX_QUERY_TERMS), false));
      continue;
    }
    for (const chunk of pieces[i].split(/\s+/)) {
      const words = wordsOf(chunk).slice(0, MAX_QUERY_TERMS);
      if (!words.length || terms.length >= MAX_QUERY_TERMS) continue;
      const letters = words.length === 1 ? [...words[0]].length : Infinity;
      // The first letters typed would match most of the library as prefixes, and ranking all of it is what costs:
      // one letter matches itself; two match themselves, or begin a word of a title or tag.
      if (letters === 1) terms.push(phrase(words, false));
      else if (letters === 2) terms.push(`(${phrase(words, false)} OR {title tags} : ${phrase(words, true)})`);
      else terms.push(phrase(words, true));
    }
  }
  // AND spelled out: FTS5 joins bare phrases by juxtaposition, but not a parenthesised group.
  return terms.length ? terms.join(' AND ') : undefined;
}

/** Splits marked text into segments, hits flagged; whitespace runs collapse to one space. */
export function toHighlighted(marked: string): Highlighted {
  const out: Highlighted = [];
  let hit = false;
  let text = '';
  const flush = () => {
    if (!text) return;
    const last = out.at(-1);
    if (last && last.hit === hit) last.text += text;
    else out.push({ text, hit });
    text = '';
  };
  for (const ch of marked.replace(/\s+/g, ' ')) {
    if (ch === HIT_OPEN || ch === HIT_CLOSE) {
      flush();
      hit = ch === HIT_OPEN;
    } else text += ch;
  }
  flush();
  return out;
}

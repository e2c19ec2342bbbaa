import { describe, expect, it } from 'vitest';
import { HIT_CLOSE, HIT_OPEN, indexable, toFtsQuery, toHighlighted } from './searchQuery';

describe('search query', () => {
  it('makes each word a prefix match and keeps quoted phrases', () => {
    expect(toFtsQuery('drain gpu')).toBe('"drain"* AND "gpu"*');
    expect(toFtsQuery('"roll back" model')).toBe('"roll back" AND "model"*');
    expect(toFtsQuery('kube-system')).toBe('"kube system"*');
    // The first letters typed would rank most of the library as prefixes: one letter is itself, two also begin a title's or tag's word.
    expect(toFtsQuery('k')).toBe('"k"');
    expect(toFtsQuery('drain a')).toBe('"drain"* AND "a"');
    expect(toFtsQuery('ku')).toBe('("ku" OR {title tags} : "ku"*)');
    expect(toFtsQuery('kub')).toBe('"kub"*');
    expect(toFtsQuery('kube-s')).toBe('"kube s"*');
    expect(toFtsQuery('   ')).toBeUndefined();
    expect(toFtsQuery('*^()-"')).toBeUndefined();
  });

  it('reads FTS5 syntax as plain words', () => {
    expect(toFtsQuery('title:drain NEAR(a b) OR NOT -x ^start *')).toBe('"title drain"* AND "NEAR a"* AND "b" AND ("OR" OR {title tags} : "OR"*) AND "NOT"* AND "x" AND "start"*');
    // An unbalanced quote is text, not a phrase that swallows the rest.
    expect(toFtsQuery('"open quote gpu')).toBe('"open"* AND "quote"* AND "gpu"*');
    expect(toFtsQuery('abc "b c" "def')).toBe('"abc"* AND "b c" AND "def"*');
  });

  it('bounds the number of terms and the length of a word', () => {
    expect(toFtsQuery(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '))!.split(' AND ')).toHaveLength(16);
    expect(toFtsQuery('x'.repeat(500))).toBe(`"${'x'.repeat(64)}"*`);
  });

  it('splits marked text into segments, collapsing whitespace', () => {
    expect(toHighlighted(`…before ${HIT_OPEN}drain${HIT_CLOSE}\n\n the ${HIT_OPEN}GPU${HIT_CLOSE} node…`)).toEqual([
      { text: '…before ', hit: false },
      { text: 'drain', hit: true },
      { text: ' the ', hit: false },
      { text: 'GPU', hit: true },
      { text: ' node…', hit: false },
    ]);
    expect(toHighlighted('')).toEqual([]);
  });

  it('keeps the markers out of indexed text', () => {
    expect(indexable(`a${HIT_OPEN}b${HIT_CLOSE}c`)).toBe('a b c');
  });
});

import { describe, expect, it } from 'vitest';
import { diffTexts, foldDiff, splitLines, type DiffLine } from './textDiff';

/** The diff as `diff -u` body lines: ' same', '-removed', '+added'. */
const unified = (lines: readonly DiffLine[]) => lines.map((l) => (l.kind === 'same' ? ' ' : l.kind === 'removed' ? '-' : '+') + l.text);

describe('splitLines', () => {
  it('splits on any line ending, a final newline ending the last line', () => {
    expect(splitLines('')).toEqual([]);
    expect(splitLines('\n')).toEqual(['']);
    expect(splitLines('a\r\nb\rc\nd')).toEqual(['a', 'b', 'c', 'd']);
    expect(splitLines('a\n\n')).toEqual(['a', '']);
  });
});

describe('diffTexts', () => {
  it('gives the minimal line diff with line numbers on each side', () => {
    const d = diffTexts('a\nb\nc\nd\n', 'a\nc\nX\nd\n');
    expect(unified(d.lines)).toEqual([' a', '-b', ' c', '+X', ' d']);
    expect(d.lines.map((l) => [l.kind === 'added' ? undefined : l.beforeNo, l.kind === 'removed' ? undefined : l.afterNo])).toEqual([
      [1, 1],
      [2, undefined],
      [3, 2],
      [undefined, 3],
      [4, 4],
    ]);
    expect(d).toMatchObject({ changed: true, approximate: false, notes: [] });
  });

  it('says nothing changed for equal texts, and for two empty ones', () => {
    expect(diffTexts('a\nb', 'a\nb')).toMatchObject({ changed: false, notes: [] });
    expect(diffTexts('', '')).toEqual({ lines: [], changed: false, approximate: false, notes: [] });
  });

  it('diffs against an empty text as all added or all removed', () => {
    expect(unified(diffTexts('', 'a\nb\n').lines)).toEqual(['+a', '+b']);
    expect(unified(diffTexts('a\nb', '').lines)).toEqual(['-a', '-b']);
  });

  it('matches lines across CRLF and LF, and notes what the lines cannot show', () => {
    const crlf = diffTexts('a\r\nb\r\n', 'a\nb\n');
    expect(crlf.changed).toBe(false);
    expect(crlf.notes).toEqual(['Line endings changed from CRLF to LF.']);
    const noNewline = diffTexts('a\nb\n', 'a\nb');
    expect(noNewline.changed).toBe(false);
    expect(noNewline.notes).toEqual(['The newline at the end was removed.']);
    expect(diffTexts('a', 'a\n').notes).toEqual(['A newline was added at the end.']);
  });

  it('diffs 5,000-line texts with a few changes quickly', () => {
    const before = Array.from({ length: 5000 }, (_, i) => `line ${i}`);
    const after = [...before];
    after[10] = 'changed 10';
    after.splice(2500, 3);
    after.splice(4000, 0, 'inserted');
    const started = performance.now();
    const d = diffTexts(before.join('\n'), after.join('\n'));
    expect(performance.now() - started).toBeLessThan(500);
    expect(d.approximate).toBe(false);
    expect(d.lines.filter((l) => l.kind !== 'same').length).toBe(6);
  });

  it('shows two unrelated 5,000-line texts as replaced, without the quadratic work', () => {
    const before = Array.from({ length: 5000 }, (_, i) => `old ${i}`).join('\n');
    const after = Array.from({ length: 5000 }, (_, i) => `new ${i}`).join('\n');
    const started = performance.now();
    const d = diffTexts(before, after);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(d.approximate).toBe(true);
    expect(d.lines.length).toBe(10_000);
    expect(d.lines[0]).toEqual({ kind: 'removed', text: 'old 0', beforeNo: 1 });
    expect(d.lines[5000]).toEqual({ kind: 'added', text: 'new 0', afterNo: 1 });
  });

  it('aligns exactly under the edit cap and falls back over it', () => {
    expect(diffTexts('a\nb\nc', 'x\nb\ny', 4).approximate).toBe(false);
    const over = diffTexts('a\nb\nc', 'x\nb\ny', 1);
    expect(over.approximate).toBe(true);
    expect(unified(over.lines)).toEqual(['-a', '-b', '-c', '+x', '+b', '+y']);
  });
});

describe('foldDiff', () => {
  const lines = (n: number, changedAt: number[]) =>
    diffTexts(
      Array.from({ length: n }, (_, i) => `l${i}`).join('\n'),
      Array.from({ length: n }, (_, i) => (changedAt.includes(i) ? `L${i}` : `l${i}`)).join('\n'),
    ).lines;

  it('keeps three lines of context around changes and folds the rest', () => {
    const hunks = foldDiff(lines(30, [10, 20]));
    expect(hunks.map((h) => [h.kind, h.lines.length])).toEqual([
      ['folded', 7],
      ['shown', 8],
      ['folded', 3],
      ['shown', 8],
      ['folded', 6],
    ]);
    expect(hunks.flatMap((h) => h.lines)).toHaveLength(32);
  });

  it('joins changes whose context meets, and shows a lone unchanged line rather than folding it', () => {
    expect(foldDiff(lines(20, [5, 11])).map((h) => [h.kind, h.lines.length])).toEqual([
      ['folded', 2],
      ['shown', 15],
      ['folded', 5],
    ]);
    expect(foldDiff(lines(12, [4])).map((h) => [h.kind, h.lines.length])).toEqual([
      ['shown', 9],
      ['folded', 4],
    ]);
  });

  it('folds everything when nothing changed, and nothing when there are no lines', () => {
    expect(foldDiff(lines(10, [])).map((h) => h.kind)).toEqual(['folded']);
    expect(foldDiff([])).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { codePointLabel, firstHiddenChar, hiddenCharProblem, showHiddenChars, withoutHiddenChars } from './hiddenChars';

describe('hidden characters', () => {
  it('finds controls, text-direction and zero-width characters, and leaves letters, accents and emoji alone', () => {
    for (const c of ['\u0000', '\u001b', '\u007f', '\u0085', '\u009f', '\u200b', '\u200d', '\u200e', '\u202e', '\u2066', '\u2069', '\u2028', '\ufeff', '\u3164', '\u034f', '\ud800', '\ufe0f', '\ufe00', '\u{e0100}', '\u180b', '\u2800', '\u00a0', '\u2003', '\u3000']) {
      expect(firstHiddenChar(`a${c}b`), codePointLabel(c)).toBe(c);
    }
    for (const text of ['prod-eu', 'café', 'Ω ml', '日本語', 'GPU 🚀', 'a b']) expect(firstHiddenChar(text), text).toBeUndefined();
  });

  it('names the character as U+XXXX, and says whether it is a control character', () => {
    expect(hiddenCharProblem('Names', 'pr\u202eod')).toBe('Names cannot contain U+202E, an invisible or text-direction character');
    expect(hiddenCharProblem('Label keys', 'en\u0007v')).toBe('Label keys cannot contain U+0007, a control character');
    expect(hiddenCharProblem('Names', 'prod')).toBeUndefined();
    expect(codePointLabel('\u{e0001}')).toBe('U+E0001');
  });

  it('removes them for a suggested name, or shows them for display', () => {
    expect(withoutHiddenChars('\u2066pr\u200bod\u2069')).toBe('prod');
    expect(showHiddenChars('pr\u202eod')).toBe('pr⟨U+202E⟩od');
  });
});

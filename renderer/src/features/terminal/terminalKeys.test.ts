import { describe, expect, it } from 'vitest';
import { isPageShortcut, terminalShortcut } from './terminalKeys';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey', boolean>> = { ctrlKey: true, shiftKey: true }) => ({
  key: k,
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  metaKey: false,
  ...mods,
});

describe('terminal keys', () => {
  it('knows its Ctrl+Shift chords, whatever the letter’s case', () => {
    expect(terminalShortcut(key('Enter'))).toBe('newTab');
    expect(terminalShortcut(key('X'))).toBe('closeTab');
    expect(terminalShortcut(key('x'))).toBe('closeTab');
    expect(terminalShortcut(key('ArrowRight'))).toBe('nextTab');
    expect(terminalShortcut(key('ArrowLeft'))).toBe('previousTab');
    expect(terminalShortcut(key('D'))).toBe('split');
    expect(terminalShortcut(key('C'))).toBe('copy');
    expect(isPageShortcut('copy')).toBe(false);
    expect(isPageShortcut('split')).toBe(true);
  });

  it('leaves the shell its keys: Ctrl+letter, Ctrl+Arrow, Alt and Cmd chords, plain keys', () => {
    for (const e of [key('c', { ctrlKey: true }), key('x', { ctrlKey: true }), key('ArrowRight', { ctrlKey: true }), key('d', { altKey: true, shiftKey: true }), key('Enter'.slice(0), { shiftKey: true }), key('C', { ctrlKey: true, shiftKey: true, altKey: true }), key('C', { ctrlKey: true, shiftKey: true, metaKey: true }), key('q')])
      expect(terminalShortcut(e)).toBeNull();
  });
});

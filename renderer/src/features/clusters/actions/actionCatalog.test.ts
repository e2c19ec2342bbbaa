import { describe, expect, it } from 'vitest';
import { shortcutAction } from './actionCatalog';

const press = (key: string, mods: Partial<Record<'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey', boolean>> = {}) =>
  shortcutAction({ key, ctrlKey: false, shiftKey: false, altKey: false, metaKey: false, ...mods });

describe('shortcutAction', () => {
  it('maps k9s-like keys, Ctrl+D to delete', () => {
    expect(['s', 'r', 'c', 'f'].map((k) => press(k))).toEqual(['scale', 'restart', 'cordon', 'portForward']);
    expect(press('d', { ctrlKey: true })).toBe('delete');
    expect(press('D', { ctrlKey: true })).toBe('delete');
  });

  it('leaves other keys and combinations alone', () => {
    expect(press('d')).toBeUndefined();
    expect(press('s', { ctrlKey: true })).toBeUndefined();
    expect(press('S', { shiftKey: true })).toBeUndefined();
    expect(press('d', { ctrlKey: true, shiftKey: true })).toBeUndefined();
    expect(press('r', { metaKey: true })).toBeUndefined();
    expect(press('f', { altKey: true })).toBeUndefined();
    expect(press('j')).toBeUndefined();
  });
});

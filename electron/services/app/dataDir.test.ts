import { describe, expect, it } from 'vitest';
import { defaultDataDir } from './dataDir';

describe('defaultDataDir', () => {
  it('follows XDG on Linux', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/x/data' }, 'linux', '/home/me')).toBe('/x/data/pilothouse');
    expect(defaultDataDir({}, 'linux', '/home/me')).toBe('/home/me/.local/share/pilothouse');
  });

  it('uses the platform folders on macOS and Windows', () => {
    expect(defaultDataDir({}, 'darwin', '/Users/me')).toBe('/Users/me/Library/Application Support/Pilothouse');
    expect(defaultDataDir({ APPDATA: 'C:/Users/me/AppData/Roaming' }, 'win32', 'C:/Users/me')).toMatch(/Roaming.Pilothouse$/);
  });
});

import { describe, expect, it } from 'vitest';
import { cutToBytes, safeSegments } from './folderWrite';

describe('folder writes', () => {
  it('writes a stored path only when it stays inside the folder', () => {
    expect(safeSegments('gpu/nodes/drain.md')).toEqual(['gpu', 'nodes', 'drain.md']);
    expect(safeSegments('a..b.md')).toEqual(['a..b.md']);
    for (const bad of ['../x.md', 'a/../../x.md', '/etc/x.md', 'a//b.md', './x.md', '.git/x.md', 'a\\..\\x.md', 'a\0.md', `${'x'.repeat(253)}.md`]) {
      expect(safeSegments(bad), bad).toBeUndefined();
    }
  });

  it('cuts text to a number of bytes between characters', () => {
    expect(cutToBytes('🙂🙂', 7)).toBe('🙂');
    expect(cutToBytes('ab漢', 4)).toBe('ab');
    expect(cutToBytes('abc', 10)).toBe('abc');
  });
});

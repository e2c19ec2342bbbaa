import { describe, expect, it } from 'vitest';
import { fuzzyFilter, fuzzyScore } from './fuzzy';

describe('fuzzyScore', () => {
  it('matches subsequences case-insensitively and rejects the rest', () => {
    expect(fuzzyScore('IMPK', 'Import kubeconfig…')).not.toBeNull();
    expect(fuzzyScore('kxz', 'Import kubeconfig…')).toBeNull();
  });

  it('prefers consecutive letters and word starts', () => {
    expect(fuzzyScore('aud', 'Go to Audit')!).toBeGreaterThan(fuzzyScore('aud', 'Add AWS account… (US default)')!);
  });
});

describe('fuzzyFilter', () => {
  const items = ['Go to Connections', 'Go to Clusters', 'Toggle theme', 'Switch to prod-eu'];

  it('keeps every item in order for an empty query', () => {
    expect(fuzzyFilter(items, '  ', (s) => s)).toEqual(items);
  });

  it('ranks the best match first', () => {
    expect(fuzzyFilter(items, 'clus', (s) => s)[0]).toBe('Go to Clusters');
    expect(fuzzyFilter(items, 'prodeu', (s) => s)).toEqual(['Switch to prod-eu']);
  });
});

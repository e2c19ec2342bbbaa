import { describe, expect, it } from 'vitest';
import { fuzzyFilter, fuzzyScore, fuzzyScoreNamed } from './fuzzy';

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

describe('other names', () => {
  const kinds = [
    { title: 'Go to PVCs', names: ['persistentvolumeclaims', 'pvc'] },
    { title: 'Go to PersistentVolumes', names: ['persistentvolumes', 'pv'] },
    { title: 'Go to CronJobs', names: ['cronjobs', 'cj'] },
    { title: 'Go to ClusterRoles', names: ['clusterroles', 'cr'] },
    { title: 'Go to HPAs', names: ['horizontalpodautoscalers', 'hpa'] },
  ];
  const titles = (query: string) => fuzzyFilter(kinds, query, (k) => k.title, (k) => k.names).map((k) => k.title);

  it('a name typed whole ranks its item first, above titles the query fits better', () => {
    expect(titles('pv')[0]).toBe('Go to PersistentVolumes');
    expect(titles('cr')[0]).toBe('Go to ClusterRoles');
    expect(titles('PVC')[0]).toBe('Go to PVCs');
    expect(fuzzyScoreNamed('pv', 'Go to PersistentVolumes', ['pv'])!).toBeGreaterThan(fuzzyScore('pv', 'pv')!);
  });

  it('names typed in part match fuzzily, like the title', () => {
    expect(titles('autoscal')).toEqual(['Go to HPAs']);
    expect(fuzzyScoreNamed('xyz', 'Go to HPAs', ['hpa'])).toBeNull();
    expect(fuzzyScoreNamed('hp', 'Go to HPAs')).toBe(fuzzyScore('hp', 'Go to HPAs'));
  });
});

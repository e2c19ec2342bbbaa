import { describe, expect, it } from 'vitest';
import { isSearchable, matchRank, rankMatches } from './objectFinder';

const named = (...names: string[]) => names.map((name) => ({ name }));

describe('palette name search', () => {
  it('ranks the exact name, then prefixes, then substrings', () => {
    const found = rankMatches(named('my-api-gateway', 'api-gateway-7f9c', 'api', 'legacy-api', 'api-gateway'), 'api', 10);
    expect(found.map((f) => f.name)).toEqual(['api', 'api-gateway', 'api-gateway-7f9c', 'legacy-api', 'my-api-gateway']);
  });

  it('prefers shorter names within a rank, then the alphabet, then the namespace', () => {
    const found = rankMatches(
      [
        { name: 'redis-2', namespace: 'platform' },
        { name: 'redis-10', namespace: 'platform' },
        { name: 'redis-1', namespace: 'team-b' },
        { name: 'redis-1', namespace: 'platform' },
      ],
      'redis',
      10,
    );
    expect(found).toEqual([
      { name: 'redis-1', namespace: 'platform' },
      { name: 'redis-1', namespace: 'team-b' },
      { name: 'redis-2', namespace: 'platform' },
      { name: 'redis-10', namespace: 'platform' },
    ]);
  });

  it('matches case-insensitively and leaves out names without the text', () => {
    expect(matchRank('Web-Frontend', 'web-frontend')).toBe(0);
    expect(matchRank('web-frontend', 'front')).toBe(2);
    expect(matchRank('web-frontend', 'WEB'.toLowerCase())).toBe(1);
    expect(matchRank('web-frontend', 'backend')).toBeUndefined();
    expect(rankMatches(named('CHECKOUT', 'payments'), 'Check', 10).map((f) => f.name)).toEqual(['CHECKOUT']);
  });

  it('returns at most `limit` matches, the best ones', () => {
    const many = named(...Array.from({ length: 300 }, (_, i) => `pod-${i}`), 'pod');
    const found = rankMatches(many, 'pod', 5);
    expect(found.map((f) => f.name)).toEqual(['pod', 'pod-0', 'pod-1', 'pod-2', 'pod-3']);
  });

  it('does not search events, whose names only repeat their objects', () => {
    expect(isSearchable({ group: '', resource: 'events' })).toBe(false);
    expect(isSearchable({ group: 'events.k8s.io', resource: 'events' })).toBe(false);
    expect(isSearchable({ group: 'apps', resource: 'deployments' })).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { elapsedOf, formatDuration, phaseLabel, progressText } from './taskFormat';

describe('task formatting', () => {
  it('says durations in seconds, minutes and hours', () => {
    expect([0, 999, 45_000, 65_000, 3_600_000 + 3 * 60_000 + 5_000, -5].map(formatDuration)).toEqual(['0s', '0s', '45s', '1m 05s', '1h 03m', '0s']);
  });

  it('measures a running task until now and a finished one until it finished', () => {
    expect(elapsedOf({ startedAt: '2025-01-01T10:00:00Z' }, Date.parse('2025-01-01T10:00:30Z'))).toBe(30_000);
    expect(elapsedOf({ startedAt: '2025-01-01T10:00:00Z', finishedAt: '2025-01-01T10:01:00Z' }, Date.parse('2025-01-02T00:00:00Z'))).toBe(60_000);
  });

  it('names the phase by its place, and the progress with its unit once a total is known', () => {
    const phases = ['parse', 'seal', 'save'].map((name) => ({ name, state: 'pending' as const }));
    expect(phaseLabel({ phases, phase: 'seal' })).toBe('Phase 2 of 3: seal');
    expect(phaseLabel({ phases: [phases[0]], phase: 'parse' })).toBe('parse');
    expect(phaseLabel({ phases })).toBeUndefined();
    expect(progressText({ done: 250, total: 1000, unit: 'contexts' })).toBe(`250 / ${(1000).toLocaleString()} contexts`);
    expect(progressText({ done: 0, total: 0 })).toBeUndefined();
  });
});

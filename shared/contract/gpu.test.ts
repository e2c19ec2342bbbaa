import { describe, expect, it } from 'vitest';
import { GpuLabelKey, GpuSeries, GpuUtilisation, heatmapCells } from './gpu';

describe('GpuUtilisation', () => {
  it('checks every value of a column, cheaply', () => {
    expect(GpuSeries.safeParse({ key: 'a', labels: {}, values: [1, null, 2.5] }).success).toBe(true);
    for (const values of [[1, '2'], [Number.NaN], [Number.POSITIVE_INFINITY], [undefined], 'nope', { 0: 1, length: 1 }]) {
      expect(GpuSeries.safeParse({ key: 'a', labels: {}, values }).success, JSON.stringify(values)).toBe(false);
    }
    const times = Array.from({ length: 1440 }, (_, i) => i * 60);
    const big = { metric: 'DCGM_FI_DEV_GPU_UTIL', unit: '%', step: 60, times, series: Array.from({ length: 1000 }, (_, g) => ({ key: `n/${g}`, labels: {}, values: times.map((_, i) => (i % 7 ? i % 101 : null)) })) };
    const began = performance.now();
    expect(GpuUtilisation.safeParse(big).success).toBe(true);
    // Measured 5–15 ms on the shared 2-core machine; z.array(z.number().nullable()) took 80–170 ms. A guard, not the figure.
    expect(performance.now() - began).toBeLessThan(60);
  });
});

describe('heatmapCells', () => {
  it('decodes base64 cells without Node', () => {
    expect([...heatmapCells({ cells: 'AGT/' })]).toEqual([0, 100, 255]);
    expect(heatmapCells({ cells: '' })).toHaveLength(0);
  });
});

describe('GpuLabelKey', () => {
  it('takes label keys as Kubernetes has them, and nothing else', () => {
    for (const ok of ['team', ' team\n', 'example.com/team', 'app.kubernetes.io/part-of', 'Team_1']) expect(GpuLabelKey.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['', ' ', 'a/b/c', '/team', 'team/', '-team', 'x'.repeat(64), 'Example.com/team', 'te\nam', 'tëam', 'team label']) {
      expect(GpuLabelKey.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

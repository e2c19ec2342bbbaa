import { describe, expect, it } from 'vitest';
import { GpuPriceInput, methods } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { SEED_GPU_PRICES, SEED_PRICE_SOURCE } from '../store/migrations/009_gpu_prices';
import { createGpuPriceStore, USER_PRICE_SOURCE } from './priceStore';
import { migratedDb } from './testKit';

const store = () => createGpuPriceStore(migratedDb(), () => new Date('2026-12-04T10:00:00Z'));

describe('GPU price store', () => {
  it('lists the seeded prices with the price of one GPU-hour', () => {
    const prices = store().list();
    expect(prices).toHaveLength(SEED_GPU_PRICES.length);
    expect(prices.find((p) => p.instanceType === 'p5en.48xlarge')).toEqual({
      instanceType: 'p5en.48xlarge',
      gpuProduct: 'NVIDIA-H200',
      gpus: 8,
      hourlyUsd: 63.296,
      gpuHourUsd: 7.912,
      source: SEED_PRICE_SOURCE,
      updatedAt: '2026-12-04T00:00:00.000Z',
    });
  });

  it('adds and replaces prices, marking them as the user’s', () => {
    const s = store();
    const after = s.save([
      { instanceType: 'p5en.48xlarge', gpuProduct: 'NVIDIA-H200', gpus: 8, hourlyUsd: 40 },
      { instanceType: 'onprem.h100x8', gpuProduct: 'NVIDIA-H100-80GB-HBM3', gpus: 8, hourlyUsd: 0 },
    ]);
    expect(after).toHaveLength(SEED_GPU_PRICES.length + 1);
    expect(after.find((p) => p.instanceType === 'p5en.48xlarge')).toMatchObject({ hourlyUsd: 40, gpuHourUsd: 5, source: USER_PRICE_SOURCE, updatedAt: '2026-12-04T10:00:00.000Z' });
    expect(after.find((p) => p.instanceType === 'onprem.h100x8')).toMatchObject({ hourlyUsd: 0, gpuHourUsd: 0 });
  });

  it('saves all or nothing', () => {
    const s = store();
    expect(() => s.save([{ instanceType: 'a.x', gpuProduct: 'X', gpus: 1, hourlyUsd: 1 }, { instanceType: 'a.x', gpuProduct: 'X', gpus: 1, hourlyUsd: 2 }])).toThrow(/given twice/);
    // A row the table's checks refuse, after one it took: neither is kept.
    expect(() => s.save([{ instanceType: 'b.x', gpuProduct: 'X', gpus: 1, hourlyUsd: 1 }, { instanceType: 'c.x', gpuProduct: 'X', gpus: 0, hourlyUsd: 1 }])).toThrow(/CHECK/);
    expect(s.list().some((p) => ['a.x', 'b.x', 'c.x'].includes(p.instanceType))).toBe(false);
  });

  it('removes prices, or none when one is not in the table', () => {
    const s = store();
    expect(s.remove(['g4dn.xlarge', 'g4dn.xlarge']).some((p) => p.instanceType === 'g4dn.xlarge')).toBe(false);
    const err = (() => {
      try {
        s.remove(['g5.xlarge', 'no.such']);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: 'No price for no.such: nothing was removed' });
    expect(s.list().some((p) => p.instanceType === 'g5.xlarge')).toBe(true);
  });

  it('resets to the seeds: edits, additions and removals undone', () => {
    const s = store();
    s.save([{ instanceType: 'p5.48xlarge', gpuProduct: 'NVIDIA-H100-80GB-HBM3', gpus: 8, hourlyUsd: 1 }, { instanceType: 'x.y', gpuProduct: 'X', gpus: 1, hourlyUsd: 1 }]);
    s.remove(['g6.xlarge']);
    const reset = s.reset();
    expect(reset).toEqual(createGpuPriceStore(migratedDb()).list());
  });
});

describe('gpu.prices.save params', () => {
  const ok = { instanceType: 'p5.48xlarge', gpuProduct: 'NVIDIA-H100-80GB-HBM3', gpus: 8, hourlyUsd: 55.04 };
  it('accepts a price and trims what was typed', () => {
    expect(GpuPriceInput.parse({ ...ok, instanceType: ' p5.48xlarge\n' }).instanceType).toBe('p5.48xlarge');
  });
  it.each([
    ['a negative price', { hourlyUsd: -1 }],
    ['NaN', { hourlyUsd: Number.NaN }],
    ['Infinity', { hourlyUsd: Number.POSITIVE_INFINITY }],
    ['an absurd price', { hourlyUsd: 1e9 }],
    ['a price as text', { hourlyUsd: '55' }],
    ['no GPUs', { gpus: 0 }],
    ['half a GPU', { gpus: 0.5 }],
    ['a path', { instanceType: '../../etc/passwd' }],
    ['a space', { instanceType: 'p5 48xlarge' }],
    ['an empty type', { instanceType: '  ' }],
    ['a very long type', { instanceType: 'p'.repeat(65) }],
    ['a control character in the product', { gpuProduct: 'H100\u0000' }],
    ['a bidi override in the product', { gpuProduct: 'H100\u202e' }],
    ['an unknown field', { extra: true }],
  ])('refuses %s', (_what, change) => {
    expect(GpuPriceInput.safeParse({ ...ok, ...change }).success).toBe(false);
  });
  it('refuses an empty or oversized batch', () => {
    const params = methods['gpu.prices.save'].params;
    expect(params.safeParse({ prices: [] }).success).toBe(false);
    expect(params.safeParse({ prices: Array.from({ length: 501 }, (_, i) => ({ ...ok, instanceType: `t${i}` })) }).success).toBe(false);
  });
});

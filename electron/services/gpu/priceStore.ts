import type { GpuPrice, GpuPriceInput } from '../../../shared/contract';
import type { z } from 'zod';
import { AppError } from '../../../shared/result';
import { SEED_GPU_PRICES, SEED_PRICE_SOURCE, SEED_PRICES_CHECKED_AT } from '../store/migrations/009_gpu_prices';
import type { Database } from '../store/database';

/** The `source` of a price a user saved. */
export const USER_PRICE_SOURCE = 'user';

/** The GPU-hour price table (`gpu_prices`). */
export interface GpuPriceStore {
  /** Every price, by instance type. */
  list(): GpuPrice[];
  /** Adds or replaces prices, all or none; each then says it came from the user. */
  save(prices: readonly z.output<typeof GpuPriceInput>[]): GpuPrice[];
  /** Removes prices, all or none: NOT_FOUND names those not in the table. */
  remove(instanceTypes: readonly string[]): GpuPrice[];
  /** Back to the seeded prices: edits, additions and removals are undone. */
  reset(): GpuPrice[];
}

interface Row {
  instance_type: string;
  gpu_product: string;
  gpus: number;
  hourly_usd: number;
  source: string;
  updated_at: string;
}

const toPrice = (r: Row): GpuPrice => ({
  instanceType: r.instance_type,
  gpuProduct: r.gpu_product,
  gpus: r.gpus,
  hourlyUsd: r.hourly_usd,
  gpuHourUsd: Math.round((r.hourly_usd / r.gpus) * 1e6) / 1e6,
  source: r.source,
  updatedAt: r.updated_at,
});

/** {@link GpuPriceStore} over the data file; `now` is the clock of `updatedAt`. */
export function createGpuPriceStore(db: Database, now: () => Date = () => new Date()): GpuPriceStore {
  const all = db.prepare<[], Row>(`SELECT instance_type, gpu_product, gpus, hourly_usd, source, updated_at FROM gpu_prices ORDER BY instance_type`);
  const upsert = db.prepare(
    `INSERT INTO gpu_prices (instance_type, gpu_product, gpus, hourly_usd, source, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (instance_type) DO UPDATE SET gpu_product = excluded.gpu_product, gpus = excluded.gpus, hourly_usd = excluded.hourly_usd, source = excluded.source, updated_at = excluded.updated_at`,
  );
  const remove = db.prepare<[string]>(`DELETE FROM gpu_prices WHERE instance_type = ?`);
  const clear = db.prepare(`DELETE FROM gpu_prices`);
  const list = () => all.all().map(toPrice);

  return {
    list,
    save: (prices) => {
      const seen = new Set<string>();
      for (const p of prices) {
        if (seen.has(p.instanceType)) throw new AppError('VALIDATION', `${p.instanceType} is given twice: save one price per instance type`);
        seen.add(p.instanceType);
      }
      const at = now().toISOString();
      db.transaction(() => {
        for (const p of prices) upsert.run(p.instanceType, p.gpuProduct, p.gpus, p.hourlyUsd, USER_PRICE_SOURCE, at);
      })();
      return list();
    },
    remove: (instanceTypes) => {
      db.transaction(() => {
        const missing = [...new Set(instanceTypes)].filter((t) => remove.run(t).changes === 0);
        // Thrown inside the transaction, so the removals before it are undone.
        if (missing.length) throw new AppError('NOT_FOUND', `No price for ${missing.join(', ')}: nothing was removed`);
      })();
      return list();
    },
    reset: () => {
      db.transaction(() => {
        clear.run();
        for (const p of SEED_GPU_PRICES) upsert.run(p.instanceType, p.gpuProduct, p.gpus, p.hourlyUsd, SEED_PRICE_SOURCE, SEED_PRICES_CHECKED_AT);
      })();
      return list();
    },
  };
}

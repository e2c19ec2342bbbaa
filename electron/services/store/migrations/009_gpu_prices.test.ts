import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { SEED_GPU_PRICES, SEED_PRICE_SOURCE } from './009_gpu_prices';
import { migrations } from '.';

function migrated() {
  const db = new Database(':memory:');
  migrate(db, migrations.slice(0, 8));
  migrate(db, migrations.slice(0, 9));
  return db;
}

describe('migration 009 (GPU prices)', () => {
  it('keeps one price per instance type and refuses a price that cannot be one', () => {
    const db = migrated();
    expect(db.pragma('user_version', { simple: true })).toBe(9);
    const save = db.prepare(`INSERT INTO gpu_prices (instance_type, gpu_product, gpus, hourly_usd, source, updated_at) VALUES (?, ?, ?, ?, 'user', '2026-12-04T00:00:00Z')`);
    save.run('custom.8xgpu', 'NVIDIA-H200', 8, 50);
    expect(() => save.run('custom.8xgpu', 'NVIDIA-H200', 8, 60)).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => save.run('zero.gpus', 'NVIDIA-H200', 0, 60)).toThrow(/CHECK/);
    expect(() => save.run('negative.price', 'NVIDIA-H200', 8, -1)).toThrow(/CHECK/);
  });

  it('starts with the on-demand prices of common GPU instance types, each saying where it came from', () => {
    const db = migrated();
    const rows = db.prepare(`SELECT instance_type, gpu_product, gpus, hourly_usd, source FROM gpu_prices ORDER BY instance_type`).all() as { instance_type: string; gpu_product: string; gpus: number; hourly_usd: number; source: string }[];
    expect(rows).toHaveLength(SEED_GPU_PRICES.length);
    expect(new Set(rows.map((r) => r.instance_type)).size).toBe(rows.length);
    for (const r of rows) expect(r.source).toBe(SEED_PRICE_SOURCE);
    const byType = new Map(rows.map((r) => [r.instance_type, r]));
    // The test bed's GPU nodes, and the kinds the spend page filters on.
    expect(byType.get('p5en.48xlarge')).toMatchObject({ gpu_product: 'NVIDIA-H200', gpus: 8, hourly_usd: 63.296 });
    for (const t of ['p5.48xlarge', 'p4d.24xlarge', 'p4de.24xlarge', 'p3.2xlarge', 'p3.16xlarge', 'g6e.xlarge', 'g6.xlarge', 'g5.xlarge', 'g4dn.xlarge']) expect(byType.has(t), t).toBe(true);
    // A multi-GPU size costs more per instance than a one-GPU size of its family.
    expect(byType.get('g5.48xlarge')!.hourly_usd).toBeGreaterThan(byType.get('g5.xlarge')!.hourly_usd);
    expect(SEED_PRICE_SOURCE).toMatch(/us-east-1/);
    expect(SEED_PRICE_SOURCE).toMatch(/\d{4}-\d{2}-\d{2}/);
  });
});

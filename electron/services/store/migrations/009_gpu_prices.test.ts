import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { migrations } from '.';

describe('migration 009 (GPU prices)', () => {
  it('keeps one price per instance type and refuses a price that cannot be one', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 8));
    migrate(db, migrations.slice(0, 9));
    expect(db.pragma('user_version', { simple: true })).toBe(9);
    const save = db.prepare(`INSERT INTO gpu_prices (instance_type, gpu_product, gpus, hourly_usd, source, updated_at) VALUES (?, ?, ?, ?, 'user', '2026-12-04T00:00:00Z')`);
    save.run('custom.8xgpu', 'NVIDIA-H200', 8, 50);
    expect(() => save.run('custom.8xgpu', 'NVIDIA-H200', 8, 60)).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => save.run('zero.gpus', 'NVIDIA-H200', 0, 60)).toThrow(/CHECK/);
    expect(() => save.run('negative.price', 'NVIDIA-H200', 8, -1)).toThrow(/CHECK/);
  });
});

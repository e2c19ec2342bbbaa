import type { Migration } from './types';

/** One price the table starts with. */
export interface SeedGpuPrice {
  instanceType: string;
  /** As GPU feature discovery labels it (`nvidia.com/gpu.product`). */
  gpuProduct: string;
  gpus: number;
  hourlyUsd: number;
}

/**
 * Where the seeded prices come from. They were checked on that day against
 * public copies of the AWS price list (no AWS account was asked); the P4 and
 * P5 prices are those after AWS's June 2025 cut.
 */
export const SEED_PRICE_SOURCE = 'AWS EC2 on-demand, Linux, us-east-1, list price per instance-hour; checked 2026-12-04 against public copies of the AWS price list';

/**
 * AWS on-demand prices of common NVIDIA GPU instance types. p5e.48xlarge is
 * left out: it is sold through Capacity Blocks, with no on-demand list price.
 * Products are GPU feature discovery's names, so a node without an
 * instance-type label still finds a price by its GPUs.
 */
export const SEED_GPU_PRICES: readonly SeedGpuPrice[] = [
  { instanceType: 'p5en.48xlarge', gpuProduct: 'NVIDIA-H200', gpus: 8, hourlyUsd: 63.296 },
  { instanceType: 'p5.48xlarge', gpuProduct: 'NVIDIA-H100-80GB-HBM3', gpus: 8, hourlyUsd: 55.04 },
  { instanceType: 'p4de.24xlarge', gpuProduct: 'NVIDIA-A100-SXM4-80GB', gpus: 8, hourlyUsd: 27.44705 },
  { instanceType: 'p4d.24xlarge', gpuProduct: 'NVIDIA-A100-SXM4-40GB', gpus: 8, hourlyUsd: 21.957642 },
  { instanceType: 'p3dn.24xlarge', gpuProduct: 'Tesla-V100-SXM2-32GB', gpus: 8, hourlyUsd: 31.212 },
  { instanceType: 'p3.16xlarge', gpuProduct: 'Tesla-V100-SXM2-16GB', gpus: 8, hourlyUsd: 24.48 },
  { instanceType: 'p3.8xlarge', gpuProduct: 'Tesla-V100-SXM2-16GB', gpus: 4, hourlyUsd: 12.24 },
  { instanceType: 'p3.2xlarge', gpuProduct: 'Tesla-V100-SXM2-16GB', gpus: 1, hourlyUsd: 3.06 },
  { instanceType: 'g6e.xlarge', gpuProduct: 'NVIDIA-L40S', gpus: 1, hourlyUsd: 1.861 },
  { instanceType: 'g6e.2xlarge', gpuProduct: 'NVIDIA-L40S', gpus: 1, hourlyUsd: 2.24208 },
  { instanceType: 'g6e.4xlarge', gpuProduct: 'NVIDIA-L40S', gpus: 1, hourlyUsd: 3.00424 },
  { instanceType: 'g6e.8xlarge', gpuProduct: 'NVIDIA-L40S', gpus: 1, hourlyUsd: 4.52856 },
  { instanceType: 'g6e.16xlarge', gpuProduct: 'NVIDIA-L40S', gpus: 1, hourlyUsd: 7.57719 },
  { instanceType: 'g6e.12xlarge', gpuProduct: 'NVIDIA-L40S', gpus: 4, hourlyUsd: 10.49264 },
  { instanceType: 'g6e.24xlarge', gpuProduct: 'NVIDIA-L40S', gpus: 4, hourlyUsd: 15.06559 },
  { instanceType: 'g6e.48xlarge', gpuProduct: 'NVIDIA-L40S', gpus: 8, hourlyUsd: 30.13118 },
  { instanceType: 'g6.xlarge', gpuProduct: 'NVIDIA-L4', gpus: 1, hourlyUsd: 0.8048 },
  { instanceType: 'g6.2xlarge', gpuProduct: 'NVIDIA-L4', gpus: 1, hourlyUsd: 0.9776 },
  { instanceType: 'g6.4xlarge', gpuProduct: 'NVIDIA-L4', gpus: 1, hourlyUsd: 1.3232 },
  { instanceType: 'g6.8xlarge', gpuProduct: 'NVIDIA-L4', gpus: 1, hourlyUsd: 2.0144 },
  { instanceType: 'g6.16xlarge', gpuProduct: 'NVIDIA-L4', gpus: 1, hourlyUsd: 3.3968 },
  { instanceType: 'g6.12xlarge', gpuProduct: 'NVIDIA-L4', gpus: 4, hourlyUsd: 4.6016 },
  { instanceType: 'g6.24xlarge', gpuProduct: 'NVIDIA-L4', gpus: 4, hourlyUsd: 6.6752 },
  { instanceType: 'g6.48xlarge', gpuProduct: 'NVIDIA-L4', gpus: 8, hourlyUsd: 13.3504 },
  { instanceType: 'g5.xlarge', gpuProduct: 'NVIDIA-A10G', gpus: 1, hourlyUsd: 1.006 },
  { instanceType: 'g5.2xlarge', gpuProduct: 'NVIDIA-A10G', gpus: 1, hourlyUsd: 1.212 },
  { instanceType: 'g5.4xlarge', gpuProduct: 'NVIDIA-A10G', gpus: 1, hourlyUsd: 1.624 },
  { instanceType: 'g5.8xlarge', gpuProduct: 'NVIDIA-A10G', gpus: 1, hourlyUsd: 2.448 },
  { instanceType: 'g5.16xlarge', gpuProduct: 'NVIDIA-A10G', gpus: 1, hourlyUsd: 4.096 },
  { instanceType: 'g5.12xlarge', gpuProduct: 'NVIDIA-A10G', gpus: 4, hourlyUsd: 5.672 },
  { instanceType: 'g5.24xlarge', gpuProduct: 'NVIDIA-A10G', gpus: 4, hourlyUsd: 8.144 },
  { instanceType: 'g5.48xlarge', gpuProduct: 'NVIDIA-A10G', gpus: 8, hourlyUsd: 16.288 },
  { instanceType: 'g4dn.xlarge', gpuProduct: 'Tesla-T4', gpus: 1, hourlyUsd: 0.526 },
  { instanceType: 'g4dn.2xlarge', gpuProduct: 'Tesla-T4', gpus: 1, hourlyUsd: 0.752 },
  { instanceType: 'g4dn.4xlarge', gpuProduct: 'Tesla-T4', gpus: 1, hourlyUsd: 1.204 },
  { instanceType: 'g4dn.8xlarge', gpuProduct: 'Tesla-T4', gpus: 1, hourlyUsd: 2.176 },
  { instanceType: 'g4dn.16xlarge', gpuProduct: 'Tesla-T4', gpus: 1, hourlyUsd: 4.352 },
  { instanceType: 'g4dn.12xlarge', gpuProduct: 'Tesla-T4', gpus: 4, hourlyUsd: 3.912 },
  { instanceType: 'g4dn.metal', gpuProduct: 'Tesla-T4', gpus: 8, hourlyUsd: 7.824 },
];

/** Seeds' `updated_at`: the day their prices were checked. */
export const SEED_PRICES_CHECKED_AT = '2026-12-04T00:00:00.000Z';

/**
 * What a GPU-hour costs, per instance type, for the idle-GPU cost and the GPU
 * cost per namespace. Seeded rows say where their price came from; a user's
 * edit replaces the source with `user`.
 */
export const migration009: Migration = {
  version: 9,
  name: 'gpu_prices',
  up(db) {
    db.exec(`
      CREATE TABLE gpu_prices (
        instance_type  TEXT PRIMARY KEY,
        gpu_product    TEXT NOT NULL,
        gpus           INTEGER NOT NULL CHECK (gpus > 0),
        hourly_usd     REAL NOT NULL CHECK (hourly_usd >= 0),
        source         TEXT NOT NULL,
        updated_at     TEXT NOT NULL
      );
    `);
    const insert = db.prepare(`INSERT INTO gpu_prices (instance_type, gpu_product, gpus, hourly_usd, source, updated_at) VALUES (?, ?, ?, ?, ?, ?)`);
    for (const p of SEED_GPU_PRICES) insert.run(p.instanceType, p.gpuProduct, p.gpus, p.hourlyUsd, SEED_PRICE_SOURCE, SEED_PRICES_CHECKED_AT);
  },
};

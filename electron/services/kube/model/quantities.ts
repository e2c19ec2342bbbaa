/** Resource quantities, and the names of the GPU resources NVIDIA's device plugin advertises. */

/** The device plugin's whole-GPU resource. */
export const GPU_RESOURCE = 'nvidia.com/gpu';
/** MIG slices are `nvidia.com/mig-<profile>`, e.g. `nvidia.com/mig-1g.18gb`. */
export const MIG_RESOURCE_PREFIX = 'nvidia.com/mig-';

/** Integer value of a count-like quantity ("8", "1k"); GPUs and MIG slices are plain integers in practice. */
export function countQuantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === 'number') return q;
  const m = /^(\d+)(k|M|G)?$/.exec(q.trim());
  if (!m) return 0;
  return Number(m[1]) * (m[2] === 'k' ? 1e3 : m[2] === 'M' ? 1e6 : m[2] === 'G' ? 1e9 : 1);
}

/**
 * What the fake fleet looks like: the kwok nodes of each cluster and which
 * pod holds which GPU. The node objects, the seed's GPU workloads and the
 * DCGM series in Prometheus are all derived from here, so they agree.
 */

/** How a GPU behaves over the backfilled day. */
export type GpuProfile =
  /** Saturated training: the heavy phase of the H200 capture. */
  | 'training'
  /** Bursty inference: the light phase of the capture. */
  | 'inference'
  /** Held by a pod but doing nothing: the idle-with-memory phase. */
  | 'allocated-idle'
  /** Not allocated to any pod: the capture's idle phase. */
  | 'idle';

/** One GPU-holding workload pod that the seed creates and DCGM reports on. */
export interface GpuPod {
  namespace: string;
  /** StatefulSet name; its pod is `${statefulSet}-${ordinal}`. */
  statefulSet: string;
  ordinal: number;
  container: string;
  image: string;
  gpus: number;
  profile: Exclude<GpuProfile, 'idle'>;
}

/** A kwok node and, for GPU nodes, the pods placed on it in GPU-index order. */
export interface NodeSpec {
  name: string;
  kind: 'gpu' | 'cpu';
  instanceType: string;
  zone: string;
  gpuPods: GpuPod[];
}

/** H200 facts as NVIDIA GPU feature discovery labels them (from the real capture). */
export const H200 = {
  product: 'NVIDIA-H200',
  modelName: 'NVIDIA H200',
  memoryMiB: 143771,
  /** memory.total − memory.free with nothing allocated, in the capture. */
  reservedMiB: 615,
  driver: '580.159.04',
  cudaMajor: '13',
  gpusPerNode: 8,
} as const;

const trainer = (ordinal: number): GpuPod => ({
  namespace: 'ml-training',
  statefulSet: 'llm-pretrain',
  ordinal,
  container: 'trainer',
  image: 'nvcr.io/nvidia/pytorch:25.10-py3',
  gpus: 8,
  profile: 'training',
});

const inference = (ordinal: number): GpuPod => ({
  namespace: 'ml-serving',
  statefulSet: 'llm-inference',
  ordinal,
  container: 'vllm',
  image: 'vllm/vllm-openai:v0.11.0',
  gpus: 4,
  profile: 'inference',
});

/** The primary cluster: four p5en GPU nodes with mixed load, three CPU nodes. */
export const PRIMARY_NODES: readonly NodeSpec[] = [
  { name: 'gpu-h200-0', kind: 'gpu', instanceType: 'p5en.48xlarge', zone: 'us-east-1a', gpuPods: [trainer(0)] },
  {
    name: 'gpu-h200-1',
    kind: 'gpu',
    instanceType: 'p5en.48xlarge',
    zone: 'us-east-1a',
    gpuPods: [inference(0), inference(1)],
  },
  {
    name: 'gpu-h200-2',
    kind: 'gpu',
    instanceType: 'p5en.48xlarge',
    zone: 'us-east-1b',
    gpuPods: [
      {
        namespace: 'team-a',
        statefulSet: 'research-notebook',
        ordinal: 0,
        container: 'jupyter',
        image: 'quay.io/jupyter/pytorch-notebook:cuda12-2025-10-20',
        gpus: 4,
        profile: 'allocated-idle',
      },
    ],
  },
  { name: 'gpu-h200-3', kind: 'gpu', instanceType: 'p5en.48xlarge', zone: 'us-east-1b', gpuPods: [] },
  { name: 'cpu-0', kind: 'cpu', instanceType: 'm7i.8xlarge', zone: 'us-east-1a', gpuPods: [] },
  { name: 'cpu-1', kind: 'cpu', instanceType: 'm7i.8xlarge', zone: 'us-east-1b', gpuPods: [] },
  { name: 'cpu-2', kind: 'cpu', instanceType: 'm7i.8xlarge', zone: 'us-east-1c', gpuPods: [] },
];

/** The secondary cluster: deliberately different names so tests can tell them apart. */
export const SECONDARY_NODES: readonly NodeSpec[] = [
  { name: 'eu-gpu-h200-0', kind: 'gpu', instanceType: 'p5en.48xlarge', zone: 'eu-west-1a', gpuPods: [] },
  { name: 'eu-cpu-0', kind: 'cpu', instanceType: 'm7i.8xlarge', zone: 'eu-west-1a', gpuPods: [] },
  { name: 'eu-cpu-1', kind: 'cpu', instanceType: 'm7i.8xlarge', zone: 'eu-west-1b', gpuPods: [] },
];

/** One physical GPU of a node and what, if anything, holds it. */
export interface GpuSlot {
  node: string;
  index: number;
  uuid: string;
  pod?: GpuPod;
  profile: GpuProfile;
}

/** A stable, well-formed GPU UUID derived from node name and index. */
export function gpuUuid(node: string, index: number): string {
  let h = 2166136261;
  const hex: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const ch of `${node}/${index}/${round}`) {
      h ^= ch.charCodeAt(0);
      h = Math.imul(h, 16777619) >>> 0;
    }
    hex.push(h.toString(16).padStart(8, '0'));
  }
  const s = hex.join('');
  return `GPU-${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

/** Every GPU of the given nodes, with its holder, in node then index order. */
export function gpuSlots(nodes: readonly NodeSpec[]): GpuSlot[] {
  const slots: GpuSlot[] = [];
  for (const n of nodes) {
    if (n.kind !== 'gpu') continue;
    const holders = n.gpuPods.flatMap((p) => Array<GpuPod>(p.gpus).fill(p));
    for (let i = 0; i < H200.gpusPerNode; i++) {
      const pod = holders[i];
      slots.push({ node: n.name, index: i, uuid: gpuUuid(n.name, i), pod, profile: pod?.profile ?? 'idle' });
    }
  }
  return slots;
}

/**
 * What the cluster benchmarks share: the test bed with 500 nodes and 10,000
 * pods on one cluster, kubectl's time for the same list (the baseline), a
 * process's RSS and peak RSS, and the arithmetic of the report.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeRequest } from '../electron/services/kube/client/kubeHttp';
import { seedLarge, startTestbed, type ClusterInfo, type TestbedInfo } from '../test/testbed';

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
export const ms = (x: number) => `${x.toFixed(0)} ms`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Resident memory of a process (the app's services), from /proc. */
export function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return line ? Number(line[1]) * 1024 : 0;
}

/** The highest resident memory a process has had since it started (VmHWM), from /proc. */
export function peakRssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return line ? Number(line[1]) * 1024 : 0;
}

/**
 * Forgets this process's peak RSS so far (Linux `clear_refs`), so
 * {@link peakRss} measures from now; false where the kernel does not allow it.
 */
export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** This process's peak RSS (VmHWM) since it started or since {@link resetPeakRss}: the kernel's figure, so a peak inside one long synchronous step counts too. */
export function peakRss(): number {
  const line = readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return line ? Number(line[1]) * 1024 : 0;
}

/** Samples this process's RSS every `everyMs` until `stop`, which returns the highest sample (what a sampler on the event loop sees). */
export function sampleRss(everyMs: number): { stop(): number } {
  let highest = process.memoryUsage.rss();
  const timer = setInterval(() => (highest = Math.max(highest, process.memoryUsage.rss())), everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(highest, process.memoryUsage.rss());
    },
  };
}

/** Pods the cluster holds, from one small list. */
export async function podCount(kc: KubeConfig): Promise<number> {
  const res = await kubeRequest<{ metadata: { remainingItemCount?: number }; items: unknown[] }>(kc, '/api/v1/pods?limit=1');
  return (res.body.metadata.remainingItemCount ?? 0) + res.body.items.length;
}

/** kubectl's time for the same list, the baseline. */
export function kubectlListAllPods(kubectl: string, kubeconfig: string, args: string[] = ['get', 'pods', '-A', '-o', 'json']): { ms: number; bytes: number } {
  const started = performance.now();
  const run = spawnSync(kubectl, ['--kubeconfig', kubeconfig, ...args], { maxBuffer: 1 << 30 });
  if (run.status !== 0) throw new Error(`kubectl failed: ${run.stderr}`);
  return { ms: performance.now() - started, bytes: run.stdout.length };
}

export interface LargeCluster {
  bed: TestbedInfo;
  cluster: ClusterInfo;
  /** The admin kubeconfig of that cluster. */
  kubeconfig: string;
  kc: KubeConfig;
  /** Pods it holds. */
  total: number;
}

/** Starts (or reuses) the bed and seeds the large cluster unless it already holds `pods`. */
export async function prepareLargeCluster(opts: { cluster: string; nodes: number; pods: number }): Promise<LargeCluster> {
  const bed = await startTestbed({ log: console.log });
  const cluster = opts.cluster === 'primary' ? bed.clusters.primary : bed.clusters.secondary;
  const kubeconfig = cluster.kubeconfigs.admin;
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  if ((await podCount(kc)) < opts.pods) {
    console.log(`Seeding ${opts.nodes} nodes and ${opts.pods} pods on ${cluster.name} (once; ~90 s)…`);
    await seedLarge(kubeconfig, { nodes: opts.nodes, pods: opts.pods, log: console.log });
  }
  return { bed, cluster, kubeconfig, kc, total: await podCount(kc) };
}

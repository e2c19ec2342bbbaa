/**
 * The Pilothouse local test bed: two kwok clusters (real kube-apiserver, etcd,
 * controller-manager, scheduler; fake nodes), moto for AWS and Prometheus with
 * a day of DCGM history, all on 127.0.0.1.
 *
 * State lives in `state.json` under {@link stateDir} so `status`, `down` and
 * later test runs in other processes find a running bed and reuse it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  clusterHealthy,
  clusterPids,
  createCluster,
  deadComponents,
  deleteCluster,
  refreshTokens,
  startApiserver,
  waitNodesReady,
  type ClusterInfo,
} from './clusters';
import { motoHealthy, startMoto, type MotoInfo } from './moto';
import { BINARIES, stateDir, stateFile } from './paths';
import { checkPrerequisites } from './prereqs';
import { isAlive, rssKiB, secs, spawnDaemon, stopDaemon, freePort, waitFor } from './proc';
import { prometheusHealthy, startPrometheus, type PrometheusInfo } from './prometheus';
import { installArgoCdCrds } from './argoCd';
import { argoWorkflowsHealthy, installArgoWorkflowsCrds, startArgoWorkflows, type ArgoWorkflowsInfo } from './argoWorkflows';
import { argoRolloutsHealthy, startArgoRollouts, type ArgoRolloutsInfo } from './argoRollouts';
import { startVelero, veleroHealthy, type VeleroInfo } from './velero';
import { PRIMARY_NODES, SECONDARY_NODES, gpuSlots } from './topology';

export type { ClusterInfo } from './clusters';
export type { MotoInfo, CostAndUsageResult, ResultByTime, MetricValue, CostSeedOptions } from './moto';
export type { PrometheusInfo } from './prometheus';
export type { ArgoRolloutsInfo } from './argoRollouts';
export type { ArgoWorkflowsInfo } from './argoWorkflows';
export type { VeleroInfo } from './velero';
export { ensureVeleroBucket, veleroLocationPhase, VELERO_BINARY } from './velero';
export {
  criLogLine,
  expireRestrictedToken,
  pauseApiserver,
  readyzStatus,
  renewRestrictedToken,
  resumeApiserver,
  startApiserver,
  stopApiserver,
} from './clusters';
export { MOTO_ACCOUNT_ID, defaultCostAndUsageResults, resetMoto, seedCostExplorer } from './moto';
export { DCGM_METRICS } from './prometheus';
export { PRIMARY_NODES, SECONDARY_NODES, gpuSlots, H200 } from './topology';
export { KWOK_TOLERATION, SEED_NAMESPACES, seedTestbed, seedLarge, removeLarge, type LargeSeedOptions, type LargeSeedResult, type SeedOptions } from './seed';
export { checkPrerequisites } from './prereqs';

/** Everything a test needs to reach the bed. */
export interface TestbedInfo {
  clusters: { primary: ClusterInfo; secondary: ClusterInfo };
  moto: MotoInfo;
  prometheus: PrometheusInfo;
  /** The Argo Rollouts controller, running against the primary cluster (CRDs installed there). */
  argoRollouts: ArgoRolloutsInfo;
  /** The Argo Workflows controller, running against the primary cluster (CRDs installed there), watching every namespace. */
  argoWorkflows: ArgoWorkflowsInfo;
  /** The Velero server with its AWS plugin, running against the primary cluster (CRDs installed there), its bucket in moto. */
  velero: VeleroInfo;
  /** The built kubectl (v1.34.4); Debian's /usr/bin/kubectl is too old. */
  kubectl: string;
  /** Directory of the built Kubernetes binaries. */
  binDir: string;
  /** The state directory this bed runs from. */
  stateDir: string;
}

/** What `state.json` holds: the info plus what `down` needs to stop. */
interface TestbedState {
  info: TestbedInfo;
  pids: { moto: number; prometheus: number; portForwardTarget: number; argoRollouts: number; argoWorkflows: number; velero: number };
  /** When the DCGM history was generated (ms); it ends then. */
  backfilledAt: number;
}

/** Options for {@link startTestbed}. */
export interface StartOptions {
  /** Progress lines; default: none. */
  log?: (line: string) => void;
}

const CLUSTER_NAMES = ['pilothouse-primary', 'pilothouse-secondary'] as const;
/** Files and directories the bed creates in its state directory, besides one per cluster. */
const BED_ENTRIES = [
  'state.json', 'kwok', 'prometheus', 'moto.log', 'port-forward-target', 'port-forward-target.log', 'argo-rollouts.log', 'argo-workflows.log',
  'velero.log', 'velero-credentials',
];

/**
 * How long a daemon is given after SIGTERM before SIGKILL, where not
 * {@link stopDaemon}'s default. Argo Workflows v4.0.5 takes SIGTERM only to
 * flush its start-up log and never exits on it (in a pod, the kubelet's
 * SIGKILL after the grace period ends it): waiting long gains nothing.
 */
const STOP_GRACE_MS: Partial<Record<keyof TestbedState['pids'], number>> = { argoWorkflows: 1000 };

/** Re-backfill Prometheus when its history ends longer ago than this. */
const BACKFILL_MAX_AGE_MS = 60 * 60 * 1000;

function readState(): TestbedState | undefined {
  const file = stateFile();
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as TestbedState;
}

function writeState(state: TestbedState): void {
  mkdirSync(dirname(stateFile()), { recursive: true });
  writeFileSync(stateFile(), `${JSON.stringify(state, null, 2)}\n`);
}

/** The running bed's info from `state.json`, or `undefined` when none was started. */
export function readTestbedState(): TestbedInfo | undefined {
  return readState()?.info;
}

/** Health of each part of a bed. */
export interface TestbedHealth {
  primary: boolean;
  secondary: boolean;
  moto: boolean;
  prometheus: boolean;
  portForwardTarget: boolean;
  argoRollouts: boolean;
  argoWorkflows: boolean;
  velero: boolean;
}

async function health(state: TestbedState): Promise<TestbedHealth> {
  const [primary, secondary, moto, prometheus, argoRollouts, argoWorkflows, velero] = await Promise.all([
    clusterHealthy(state.info.clusters.primary),
    clusterHealthy(state.info.clusters.secondary),
    motoHealthy(state.info.moto),
    prometheusHealthy(state.info.prometheus),
    // A state.json from before the controller was part of the bed has none: the bed is made anew.
    state.info.argoRollouts ? argoRolloutsHealthy(state.info.argoRollouts) : false,
    state.info.argoWorkflows ? argoWorkflowsHealthy(state.info.argoWorkflows) : false,
    state.info.velero ? veleroHealthy(state.info.velero) : false,
  ]);
  return { primary, secondary, moto, prometheus, portForwardTarget: isAlive(state.pids.portForwardTarget), argoRollouts, argoWorkflows, velero };
}

/** One process of the bed and its resident memory. */
export interface TestbedProcess {
  name: string;
  pid: number;
  rssKiB: number;
}

/** Status of the bed recorded in `state.json`, or `undefined` when there is none. */
export async function testbedStatus(): Promise<
  { info: TestbedInfo; health: TestbedHealth; processes: TestbedProcess[] } | undefined
> {
  const state = readState();
  if (!state) return undefined;
  const processes: TestbedProcess[] = [];
  for (const c of Object.values(state.info.clusters))
    for (const [component, pid] of Object.entries(clusterPids(c)))
      processes.push({ name: `${c.name}/${component}`, pid, rssKiB: rssKiB(pid) });
  for (const [name, pid] of Object.entries(state.pids)) processes.push({ name, pid, rssKiB: rssKiB(pid) });
  return { info: state.info, health: await health(state), processes };
}

/** A static page every `kubectl port-forward` reaches (kwok forwards pod ports to it). */
async function startPortForwardTarget(dir: string): Promise<{ port: number; pid: number }> {
  const root = join(dir, 'port-forward-target');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'index.html'), 'pilothouse test bed: port-forward target\n');
  const port = await freePort();
  const pid = spawnDaemon(
    BINARIES.python,
    ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', root],
    { logFile: join(dir, 'port-forward-target.log') },
  );
  await waitFor('port-forward target', async () => ((await fetch(`http://127.0.0.1:${port}/`)).ok ? true : undefined), 20_000);
  return { port, pid };
}

async function reuse(state: TestbedState, log: (l: string) => void): Promise<TestbedInfo | undefined> {
  const h = await health(state);
  // A stopped Workflows controller is started again below. A state.json from before it was part of the bed
  // has none, and its clusters predate the kwok stage that completes its pods: the bed is made anew.
  const { argoWorkflows, velero, ...rest } = h;
  if (!state.info.argoWorkflows || !Object.values(rest).every(Boolean)) {
    log(`state.json found but the bed is not healthy (${JSON.stringify(h)}); recreating it`);
    return undefined;
  }
  for (const cluster of Object.values(state.info.clusters)) {
    const dead = deadComponents(cluster);
    if (!dead.length) continue;
    log(`${cluster.name}: ${dead.join(', ')} had exited; starting ${dead.length === 1 ? 'it' : 'them'} again`);
    await startApiserver(cluster);
  }
  await Promise.all(Object.values(state.info.clusters).map(refreshTokens));
  // A bed started before the Argo CD or Argo Workflows CRDs were part of it gets them now; applying them again changes nothing.
  await Promise.all([installArgoCdCrds(state.info.clusters.primary), installArgoWorkflowsCrds(state.info.clusters.primary)]);
  if (!argoWorkflows) {
    log('the Argo Workflows controller is not answering; starting it again');
    await stopDaemon(state.pids.argoWorkflows, STOP_GRACE_MS.argoWorkflows);
    const workflows = await startArgoWorkflows(state.info.stateDir, state.info.clusters.primary);
    state.info.argoWorkflows = workflows.info;
    state.pids.argoWorkflows = workflows.pid;
    writeState(state);
  }
  // A stopped Velero server is started again; a bed from before Velero was part of it gets one (its CRDs, namespace and bucket with it).
  if (!velero) {
    log(state.info.velero ? 'the Velero server is not answering; starting it again' : 'starting a Velero server, which this bed predates');
    if (state.pids.velero) await stopDaemon(state.pids.velero);
    const started = await startVelero(state.info.stateDir, state.info.clusters.primary, state.info.moto);
    state.info.velero = started.info;
    state.pids.velero = started.pid;
    writeState(state);
  }
  // A state written before historyEnd existed cannot tell tests where the history ends: backfill anew.
  if (Date.now() - state.backfilledAt > BACKFILL_MAX_AGE_MS || state.info.prometheus.historyEnd === undefined) {
    log('Prometheus history is stale; backfilling a fresh day');
    await stopDaemon(state.pids.prometheus);
    const prom = await startPrometheus(state.info.stateDir, gpuSlots(PRIMARY_NODES));
    state.info.prometheus = prom.info;
    state.pids.prometheus = prom.pid;
    state.backfilledAt = prom.backfilledAt;
    writeState(state);
  }
  log(`reusing the running test bed in ${state.info.stateDir}`);
  return state.info;
}

/**
 * Starts the whole bed, or returns the running one recorded in `state.json`
 * when it is healthy. Throws with install instructions when a prerequisite
 * is missing.
 */
export async function startTestbed(opts: StartOptions = {}): Promise<TestbedInfo> {
  const log = opts.log ?? (() => {});
  checkPrerequisites();
  const existing = readState();
  if (existing) {
    const info = await reuse(existing, log);
    if (info) return info;
  }
  await stopTestbed();
  const dir = stateDir();
  mkdirSync(dir, { recursive: true });
  const t0 = Date.now();
  const timed = async <T>(what: string, p: Promise<T>): Promise<T> => {
    const v = await p;
    log(`${what} ready after ${secs(Date.now() - t0)}`);
    return v;
  };
  const pf = await startPortForwardTarget(dir);
  const clustersP = (async () => {
    // One after the other: kwokctl picks each cluster's ports itself.
    const primary = await timed(
      'primary cluster',
      createCluster({ name: CLUSTER_NAMES[0], stateDir: dir, region: 'us-east-1', nodes: PRIMARY_NODES, portForwardPort: pf.port }),
    );
    const secondary = await timed(
      'secondary cluster',
      createCluster({ name: CLUSTER_NAMES[1], stateDir: dir, region: 'eu-west-1', nodes: SECONDARY_NODES, portForwardPort: pf.port }),
    );
    return { primary, secondary };
  })();
  const [clusters, moto, prom] = await Promise.all([
    clustersP,
    timed('moto', startMoto(dir)),
    timed('Prometheus', startPrometheus(dir, gpuSlots(PRIMARY_NODES))),
  ]);
  const [rollouts, workflows, velero] = await Promise.all([
    timed('Argo Rollouts controller', startArgoRollouts(dir, clusters.primary)),
    timed('Argo Workflows controller', startArgoWorkflows(dir, clusters.primary)),
    timed('Velero', startVelero(dir, clusters.primary, moto.info)),
    timed('Argo CD CRDs', installArgoCdCrds(clusters.primary)),
  ]);
  const state: TestbedState = {
    info: {
      clusters,
      moto: moto.info,
      prometheus: prom.info,
      argoRollouts: rollouts.info,
      argoWorkflows: workflows.info,
      velero: velero.info,
      kubectl: BINARIES.kubectl,
      binDir: dirname(BINARIES.kubectl),
      stateDir: dir,
    },
    pids: { moto: moto.pid, prometheus: prom.pid, portForwardTarget: pf.pid, argoRollouts: rollouts.pid, argoWorkflows: workflows.pid, velero: velero.pid },
    backfilledAt: prom.backfilledAt,
  };
  writeState(state);
  await Promise.all([waitNodesReady(clusters.primary), waitNodesReady(clusters.secondary)]);
  log(`test bed up in ${secs(Date.now() - t0)} (${dir})`);
  return state.info;
}

/**
 * Stops everything the bed started (the Argo controllers, Velero, moto, Prometheus,
 * the port-forward target, then the clusters) and removes its state
 * directory. Safe to call when nothing runs.
 */
export async function stopTestbed(): Promise<void> {
  const dir = stateDir();
  const state = readState();
  if (state) for (const [name, pid] of Object.entries(state.pids)) await stopDaemon(pid, STOP_GRACE_MS[name as keyof TestbedState['pids']]);
  // Also covers clusters left by an `up` that died before writing state.json.
  await Promise.all(CLUSTER_NAMES.map((name) => deleteCluster(dir, name)));
  // Only what the bed wrote: the directory may be one a user pointed us at.
  for (const entry of [...BED_ENTRIES, ...CLUSTER_NAMES]) rmSync(join(dir, entry), { recursive: true, force: true });
}

/**
 * Velero on the primary cluster: its CRDs, its server and AWS object-store
 * plugin built from the Go module proxy, and a BackupStorageLocation whose
 * bucket is in the bed's moto. The server runs here, as Velero's "run
 * locally" guide runs it, with the cluster's admin kubeconfig: no node agent,
 * no volume snapshots (kwok pods have no volumes to copy), so Backups and
 * Restores of a namespace's objects go through Velero's real path to S3.
 */
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterInfo } from './clusters';
import type { MotoInfo } from './moto';
import { BIN_CACHE_ROOT, BINARIES } from './paths';
import { freePort, run, spawnDaemon, waitFor } from './proc';

/** Velero release whose server the bed builds and runs. */
export const VELERO_VERSION = 'v1.18.3';
/** The AWS object-store plugin release that goes with {@link VELERO_VERSION}. */
export const VELERO_AWS_PLUGIN_VERSION = 'v1.14.3';
/**
 * The Go module proxy answers 403 "not available" for k8s.io/cli-runtime
 * v0.33.12, which Velero's go.mod requires; v0.33.10, the nearest release it
 * serves, has the same API (patch releases of a Kubernetes staging module),
 * and being older it moves no other module Velero requires.
 */
const CLI_RUNTIME_REPLACEMENT = 'v0.33.10';

/** The wrapper directory of the build: module copies, binaries, plugins and CRDs. */
export const VELERO_DIR = join(BIN_CACHE_ROOT, `velero-${VELERO_VERSION}`);
/** The `velero` binary (server and CLI). */
export const VELERO_BINARY = join(VELERO_DIR, 'bin', 'velero');
/** The plugin directory given to `velero server --plugin-dir`: it runs every executable there, so it holds the plugin only. */
export const VELERO_PLUGIN_DIR = join(VELERO_DIR, 'plugins');
/** The AWS object-store plugin. */
export const VELERO_AWS_PLUGIN = join(VELERO_PLUGIN_DIR, 'velero-plugin-for-aws');
/** Velero's CRDs (`config/crd/v1/bases` and `config/crd/v2alpha1/bases` of its module). */
export const VELERO_CRDS = join(VELERO_DIR, 'crds');
/** What a finished build leaves: the build step is skipped when all are there. */
export const VELERO_OUTPUTS = [VELERO_BINARY, VELERO_AWS_PLUGIN, join(VELERO_CRDS, 'velero.io_restores.yaml')];

/** Where Velero keeps its Backups, Restores, Schedules and storage locations, as `velero install` does. */
export const VELERO_NAMESPACE = 'velero';
/** The moto bucket Velero writes its backups to. */
export const VELERO_BUCKET = 'pilothouse-velero';
/** The BackupStorageLocation the bed creates; Velero's default name. */
export const VELERO_LOCATION = 'default';
/** How often Velero checks the location can be reached: every integration run's `resetMoto` removes the bucket, and a Backup on a location found unavailable fails. */
const LOCATION_VALIDATION = '10s';

/** The line of the server that makes its controller manager; with it, that manager's own metrics server would listen on :8080 on every interface. */
const MANAGER_OPTIONS = '\t\tmgr, err = ctrl.NewManager(clientConfig, ctrl.Options{\n';
/** Its replacement: the manager's metrics server off (`"0"`). Velero's own metrics stay on `--metrics-address`, which the bed binds to 127.0.0.1. */
const MANAGER_OPTIONS_LOCAL = `${MANAGER_OPTIONS}\t\t\tMetrics: metricsserver.Options{BindAddress: "0"},\n`;
const CTRL_IMPORT = '\tctrl "sigs.k8s.io/controller-runtime"\n';
const METRICS_IMPORT = `${CTRL_IMPORT}\tmetricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"\n`;

/** What a component's build is doing, for build.ts's progress lines (its `Activity`). */
export interface VeleroBuildActivity {
  doing: string;
  counted?: string;
  lines: number;
}

/** Where the bed's Velero server answers. */
export interface VeleroInfo {
  /** The cluster it serves (by name). */
  cluster: string;
  /** Its namespace: Backups, Restores and Schedules are created there. */
  namespace: string;
  /** The BackupStorageLocation every Backup uses unless told otherwise. */
  location: string;
  /** The moto bucket behind {@link location}. */
  bucket: string;
  /** Its Prometheus metrics, e.g. `http://127.0.0.1:41234/metrics`: they answer once its controllers run. */
  metrics: string;
  /** Its log (the plugin's lines included), for a test that wants to know why a Backup or Restore failed. */
  logFile: string;
}

function goEnv(): NodeJS.ProcessEnv {
  // A toolchain switch would download a Go release, which this network cannot reach.
  return { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0' };
}

async function go(dir: string, args: string[], activity: VeleroBuildActivity): Promise<void> {
  activity.doing = args[0] === 'build' ? `compiling ${args[args.length - 1]}` : `go ${args[0]}`;
  activity.counted = args[0] === 'build' ? 'packages compiled' : undefined;
  activity.lines = 0;
  await run('go', args, { cwd: dir, env: goEnv(), onOutput: (chunk) => (activity.lines += chunk.split('\n').length - 1) });
}

/** A writable copy of `module@version` from the module proxy at `dest`: module-cache trees are read-only. */
async function copyModule(module: string, dest: string): Promise<void> {
  mkdirSync(VELERO_DIR, { recursive: true });
  const { stdout } = await run('go', ['mod', 'download', '-json', module], { cwd: VELERO_DIR, env: goEnv() });
  rmSync(dest, { recursive: true, force: true });
  cpSync((JSON.parse(stdout) as { Dir: string }).Dir, dest, { recursive: true });
  const writable = (path: string): void => {
    chmodSync(path, statSync(path).mode | 0o200);
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) writable(join(path, entry));
  };
  writable(dest);
}

/** Replaces `from` with `to` in a file of the module copy; throws when `from` is not there (another release changed it). */
function patch(file: string, from: string, to: string, what: string): void {
  const code = readFileSync(file, 'utf8');
  if (!code.includes(from)) throw new Error(`velero ${VELERO_VERSION}: ${what} was not found in ${file}`);
  writeFileSync(file, code.replace(from, to));
}

/**
 * Builds the Velero server inside a copy of its released module (its own
 * go.mod, replaces and go.sum), with two changes: k8s.io/cli-runtime
 * replaced by a release the proxy serves (see {@link CLI_RUNTIME_REPLACEMENT}),
 * and its controller manager's metrics server, which would listen on :8080 on
 * every interface, turned off. Then the AWS plugin inside a copy of its
 * module, unchanged. The CRDs are kept beside them for the bed to install.
 */
export async function buildVelero(activity: VeleroBuildActivity): Promise<void> {
  mkdirSync(join(VELERO_DIR, 'bin'), { recursive: true });
  mkdirSync(VELERO_PLUGIN_DIR, { recursive: true });
  activity.doing = 'fetching the modules';
  const src = join(VELERO_DIR, 'src');
  await copyModule(`github.com/vmware-tanzu/velero@${VELERO_VERSION}`, src);
  const server = join(src, 'pkg', 'cmd', 'server', 'server.go');
  patch(server, CTRL_IMPORT, METRICS_IMPORT, 'the controller-runtime import');
  patch(server, MANAGER_OPTIONS, MANAGER_OPTIONS_LOCAL, "the controller manager's options");
  await go(src, ['mod', 'edit', `-replace=k8s.io/cli-runtime=k8s.io/cli-runtime@${CLI_RUNTIME_REPLACEMENT}`], activity);
  rmSync(VELERO_CRDS, { recursive: true, force: true });
  mkdirSync(VELERO_CRDS, { recursive: true });
  for (const version of ['v1', 'v2alpha1']) {
    const dir = join(src, 'config', 'crd', version, 'bases');
    for (const crd of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) cpSync(join(dir, crd), join(VELERO_CRDS, crd));
  }
  const info = 'github.com/vmware-tanzu/velero/pkg/buildinfo';
  // The release's commit is not in the module.
  const ldflags = `-s -w -X ${info}.Version=${VELERO_VERSION} -X ${info}.GitSHA=unknown -X ${info}.GitTreeState=clean`;
  // -mod=mod: the replacement's checksums go into the copy's go.sum.
  await go(src, ['build', '-mod=mod', '-v', '-trimpath', '-ldflags', ldflags, '-o', VELERO_BINARY, './cmd/velero'], activity);
  const pluginSrc = join(VELERO_DIR, 'plugin-src');
  activity.doing = 'fetching the plugin module';
  await copyModule(`github.com/vmware-tanzu/velero-plugin-for-aws@${VELERO_AWS_PLUGIN_VERSION}`, pluginSrc);
  await go(pluginSrc, ['build', '-v', '-trimpath', '-ldflags', '-s -w', '-o', VELERO_AWS_PLUGIN, './velero-plugin-for-aws'], activity);
}

/** The names of the CRDs the build kept, as the cluster lists them (`backups.velero.io`, …). */
function crdNames(): string[] {
  return readdirSync(VELERO_CRDS)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => {
      const [group, plural] = f.replace(/\.yaml$/, '').split('_');
      return `${plural}.${group}`;
    });
}

/**
 * Applies Velero's CRDs (server-side, so again is a no-op) and waits until
 * every one is Established: the server refuses to start while any of its
 * kinds is not served.
 */
export async function installVeleroCrds(cluster: ClusterInfo): Promise<void> {
  const kubectl = (...args: string[]) => run(BINARIES.kubectl, ['--kubeconfig', cluster.kubeconfigs.admin, ...args]);
  await kubectl('apply', '--server-side', '-f', VELERO_CRDS);
  const names = crdNames();
  const established = ['get', 'crd', ...names, '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Established")].status}{"\\n"}{end}'];
  await waitFor(
    "Velero's CRDs to be established",
    async () => ((await kubectl(...established)).stdout.split('\n').filter((s) => s === 'True').length === names.length ? true : undefined),
    60_000,
  );
}

/** Creates Velero's bucket in moto unless it is there (moto's reset removes every bucket). */
export async function ensureVeleroBucket(moto: MotoInfo): Promise<void> {
  // moto accepts unsigned path-style S3 calls; 409 BucketAlreadyOwnedByYou means it is there.
  const res = await fetch(`${moto.endpoint}/${VELERO_BUCKET}`, { method: 'PUT' });
  if (!res.ok && res.status !== 409) throw new Error(`moto: creating bucket ${VELERO_BUCKET} failed: HTTP ${res.status}`);
}

/** The BackupStorageLocation: moto's S3, path-style, as Velero's AWS plugin documents for MinIO and other S3 look-alikes. */
function backupStorageLocation(moto: MotoInfo): object {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'BackupStorageLocation',
    metadata: { name: VELERO_LOCATION, namespace: VELERO_NAMESPACE },
    spec: {
      provider: 'aws',
      default: true,
      objectStorage: { bucket: VELERO_BUCKET },
      config: { region: moto.region, s3ForcePathStyle: 'true', s3Url: moto.endpoint },
      validationFrequency: LOCATION_VALIDATION,
    },
  };
}

/**
 * The Deployment `velero install` makes. Velero's restore reads it (its pod
 * volume restore action takes the restore helper's image from it, and a
 * restore fails without it), so the bed makes one as the "run locally" guide
 * keeps one. One replica, not that guide's zero: the bed's seed waits for
 * every Deployment to roll out, and a scaled-to-zero one never reports it;
 * its pod is kwok's, so nothing of it runs.
 */
function serverDeployment(): object {
  // seed.ts's KWOK_TOLERATION, not imported: seed.ts loads @kubernetes/client-node, and build.ts (so `testbed:build`) loads this module.
  const toleration = { key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' };
  const labels = { component: 'velero', deploy: 'velero' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'velero', namespace: VELERO_NAMESPACE, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { tolerations: [toleration], containers: [{ name: 'velero', image: `velero/velero:${VELERO_VERSION}`, command: ['/velero'], args: ['server'] }] },
      },
    },
  };
}

/** `status.phase` of the bed's BackupStorageLocation: `Available` once Velero has reached its bucket. */
export async function veleroLocationPhase(cluster: ClusterInfo): Promise<string> {
  const { stdout } = await run(BINARIES.kubectl, [
    '--kubeconfig', cluster.kubeconfigs.admin, '-n', VELERO_NAMESPACE, 'get', 'backupstoragelocation', VELERO_LOCATION, '-o', 'jsonpath={.status.phase}',
  ]);
  return stdout;
}

/**
 * Installs the CRDs, the namespace, the bucket, the server's Deployment (see
 * {@link serverDeployment}) and the storage location on
 * `cluster`, then starts the server with its metrics on a free 127.0.0.1 port
 * (its profiler off); resolves once it answers and its storage location is
 * Available.
 */
export async function startVelero(stateDir: string, cluster: ClusterInfo, moto: MotoInfo): Promise<{ info: VeleroInfo; pid: number }> {
  await Promise.all([installVeleroCrds(cluster), ensureVeleroBucket(moto)]);
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: VELERO_NAMESPACE } };
  const list = { apiVersion: 'v1', kind: 'List', items: [namespace, serverDeployment(), backupStorageLocation(moto)] };
  await run(BINARIES.kubectl, ['--kubeconfig', cluster.kubeconfigs.admin, 'apply', '--server-side', '-f', '-'], { input: JSON.stringify(list) });
  // As `velero install --secret-file` gives it: a shared credentials file the plugin's AWS SDK reads.
  const credentials = join(stateDir, 'velero-credentials');
  writeFileSync(credentials, `[default]\naws_access_key_id=${moto.accessKeyId}\naws_secret_access_key=${moto.secretAccessKey}\n`, { mode: 0o600 });
  const metricsPort = await freePort();
  const logFile = join(stateDir, 'velero.log');
  const pid = spawnDaemon(
    VELERO_BINARY,
    [
      'server',
      '--kubeconfig', cluster.kubeconfigs.admin,
      '--namespace', VELERO_NAMESPACE,
      '--plugin-dir', VELERO_PLUGIN_DIR,
      '--metrics-address', `127.0.0.1:${metricsPort}`,
      // Its default, localhost:6060, is a fixed port; nothing here reads the profiler.
      '--profiler-address=',
      '--log-level', 'info',
    ],
    {
      logFile,
      env: {
        ...process.env,
        AWS_SHARED_CREDENTIALS_FILE: credentials,
        // No instance metadata service here: the SDK would wait on it before falling back.
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    },
  );
  const info: VeleroInfo = { cluster: cluster.name, namespace: VELERO_NAMESPACE, location: VELERO_LOCATION, bucket: VELERO_BUCKET, metrics: `http://127.0.0.1:${metricsPort}/metrics`, logFile };
  await waitFor('the Velero server /metrics', async () => ((await veleroHealthy(info)) ? true : undefined), 120_000, 500);
  await waitFor(`Velero's BackupStorageLocation to be Available (log: ${logFile})`, async () => ((await veleroLocationPhase(cluster)) === 'Available' ? true : undefined), 60_000, 1000);
  return { info, pid };
}

/** The server answers its metrics endpoint (it opens once its controllers start). */
export async function veleroHealthy(info: VeleroInfo): Promise<boolean> {
  return fetch(info.metrics).then(
    (r) => r.ok,
    () => false,
  );
}

/**
 * The two kwok clusters: creation with kwokctl's binary runtime, the fake
 * nodes, the three kinds of user (client certificate, namespace-limited
 * ServiceAccount token, exec plugin), and the fault controls.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify, parse } from 'yaml';
import { BINARIES, TESTBED_SRC_DIR } from './paths';
import { isAlive, run, signal, waitFor, waitPortClosed } from './proc';
import { H200, type NodeSpec } from './topology';

/** Everything a test needs to reach and break one kwok cluster. */
export interface ClusterInfo {
  /** kwokctl cluster name. */
  name: string;
  /** `https://127.0.0.1:PORT` of the kube-apiserver. */
  server: string;
  /** Kubeconfig files, one user each. */
  kubeconfigs: {
    /** Client-certificate user with cluster-admin rights. */
    admin: string;
    /** ServiceAccount token user allowed only in {@link ClusterInfo.restrictedNamespaces}. */
    restricted: string;
    /** Exec-plugin user (cluster-admin) whose token comes from `exec-credential.sh`. */
    exec: string;
  };
  /** Namespaces where the restricted user has every right; it is Forbidden elsewhere. */
  restrictedNamespaces: string[];
  /** kwokctl's work directory for this cluster (pids/, logs/, pki/). */
  workdir: string;
  /** CRI-format file every container's `kubectl logs` reads; lines appended stream to `logs -f`. */
  podLogFile: string;
  /** Directory where `kubectl exec` commands run, on this machine. */
  execWorkDir: string;
  /** Where every `kubectl port-forward` to a pod of this cluster lands. */
  portForwardTarget: { address: string; port: number };
  /** Names of the kwok nodes, by kind. */
  nodes: { gpu: string[]; cpu: string[] };
}

/** Namespace holding the bed's ServiceAccounts and token-binding Secrets. */
const AUTH_NAMESPACE = 'pilothouse-testbed';
const RESTRICTED_SA = 'restricted-user';
const RESTRICTED_BINDING_SECRET = 'restricted-user-token-binding';
const EXEC_SA = 'exec-user';
/** Long enough for a day of reuse; `up` re-issues tokens that stopped working. */
const TOKEN_DURATION = '48h';

/** Namespaces in which the restricted user may do anything. */
const RESTRICTED_NAMESPACES = ['team-a', 'ml-serving'];

/** Runs the cached kubectl against a kubeconfig. */
async function kubectl(kubeconfig: string, args: readonly string[], input?: string): Promise<string> {
  const { stdout } = await run(BINARIES.kubectl, ['--kubeconfig', kubeconfig, ...args], { input });
  return stdout;
}

/** kwokctl's work directory (`KWOK_WORKDIR`) inside the bed's state directory. */
function kwokWorkdir(stateDir: string): string {
  return join(stateDir, 'kwok');
}

async function kwokctl(workdir: string, args: readonly string[]): Promise<string> {
  // Keeps kwokctl's clusters, PKI and logs in the bed's state dir, not ~/.kwok.
  const { stdout } = await run(BINARIES.kwokctl, args, { env: { ...process.env, KWOK_WORKDIR: workdir } });
  return stdout;
}

function kwokctlConfig(clusterDir: string, logFile: string, execDir: string, pfPort: number): string {
  const docs: object[] = [
    {
      apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
      kind: 'KwokctlConfiguration',
      options: {
        // There is no --kubectl-binary flag; without this kwokctl would download one.
        kubectlBinary: BINARIES.kubectl,
        // kwokctl binds every component to 0.0.0.0 by default.
        bindAddress: '127.0.0.1',
      },
      // One of each, so no leader election: on a busy machine a lease renewal that took over 5 s made the
      // controller-manager and scheduler exit ("leaderelection lost"), leaving new namespaces without ServiceAccounts.
      componentsPatches: ['kube-controller-manager', 'kube-scheduler'].map((name) => ({ name, extraArgs: [{ key: 'leader-elect', value: 'false' }] })),
    },
    {
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'ClusterLogs',
      metadata: { name: 'pilothouse-logs' },
      spec: { logs: [{ containers: [], logsFile: logFile, follow: true }] },
    },
    {
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'ClusterExec',
      metadata: { name: 'pilothouse-exec' },
      spec: { execs: [{ containers: [], local: { workDir: execDir } }] },
    },
    {
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'ClusterPortForward',
      metadata: { name: 'pilothouse-port-forward' },
      spec: { forwards: [{ target: { address: '127.0.0.1', port: pfPort } }] },
    },
  ];
  const stages = readFileSync(join(TESTBED_SRC_DIR, 'kwok-stages.yaml'), 'utf8');
  const file = join(clusterDir, 'kwokctl.yaml');
  writeFileSync(file, `${docs.map((d) => stringify(d)).join('---\n')}---\n${stages}`);
  return file;
}

/** CRI log lines (kwok rejects plain text): what `kubectl logs` shows for every container. */
function initialPodLog(): string {
  const start = Date.now() - 60_000;
  const lines = [
    'pilothouse test bed container starting',
    'loading configuration from /etc/app/config.yaml',
    'listening on 0.0.0.0:8080',
    'health check ok',
    'processed 128 requests in the last 10s',
  ];
  return lines.map((l, i) => criLogLine(l, new Date(start + i * 1000))).join('');
}

/** Formats one CRI log line, as kwok's ClusterLogs reads them. */
export function criLogLine(text: string, at = new Date(), stream: 'stdout' | 'stderr' = 'stdout'): string {
  return `${at.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')} ${stream} F ${text}\n`;
}

function nodeManifest(n: NodeSpec, region: string): object {
  const gpu = n.kind === 'gpu';
  const resources = gpu
    ? { cpu: '192', memory: '2063731Mi', pods: '110', 'ephemeral-storage': '7450Gi', 'nvidia.com/gpu': String(H200.gpusPerNode) }
    : { cpu: '32', memory: '130080Mi', pods: '110', 'ephemeral-storage': '500Gi' };
  // Labels as NVIDIA GPU feature discovery and EKS set them on a real p5en node.
  const gpuLabels = gpu
    ? {
        'nvidia.com/gpu.present': 'true',
        'nvidia.com/gpu.product': H200.product,
        'nvidia.com/gpu.count': String(H200.gpusPerNode),
        'nvidia.com/gpu.memory': String(H200.memoryMiB),
        'nvidia.com/gpu.family': 'hopper',
        'nvidia.com/gpu.compute.major': '9',
        'nvidia.com/gpu.compute.minor': '0',
        'nvidia.com/gpu.machine': n.instanceType,
        'nvidia.com/gpu.replicas': '1',
        'nvidia.com/gpu.sharing-strategy': 'none',
        'nvidia.com/mig.capable': 'true',
        'nvidia.com/cuda.driver-version.full': H200.driver,
        'nvidia.com/cuda.driver.major': H200.driver.split('.')[0],
        'nvidia.com/cuda.runtime-version.major': H200.cudaMajor,
      }
    : {};
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': n.name,
        'node.kubernetes.io/instance-type': n.instanceType,
        'topology.kubernetes.io/region': region,
        'topology.kubernetes.io/zone': n.zone,
        'eks.amazonaws.com/nodegroup': gpu ? 'gpu-h200' : 'general',
        'eks.amazonaws.com/capacityType': 'ON_DEMAND',
        type: 'kwok',
        ...gpuLabels,
      },
    },
    // kwok's controller only manages nodes with this annotation; the taint keeps
    // pods off them unless they opt in with a toleration.
    spec: { taints: [{ key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' }] },
    status: {
      allocatable: resources,
      capacity: resources,
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        osImage: 'Amazon Linux 2023.9.20251110',
        kernelVersion: '6.12.46-66.121.amzn2023.x86_64',
        containerRuntimeVersion: 'containerd://2.1.4',
        kubeletVersion: 'v1.34.4-eks-1234567',
      },
    },
  };
}

/** The Secret the restricted token is bound to: delete it and the token is void. */
function bindingSecret(): object {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: RESTRICTED_BINDING_SECRET, namespace: AUTH_NAMESPACE },
    type: 'Opaque',
  };
}

function accessManifests(restrictedNamespaces: readonly string[]): object[] {
  const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const sa = (name: string) => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace: AUTH_NAMESPACE },
  });
  const subject = (name: string) => ({ kind: 'ServiceAccount', name, namespace: AUTH_NAMESPACE });
  return [
    ns(AUTH_NAMESPACE),
    ...restrictedNamespaces.map(ns),
    sa(RESTRICTED_SA),
    sa(EXEC_SA),
    bindingSecret(),
    ...restrictedNamespaces.flatMap((namespace) => [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'pilothouse-restricted', namespace },
        rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'pilothouse-restricted', namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pilothouse-restricted' },
        subjects: [subject(RESTRICTED_SA)],
      },
    ]),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'pilothouse-exec-user' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [subject(EXEC_SA)],
    },
  ];
}

interface KubeconfigCluster {
  server: string;
  caData: string;
}

function readAdminCluster(adminKubeconfig: string): KubeconfigCluster {
  const kc = parse(readFileSync(adminKubeconfig, 'utf8'));
  const c = kc.clusters[0].cluster;
  const caData = c['certificate-authority-data'] ?? readFileSync(c['certificate-authority']).toString('base64');
  return { server: c.server, caData };
}

function writeKubeconfig(file: string, name: string, c: KubeconfigCluster, user: object, namespace?: string): void {
  const kc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: c.server, 'certificate-authority-data': c.caData } }],
    users: [{ name: `${name}-user`, user }],
    contexts: [{ name, context: { cluster: name, user: `${name}-user`, ...(namespace ? { namespace } : {}) } }],
    'current-context': name,
  };
  writeFileSync(file, stringify(kc), { mode: 0o600 });
}

async function issueRestrictedToken(info: ClusterInfo): Promise<void> {
  const admin = info.kubeconfigs.admin;
  await kubectl(admin, ['apply', '--server-side', '--field-manager=pilothouse-testbed', '-f', '-'], stringify(bindingSecret()));
  // Bound to a Secret so deleting that Secret revokes the token at once.
  const token = (
    await kubectl(admin, [
      'create', 'token', RESTRICTED_SA, '-n', AUTH_NAMESPACE, '--duration', TOKEN_DURATION,
      '--bound-object-kind', 'Secret', '--bound-object-name', RESTRICTED_BINDING_SECRET,
    ])
  ).trim();
  writeKubeconfig(
    info.kubeconfigs.restricted,
    `${info.name}-restricted`,
    readAdminCluster(admin),
    { token },
    info.restrictedNamespaces[0],
  );
}

async function issueExecToken(info: ClusterInfo): Promise<void> {
  // The plugin reads the token from here each time a client asks for credentials.
  const tokenFile = join(dirname(info.kubeconfigs.exec), 'exec-user.token');
  const token = (
    await kubectl(info.kubeconfigs.admin, ['create', 'token', EXEC_SA, '-n', AUTH_NAMESPACE, '--duration', TOKEN_DURATION])
  ).trim();
  writeFileSync(tokenFile, token, { mode: 0o600 });
  writeKubeconfig(info.kubeconfigs.exec, `${info.name}-exec`, readAdminCluster(info.kubeconfigs.admin), {
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: join(TESTBED_SRC_DIR, 'exec-credential.sh'),
      args: [tokenFile],
      interactiveMode: 'Never',
      provideClusterInfo: false,
    },
  });
}

/** Options for {@link createCluster}. */
export interface CreateClusterOptions {
  name: string;
  stateDir: string;
  region: string;
  nodes: readonly NodeSpec[];
  portForwardPort: number;
}

/**
 * Creates one kwok cluster, then applies its nodes, namespaces and RBAC and
 * writes the three kubeconfigs.
 */
export async function createCluster(opts: CreateClusterOptions): Promise<ClusterInfo> {
  const dir = join(opts.stateDir, opts.name);
  const execWorkDir = join(dir, 'exec');
  mkdirSync(execWorkDir, { recursive: true });
  const podLogFile = join(dir, 'pod.log');
  writeFileSync(podLogFile, initialPodLog());
  const admin = join(dir, 'admin.kubeconfig');
  const info: ClusterInfo = {
    name: opts.name,
    server: '',
    kubeconfigs: { admin, restricted: join(dir, 'restricted.kubeconfig'), exec: join(dir, 'exec.kubeconfig') },
    restrictedNamespaces: [...RESTRICTED_NAMESPACES],
    workdir: join(kwokWorkdir(opts.stateDir), 'clusters', opts.name),
    podLogFile,
    execWorkDir,
    portForwardTarget: { address: '127.0.0.1', port: opts.portForwardPort },
    nodes: {
      gpu: opts.nodes.filter((n) => n.kind === 'gpu').map((n) => n.name),
      cpu: opts.nodes.filter((n) => n.kind === 'cpu').map((n) => n.name),
    },
  };
  const config = kwokctlConfig(dir, podLogFile, execWorkDir, opts.portForwardPort);
  await kwokctl(kwokWorkdir(opts.stateDir), [
    'create', 'cluster',
    '--name', opts.name,
    '--runtime', 'binary',
    '--kube-apiserver-binary', BINARIES.kubeApiserver,
    '--kube-controller-manager-binary', BINARIES.kubeControllerManager,
    '--kube-scheduler-binary', BINARIES.kubeScheduler,
    '--kwok-controller-binary', BINARIES.kwok,
    '--etcd-binary', BINARIES.etcd,
    '--kubeconfig', admin,
    '--disable-qps-limits',
    '--wait', '2m',
    '-c', config,
  ]);
  info.server = readAdminCluster(admin).server;
  const manifests = [...opts.nodes.map((n) => nodeManifest(n, opts.region)), ...accessManifests(info.restrictedNamespaces)];
  await kubectl(
    admin,
    ['apply', '--server-side', '--field-manager=pilothouse-testbed', '-f', '-'],
    manifests.map((m) => stringify(m)).join('---\n'),
  );
  await Promise.all([issueRestrictedToken(info), issueExecToken(info)]);
  return info;
}

/** Deletes a kwok cluster: every process it started stops, its work directory goes. */
export async function deleteCluster(stateDir: string, name: string): Promise<void> {
  const workdir = join(kwokWorkdir(stateDir), 'clusters', name);
  if (!existsSync(workdir)) return;
  // kwokctl SIGKILLs each component, which also ends a paused apiserver.
  await kwokctl(kwokWorkdir(stateDir), ['delete', 'cluster', '--name', name]);
}

/** Pids of the processes kwokctl runs for a cluster, by component (from its pid files). */
export function clusterPids(info: Pick<ClusterInfo, 'workdir'>): Record<string, number> {
  const pidsDir = join(info.workdir, 'pids');
  if (!existsSync(pidsDir)) return {};
  return Object.fromEntries(
    readdirSync(pidsDir)
      .filter((f) => f.endsWith('.pid'))
      .map((f) => [f.slice(0, -'.pid'.length), Number(readFileSync(join(pidsDir, f), 'utf8').trim())]),
  );
}

/**
 * Components of the cluster that are not running. On a busy machine a
 * controller-manager or scheduler whose leader lease could not be renewed in
 * time exits ("leaderelection lost") while the apiserver keeps answering
 * /readyz: pods then get no ServiceAccount, no node, no garbage collection.
 */
export function deadComponents(info: Pick<ClusterInfo, 'workdir'>): string[] {
  return Object.entries(clusterPids(info))
    .filter(([, pid]) => !isAlive(pid))
    .map(([component]) => component);
}

function apiserverPid(info: Pick<ClusterInfo, 'workdir'>): number {
  const pid = clusterPids(info)['kube-apiserver'];
  if (!pid) throw new Error(`no kube-apiserver pid file under ${info.workdir}`);
  return pid;
}

/**
 * Resolves with the HTTP status of `GET /readyz` as the admin user, or
 * rejects when no HTTP answer came (refused, timed out).
 */
export async function readyzStatus(info: Pick<ClusterInfo, 'kubeconfigs'>, timeoutMs = 2000): Promise<number> {
  // -v=6 makes kubectl log each response's status, failed or not.
  const args = ['--kubeconfig', info.kubeconfigs.admin, '--request-timeout', `${timeoutMs}ms`, '-v=6', 'get', '--raw', '/readyz'];
  const text = await run(BINARIES.kubectl, args).then(
    (r) => r.stderr,
    (e: Error) => e.message,
  );
  const m = /"Response" verb="GET" url="[^"]*\/readyz[^"]*" status="(\d{3})/.exec(text);
  if (!m) throw new Error(`no answer from ${info.kubeconfigs.admin}'s apiserver:\n${text.trim().split('\n').pop()}`);
  return Number(m[1]);
}

/** True when the apiserver answers `/readyz` with 200. */
export async function clusterHealthy(info: ClusterInfo): Promise<boolean> {
  return readyzStatus(info).then(
    (s) => s === 200,
    () => false,
  );
}

/**
 * Kills the cluster's kube-apiserver (SIGKILL, like a crash: a graceful
 * SIGTERM takes ~10 s to drain); clients then get connection refused.
 */
export async function stopApiserver(info: ClusterInfo): Promise<void> {
  const pid = apiserverPid(info);
  signal(pid, 'SIGKILL');
  await waitFor('kube-apiserver to die', async () => (isAlive(pid) ? undefined : true), 10_000, 50);
  // The kernel may close the listening socket a moment after the process dies.
  const url = new URL(info.server);
  await waitPortClosed(url.hostname, Number(url.port));
  forgetDeadComponents(info);
}

/**
 * Removes pid files of components that are gone. kwokctl treats a pid that
 * still answers signal 0 as running, and an unreaped zombie does, so without
 * this `kwokctl start cluster` would not restart them.
 */
function forgetDeadComponents(info: Pick<ClusterInfo, 'workdir'>): void {
  for (const [component, pid] of Object.entries(clusterPids(info)))
    if (!isAlive(pid)) rmSync(join(info.workdir, 'pids', `${component}.pid`), { force: true });
}

/**
 * Starts whatever cluster components are not running (the stopped apiserver,
 * and any controller that exited while it was gone) and waits for `/readyz`.
 */
export async function startApiserver(info: ClusterInfo): Promise<void> {
  forgetDeadComponents(info);
  await kwokctl(dirname(dirname(info.workdir)), ['start', 'cluster', '--name', info.name]);
  await waitFor('kube-apiserver /readyz', async () => ((await clusterHealthy(info)) ? true : undefined), 60_000);
}

/** Freezes the apiserver with SIGSTOP: connections open but nothing answers (a hung server). */
export async function pauseApiserver(info: ClusterInfo): Promise<void> {
  signal(apiserverPid(info), 'SIGSTOP');
}

/** Undoes {@link pauseApiserver} with SIGCONT. */
export async function resumeApiserver(info: Pick<ClusterInfo, 'workdir'>): Promise<void> {
  const pid = clusterPids(info)['kube-apiserver'];
  if (pid) signal(pid, 'SIGCONT');
}

async function restrictedStatus(info: ClusterInfo): Promise<number> {
  return run(BINARIES.kubectl, ['--kubeconfig', info.kubeconfigs.restricted, 'get', '--raw', '/version']).then(
    () => 200,
    (e: Error) => {
      if (/Unauthorized|must be logged in/.test(e.message)) return 401;
      throw e;
    },
  );
}

/**
 * Revokes the restricted user's token (its binding Secret is deleted) and
 * waits until the apiserver answers it with 401, past its 10 s token cache.
 */
export async function expireRestrictedToken(info: ClusterInfo): Promise<void> {
  await kubectl(info.kubeconfigs.admin, [
    'delete', 'secret', RESTRICTED_BINDING_SECRET, '-n', AUTH_NAMESPACE, '--ignore-not-found', '--wait=true',
  ]);
  await waitFor('the restricted token to be rejected', async () => ((await restrictedStatus(info)) === 401 ? true : undefined), 30_000, 500);
}

/** Issues a fresh restricted token and rewrites the restricted kubeconfig with it. */
export async function renewRestrictedToken(info: ClusterInfo): Promise<void> {
  await issueRestrictedToken(info);
}

/** Re-issues tokens that stopped working, e.g. after they expired or were revoked. */
export async function refreshTokens(info: ClusterInfo): Promise<void> {
  if ((await restrictedStatus(info).catch(() => 0)) !== 200) await issueRestrictedToken(info);
  const execOk = await run(BINARIES.kubectl, ['--kubeconfig', info.kubeconfigs.exec, 'get', '--raw', '/version']).then(
    () => true,
    () => false,
  );
  if (!execOk) await issueExecToken(info);
}

/** Waits until every node of the cluster reports Ready. */
export async function waitNodesReady(info: ClusterInfo, timeoutMs = 60_000): Promise<void> {
  const want = info.nodes.gpu.length + info.nodes.cpu.length;
  await waitFor(
    `${want} Ready nodes in ${info.name}`,
    async () => {
      const out = await kubectl(info.kubeconfigs.admin, [
        'get', 'nodes', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
      ]);
      return out.split('\n').filter((s) => s === 'True').length >= want ? true : undefined;
    },
    timeoutMs,
    250,
  );
}

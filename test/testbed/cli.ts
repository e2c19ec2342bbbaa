/**
 * `npm run testbed:<command>`: prereqs | build | up | down | status | seed [--large].
 *
 *   prereqs [--no-chromium]
 *                         install what the bed lacks: Debian packages (as root),
 *                         the moto venv, the Go builds (`npm test` runs it first)
 *   build                 build or reuse the cached binaries, print timings
 *   up                    start the bed (or reuse a healthy one), print how to reach it
 *   down                  stop everything and remove the state directory's contents
 *   status                health of each part and memory (RSS) of each process
 *   seed                  seed the primary cluster (idempotent)
 *   seed --large [--nodes N] [--pods M]
 *                         add N nodes and M pods (default 500 / 10000) for benchmarks
 *   fault <pause|resume|stop|start> [--cluster primary|secondary]
 *                         put a cluster's apiserver in a fault state by hand (default
 *                         the primary): pause freezes it (connections stay open, nothing
 *                         answers: a hung server), resume thaws it, stop kills it
 *                         (connections refused), start brings it back
 */
import { buildBinaries } from './build';
import { secs } from './proc';
import { provisionPrerequisites } from './provision';
import type { TestbedInfo } from './index';

// The bed's modules load @kubernetes/client-node (seconds on a busy machine): only the commands that run the bed wait for them.
const bed = () => import('./index');

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} needs a positive integer`);
  return n;
}

function describe(info: TestbedInfo): string {
  const { primary, secondary } = info.clusters;
  return [
    `state dir   ${info.stateDir}`,
    `kubectl     ${info.kubectl}`,
    `primary     ${primary.server}  nodes: ${[...primary.nodes.gpu, ...primary.nodes.cpu].join(' ')}`,
    `secondary   ${secondary.server}  nodes: ${[...secondary.nodes.gpu, ...secondary.nodes.cpu].join(' ')}`,
    `moto        ${info.moto.endpoint}  region ${info.moto.region}  bucket ${info.moto.backupBucket}`,
    `prometheus  ${info.prometheus.url}`,
    `rollouts    Argo Rollouts controller on ${info.argoRollouts.cluster}  (log ${info.argoRollouts.logFile})`,
    // A state.json written before the controller was part of the bed has none; `up` makes that bed anew.
    `workflows   ${info.argoWorkflows ? `Argo Workflows controller on ${info.argoWorkflows.cluster}, every namespace  (log ${info.argoWorkflows.logFile})` : 'no Argo Workflows controller: `npm run testbed:up` remakes this older bed with one'}`,
    // A state.json written before Velero was part of the bed has none; `up` starts one for that bed.
    `velero      ${info.velero ? `Velero server on ${info.velero.cluster}, namespace ${info.velero.namespace}, bucket ${info.velero.bucket}  (log ${info.velero.logFile})` : 'no Velero server: `npm run testbed:up` starts one'}`,
    '',
    'Use it by hand:',
    `  export KUBECONFIG=${primary.kubeconfigs.admin}`,
    `  alias kubectl=${info.kubectl}`,
    `  # restricted (only ${primary.restrictedNamespaces.join(', ')}): ${primary.kubeconfigs.restricted}`,
    `  # exec-plugin user: ${primary.kubeconfigs.exec}`,
    `  # secondary cluster: ${secondary.kubeconfigs.admin}`,
    `  export AWS_ENDPOINT_URL=${info.moto.endpoint} AWS_REGION=${info.moto.region} AWS_ACCESS_KEY_ID=${info.moto.accessKeyId} AWS_SECRET_ACCESS_KEY=${info.moto.secretAccessKey}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  const log = (l: string) => console.log(l);
  switch (command) {
    case 'prereqs': {
      await provisionPrerequisites({ chromium: !args.includes('--no-chromium'), log: (l) => log(`[prereqs] ${l}`) });
      return;
    }
    case 'build': {
      const t0 = Date.now();
      await buildBinaries(log);
      log(`build done in ${secs(Date.now() - t0)}`);
      return;
    }
    case 'up': {
      const { startTestbed } = await bed();
      const info = await startTestbed({ log });
      log(describe(info));
      return;
    }
    case 'down': {
      const { stopTestbed } = await bed();
      const t0 = Date.now();
      await stopTestbed();
      log(`test bed stopped in ${secs(Date.now() - t0)}`);
      return;
    }
    case 'status': {
      const { testbedStatus } = await bed();
      const s = await testbedStatus();
      if (!s) {
        log('no test bed recorded (state.json missing); start one with `npm run testbed:up`');
        process.exitCode = 1;
        return;
      }
      log(describe(s.info));
      log('');
      for (const [part, ok] of Object.entries(s.health)) log(`${ok ? 'ok  ' : 'DOWN'} ${part}`);
      log('');
      let total = 0;
      for (const p of s.processes) {
        total += p.rssKiB;
        log(`${(p.rssKiB / 1024).toFixed(0).padStart(6)} MiB  ${p.name} (pid ${p.pid})${p.rssKiB === 0 ? ' EXITED: `npm run testbed:up` starts it again' : ''}`);
      }
      log(`${(total / 1024).toFixed(0).padStart(6)} MiB  total RSS`);
      if (!Object.values(s.health).every(Boolean)) process.exitCode = 1;
      return;
    }
    case 'seed': {
      const { seedLarge, seedTestbed, startTestbed } = await bed();
      const info = await startTestbed({ log });
      const kubeconfig = info.clusters.primary.kubeconfigs.admin;
      if (args.includes('--large')) {
        await seedLarge(kubeconfig, { nodes: flag(args, '--nodes', 500), pods: flag(args, '--pods', 10_000), log });
      } else {
        await seedTestbed(kubeconfig, { log });
      }
      return;
    }
    case 'fault': {
      const [fault] = args;
      const which = args.includes('--cluster') ? args[args.indexOf('--cluster') + 1] : 'primary';
      if (which !== 'primary' && which !== 'secondary') throw new Error('--cluster is primary or secondary');
      const { readTestbedState, pauseApiserver, resumeApiserver, startApiserver, stopApiserver } = await bed();
      const info = readTestbedState();
      if (!info) throw new Error('no test bed is running; start one with `npm run testbed:up`');
      const cluster = info.clusters[which];
      const faults: Record<string, [() => Promise<void>, string]> = {
        pause: [() => pauseApiserver(cluster), 'paused: it holds connections and answers nothing; `npm run testbed:resume` thaws it'],
        resume: [() => resumeApiserver(cluster), 'resumed'],
        stop: [() => stopApiserver(cluster), 'stopped: connections are refused; `npm run testbed:start-apiserver` brings it back'],
        start: [() => startApiserver(cluster), 'running and ready'],
      };
      const chosen = faults[fault ?? ''];
      if (!chosen) throw new Error('usage: tsx test/testbed/cli.ts fault pause|resume|stop|start [--cluster primary|secondary]');
      await chosen[0]();
      log(`${cluster.name} apiserver (${cluster.server}) ${chosen[1]}`);
      return;
    }
    default:
      throw new Error(
        `usage: tsx test/testbed/cli.ts prereqs [--no-chromium]|build|up|down|status|seed [--large [--nodes N] [--pods M]]|fault pause|resume|stop|start [--cluster primary|secondary]`,
      );
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exitCode = 1;
});

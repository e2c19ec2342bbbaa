/**
 * Installs what the test bed lacks, each part skipped when already there:
 * Debian packages (as root), the venv with moto, the Go-built binaries.
 * `npm test` runs it before vitest; `npm run testbed:prereqs` runs it alone.
 * With everything in place it only looks, and returns within a second.
 */
import { spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { buildComponent } from './build';
import { MOTO_VERSION, VENV_DIR } from './paths';
import { checkPrerequisites, missingPrerequisites, type PrerequisiteOptions } from './prereqs';
import { duration, run } from './proc';

/** Options for {@link provisionPrerequisites}. */
export interface ProvisionOptions extends PrerequisiteOptions {
  /** Progress lines; each step is numbered ("(3/5) building kubernetes v1.34.4 …"). */
  log?: (line: string) => void;
}

/** The oldest Go the binaries build with: Argo Rollouts v1.10.1's go.mod asks for 1.26.1 (Velero's for 1.26.0, k8s 1.34 for 1.24). */
export const MIN_GO = { minor: 26, patch: 1 };

/** Whether `go env GOVERSION`'s answer ("go1.26.8", "go1.27rc1") is at least {@link MIN_GO}; false for anything else. */
export function goRecentEnough(version: string): boolean {
  const m = /^go1\.(\d+)(?:\.(\d+))?/.exec(version.trim());
  if (!m) return false;
  const minor = Number(m[1]);
  return minor > MIN_GO.minor || (minor === MIN_GO.minor && Number(m[2] ?? 0) >= MIN_GO.patch);
}

/** The Go the binaries are built with, on PATH and recent enough; throws saying so otherwise. */
function requireGo(): void {
  const go = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  const wanted = `Go ≥ 1.${MIN_GO.minor}.${MIN_GO.patch}`;
  if (go.status !== 0 || !/^go1\./.test(go.stdout ?? ''))
    throw new Error(`${wanted} is needed to build the test-bed binaries, and \`go\` is not on PATH: install it from https://go.dev/dl/ and run again`);
  if (!goRecentEnough(go.stdout)) throw new Error(`${wanted} is needed to build the test-bed binaries; \`go\` on PATH is ${go.stdout.trim()}`);
}

/**
 * Installs every missing prerequisite, then checks that nothing is missing
 * any more. Debian packages need root: without it, and with packages missing,
 * it throws at once with the `apt-get` command to run, before any long build.
 */
export async function provisionPrerequisites(opts: ProvisionOptions = {}): Promise<void> {
  const log = opts.log ?? console.log;
  const t0 = Date.now();
  const { apt, venv, builds } = missingPrerequisites(opts);
  if (apt.length && process.getuid?.() !== 0) {
    throw new Error(
      `Debian packages ${apt.join(', ')} are missing and installing them needs root. Run\n` +
        `  sudo apt-get install -y --no-install-recommends ${apt.join(' ')}\n` +
        'then run this again; the rest of the set-up needs no root.',
    );
  }
  if (builds.length) requireGo();

  const total = (apt.length ? 1 : 0) + (venv ? 1 : 0) + builds.length;
  let step = 0;
  const begin = (what: string) => {
    log(`(${++step}/${total}) ${what}`);
    return Date.now();
  };
  const done = (what: string, started: number) => log(`${what} in ${duration(Date.now() - started)}`);

  if (apt.length) {
    const started = begin(`apt-get install ${apt.join(' ')} …`);
    await run('apt-get', ['update', '-qq']);
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...apt], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    done(`installed ${apt.join(' ')}`, started);
  }
  if (venv) {
    const started = begin(`creating ${VENV_DIR} with moto[server]==${MOTO_VERSION} …`);
    await run('python3', ['-m', 'venv', VENV_DIR]);
    await run(join(VENV_DIR, 'bin', 'pip'), ['install', '-q', '--disable-pip-version-check', `moto[server]==${MOTO_VERSION}`]);
    done('venv ready', started);
  }
  for (const c of builds) {
    const started = begin(`building ${c.name}: ${c.outputs.map((p) => basename(p)).join(', ')} (${c.cold} cold on 2 cores) …`);
    await buildComponent(c, log);
    done(`built ${c.name}`, started);
  }

  checkPrerequisites(opts);
  log(total ? `test bed prerequisites installed in ${duration(Date.now() - t0)}` : 'test bed prerequisites: all present');
}

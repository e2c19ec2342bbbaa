/**
 * What the bed needs that this machine lacks, and how to say so. Tests fail on
 * a missing prerequisite; they never skip. `provision.ts` installs what this finds.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { componentsToBuild, type BuildComponent } from './build';
import { BINARIES, MOTO_VERSION, VENV_DIR } from './paths';

/** Installs everything missing; `npm test` runs it before the tests. */
export const PROVISION_COMMAND = 'npm run testbed:prereqs';

/** Options for {@link checkPrerequisites} and {@link missingPrerequisites}. */
export interface PrerequisiteOptions {
  /** Also require system Chromium (end-to-end tests drive it). */
  chromium?: boolean;
}

/** What is missing, by how it gets installed. */
export interface MissingPrerequisites {
  /** Debian packages, installed as root. */
  apt: string[];
  /** The venv has no moto at the pinned version (or is not there). */
  venv: boolean;
  /** Go-built components lacking a binary, in build order. */
  builds: BuildComponent[];
}

function missing(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return false;
  } catch {
    return true;
  }
}

/** pip names the installed version in its dist-info directory: no need to start Python to ask. */
function motoInstalled(): boolean {
  if (missing(BINARIES.motoServer) || missing(BINARIES.python)) return false;
  const lib = join(VENV_DIR, 'lib');
  try {
    return readdirSync(lib).some((python) => existsSync(join(lib, python, 'site-packages', `moto-${MOTO_VERSION}.dist-info`)));
  } catch {
    return false;
  }
}

/** Debian splits `venv`/`ensurepip` out of python3 into python3-venv. */
function canMakeVenv(): boolean {
  return spawnSync('python3', ['-c', 'import venv, ensurepip'], { stdio: 'ignore' }).status === 0;
}

/** Looks at this machine only (files, and Python when a venv is to be made); changes nothing. */
export function missingPrerequisites(opts: PrerequisiteOptions = {}): MissingPrerequisites {
  const venv = !motoInstalled();
  const apt: string[] = [];
  if (missing(BINARIES.prometheus) || missing(BINARIES.promtool)) apt.push('prometheus');
  if (opts.chromium && missing(BINARIES.chromium)) apt.push('chromium');
  if (venv && !canMakeVenv()) apt.push('python3-venv');
  return { apt, venv, builds: componentsToBuild() };
}

/**
 * Throws one error listing every missing prerequisite and the command that
 * installs them; returns quietly when all are present.
 */
export function checkPrerequisites(opts: PrerequisiteOptions = {}): void {
  const { apt, venv, builds } = missingPrerequisites(opts);
  const problems: string[] = [];
  if (builds.length) problems.push(`test-bed binaries of ${builds.map((c) => c.name).join(', ')} (built with Go ≥ 1.26.1 from the Go module proxy)`);
  if (apt.length) problems.push(`Debian packages ${apt.join(' ')} (installed as root)`);
  if (venv) problems.push(`moto[server]==${MOTO_VERSION} in the venv ${VENV_DIR}`);
  if (problems.length)
    throw new Error(
      `Pilothouse test bed prerequisites are missing:\n  - ${problems.join('\n  - ')}\n` +
        `Install them with \`${PROVISION_COMMAND}\`${apt.length ? ' as root' : ''}, or run \`npm test\`, which does so first.`,
    );
}

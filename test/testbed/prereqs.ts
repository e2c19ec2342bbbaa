/**
 * Checks that everything the bed runs is installed, and says exactly how to
 * install what is missing. Tests fail on a missing prerequisite; they never skip.
 */
import { accessSync, constants } from 'node:fs';
import { BINARIES } from './paths';

const INSTALL_ALL = 'bash test/testbed/install-prereqs.sh';

/** Options for {@link checkPrerequisites}. */
export interface PrerequisiteOptions {
  /** Also require system Chromium (end-to-end tests drive it). */
  chromium?: boolean;
}

function missing(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return false;
  } catch {
    return true;
  }
}

/**
 * Throws one error listing every missing prerequisite with the command that
 * installs it; returns quietly when all are present.
 */
export function checkPrerequisites(opts: PrerequisiteOptions = {}): void {
  const problems: string[] = [];
  const built = [
    BINARIES.kubeApiserver,
    BINARIES.kubeControllerManager,
    BINARIES.kubeScheduler,
    BINARIES.kubectl,
    BINARIES.etcd,
    BINARIES.kwok,
    BINARIES.kwokctl,
  ].filter(missing);
  if (built.length)
    problems.push(`missing test-bed binaries ${built.join(', ')}: run \`npm run testbed:build\` (needs Go ≥ 1.24)`);
  if (missing(BINARIES.prometheus) || missing(BINARIES.promtool))
    problems.push(`missing ${BINARIES.prometheus} / ${BINARIES.promtool}: run \`apt-get install prometheus\``);
  if (missing(BINARIES.motoServer))
    problems.push(`missing moto at ${BINARIES.motoServer}: run \`${INSTALL_ALL}\` (creates the venv with moto[server])`);
  if (opts.chromium && missing(BINARIES.chromium))
    problems.push(`missing ${BINARIES.chromium}: run \`apt-get install chromium\``);
  if (problems.length)
    throw new Error(
      `Pilothouse test bed prerequisites are missing:\n  - ${problems.join('\n  - ')}\n` +
        `Or install everything at once, as root: \`${INSTALL_ALL}\``,
    );
}

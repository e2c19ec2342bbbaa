/**
 * Importing pipeline specs from YAML files and exporting them back, as tasks,
 * through the shared folder guards (../files): a folder is walked without
 * following links and never left, each file opened is checked to be the one
 * at its path, and files are written to a temporary file renamed into place.
 *
 * A file's spec is named from its path in the folder without the extension,
 * folders joined by "." (`train/resnet.yaml` is `train.resnet`), since a spec
 * name may not hold "/"; the path itself is kept as the spec's `path`, with
 * the folder's real path, so exporting writes it back there and importing
 * that folder again updates that spec (a file of that name in another folder
 * is a clash).
 */
import { createHash } from 'node:crypto';
import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { MAX_SPEC_BYTES, SpecName } from '../../../shared/contract/pipelines';
import { AppError } from '../../../shared/result';
import { megabytes } from '../../../shared/sizeLimit';
import { count, describeFsError, folderRoot, messageOf, readFiles, reportList, scanFolder, type Skipped } from '../files/folderRead';
import { cutToBytes, exportReport, removeTemps, safeSegments, writeFiles, type ExportDone, type PlannedFile } from '../files/folderWrite';
import type { StartedTask, TaskRunner } from '../tasks/taskRunner';
import { checkedSpec, type SpecFile, type SpecImportOutcome, type SpecStore } from './specStore';

/** The files an import takes. */
export const SPEC_FILES = /\.ya?ml$/i;
/** Spec files one import takes; a folder with more is refused before anything is read. */
export const MAX_IMPORT_FILES = 20_000;
/** Directory levels below the folder that are walked. */
export const MAX_IMPORT_DEPTH = 32;
/** Directory entries looked at in all, YAML or not: a home directory picked by mistake stops early. */
export const MAX_SCANNED_ENTRIES = 500_000;
/** Text read by one import in all: what is kept in memory until the store phase. */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;
/** Bytes of a spec name kept in a file name; a longer one is cut and tagged with a hash of the whole. */
const NAME_MAX_BYTES = 200;

/** What an import did, for its report. */
export interface SpecImportDone extends SpecImportOutcome {
  path: string;
  refused: Skipped[];
  skipped: Skipped[];
}

/** Who runs an import or export, and the library it reads and writes. */
export interface SpecFolderDeps {
  runner: Pick<TaskRunner, 'start'>;
  store: Pick<SpecStore, 'importFiles' | 'exportItems' | 'textOf' | 'recordExport'>;
  /** Tells windows (and the spec repository) which specs an import added or changed. */
  announce(ids: string[]): void;
}

/**
 * The spec name of a file at `path` (relative, `/`-separated): the path
 * without its `.yaml`/`.yml`, folders joined by ".".
 *
 * @throws AppError VALIDATION when that is no allowed name (too long; a "\" in a file name).
 */
export function specNameOf(path: string): string {
  const name = path.replace(SPEC_FILES, '').split('/').join('.');
  const checked = SpecName.safeParse(name);
  if (!checked.success) throw new AppError('VALIDATION', `its spec name would be "${name.slice(0, 60)}${name.length > 60 ? '…' : ''}", which is not allowed: ${checked.error.issues[0]?.message ?? 'invalid'}; rename the file`);
  return checked.data;
}

/**
 * The file a spec is written to when it has no path of its own (and in the
 * spec repository): `<name>.yaml`, a leading "." and control characters
 * replaced so it is neither hidden nor garbled, and a name past
 * {@link NAME_MAX_BYTES} cut and tagged with a hash of the whole, so two long
 * names stay two files.
 */
export function specFileName(name: string): string {
  const plain = name.replace(/[\p{Cc}]/gu, '_').replace(/^\./, '_');
  if (Buffer.byteLength(plain) <= NAME_MAX_BYTES) return `${plain}.yaml`;
  const tag = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8);
  return `${cutToBytes(plain, NAME_MAX_BYTES)}-${tag}.yaml`;
}

/** Where an import reads: the real folder, and the one file when a file was picked. */
async function importRoot(path: string): Promise<{ root: string; file?: string }> {
  if (!isAbsolute(path)) throw new AppError('VALIDATION', `"${path}" is not an absolute path; choose the file or folder to import by its full path`);
  let stat;
  try {
    stat = await lstat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError(code === 'ENOENT' ? 'NOT_FOUND' : 'FILE_UNREADABLE', code === 'ENOENT' ? `There is no file or folder ${path}` : `${path} can't be opened: ${describeFsError(err as NodeJS.ErrnoException)}`, { file: path });
  }
  if (stat.isDirectory()) return { root: await folderRoot(path, 'import from') };
  if (stat.isSymbolicLink()) throw new AppError('VALIDATION', `${path} is a symbolic link, which an import never follows; choose what it points to`, { file: path });
  if (!stat.isFile() || !SPEC_FILES.test(path)) throw new AppError('VALIDATION', `${path} is not a .yaml or .yml file; choose a YAML file or a folder of them`, { file: path });
  // The file is then read like one found in its folder: checked to be that path, reached through no link.
  return { root: await realpath(dirname(path)), file: basename(path) };
}

function importReport(done: SpecImportDone): string {
  return [
    `Imported from ${done.path}: ${count(done.added.length, 'new spec')}, ${count(done.updated.length, 'changed spec')} saved as a new version, ${count(done.unchanged, 'unchanged spec')}.`,
    ...reportList('Not imported, changed in both places', done.conflicts.map((path) => ({ path, reason: 'changed both in the app and in the folder since it was imported; export it or edit one' }))),
    ...reportList('Not imported, name taken', done.clashes),
    ...reportList('Refused', done.refused),
    ...reportList('Skipped', done.skipped),
  ].join('\n');
}

/**
 * Starts importing a `.yaml`/`.yml` file, or every one under a folder, as a
 * task: one spec a file. A file with YAML problems, an unusable name or a
 * name another file of the import has is refused with its reason (file and
 * line); the rest are stored in one transaction at the end, so a cancel or a
 * failure stores nothing.
 */
export function startSpecImport(deps: SpecFolderDeps, path: string, actor: string): StartedTask {
  return deps.runner.start(
    { kind: 'pipelines.import', title: `Import specs from ${path}`, target: path, actor, phases: ['scan', 'read', 'store'], unit: 'files' },
    async (ctx): Promise<SpecImportDone> => {
      const { root, file } = await importRoot(path);
      const skipped: Skipped[] = [];
      const paths = file
        ? [join(root, file)]
        : await scanFolder(root, ctx, skipped, { files: SPEC_FILES, noun: 'YAML file', holds: 'the specs', maxFiles: MAX_IMPORT_FILES, maxDepth: MAX_IMPORT_DEPTH, maxEntries: MAX_SCANNED_ENTRIES });
      ctx.log(`Found ${count(paths.length, 'YAML file')}${skipped.length ? `; ${count(skipped.length, 'entry', 'entries')} skipped` : ''}`);

      ctx.phase('read');
      const read: { path: string; text: string }[] = [];
      const refused = await readFiles(root, paths, ctx, {
        maxBytes: MAX_SPEC_BYTES,
        tooLarge: 'split it into smaller specs',
        maxTotal: MAX_IMPORT_BYTES,
        totalTooLarge: `The folder's YAML files add up to over ${megabytes(MAX_IMPORT_BYTES)}; import its subfolders one at a time`,
        take: (file) => read.push(file),
      });
      // Parsed one at a time after reading: a large spec goes to the parse worker, and many at once would only queue there.
      const files: SpecFile[] = [];
      const named = new Map<string, string>();
      for (const { path: rel, text } of read) {
        ctx.throwIfCancelled();
        try {
          const name = specNameOf(rel);
          const first = named.get(name);
          if (first !== undefined) throw new AppError('VALIDATION', `its spec name "${name}" is also that of ${first} in this import; rename one of them`);
          const parsed = await checkedSpec(text, rel);
          named.set(name, rel);
          files.push({ path: rel, name, text, parsed });
        } catch (err) {
          refused.push({ path: rel, reason: messageOf(err) });
        }
      }

      // The point of no return: one transaction, all or nothing.
      ctx.phase('store', { cancellable: false });
      const outcome = deps.store.importFiles(root, files, actor);
      ctx.progress(files.length, files.length);
      deps.announce([...outcome.added, ...outcome.updated]);
      return { ...outcome, path, refused, skipped };
    },
    {
      describe: (done) => ({
        result: {
          added: done.added.length,
          updated: done.updated.length,
          unchanged: done.unchanged,
          conflicts: done.conflicts.length,
          refused: done.refused.length + done.clashes.length,
          skipped: done.skipped.length,
        },
        report: importReport(done),
      }),
    },
  );
}

/**
 * Picks each spec's file: its own path when it is a YAML file's path that
 * stays in the folder, else {@link specFileName} made unique in this export
 * (without regard to case, for case-insensitive file systems).
 */
export function planSpecExport(items: readonly { id: string; name: string; path?: string }[]): PlannedFile[] {
  const taken = new Set<string>();
  const own = items.map((item) => {
    const segments = item.path && SPEC_FILES.test(item.path) ? safeSegments(item.path) : undefined;
    const key = segments?.join('/').toLowerCase();
    if (key === undefined || taken.has(key)) return undefined;
    taken.add(key);
    return segments;
  });
  return items.map((item, i) => {
    const segments = own[i];
    if (segments) return { id: item.id, segments };
    const file = specFileName(item.name);
    let name = file;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = file.replace(/\.yaml$/, `-${n}.yaml`);
    taken.add(name.toLowerCase());
    return { id: item.id, segments: [name] };
  });
}

/** Starts writing the specs (all, or those of `ids`; unknown ids refused now) into `folder` as a task. */
export function startSpecExport(deps: SpecFolderDeps, folder: string, ids: readonly string[] | undefined, actor: string): StartedTask {
  const items = deps.store.exportItems(ids);
  const temps = new Set<string>();
  return deps.runner.start(
    { kind: 'pipelines.export', title: `Export ${count(items.length, 'spec')} to ${folder}`, target: folder, actor, phases: ['prepare', 'write'], unit: 'specs' },
    async (ctx): Promise<ExportDone> => {
      const root = await folderRoot(folder, 'export to');
      const planned = planSpecExport(items);
      ctx.phase('write');
      return writeFiles(root, folder, planned, ctx, temps, {
        textOf: (id) => deps.store.textOf(id),
        written: (id, path, text) => deps.store.recordExport(id, root, path, text),
      });
    },
    {
      cleanup: () => removeTemps(temps),
      describe: (done) => ({ result: { written: done.written, unchanged: done.unchanged, refused: done.refused.length }, report: exportReport(done) }),
    },
  );
}

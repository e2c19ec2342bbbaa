/**
 * Importing a folder of Markdown runbooks as a task: scan (walk the folder,
 * never through a symbolic link, never out of it), read (each file checked,
 * decoded and its front matter parsed; a refusal is listed with its reason),
 * store (one transaction: all or nothing). Nothing is written before the
 * store phase, so a cancel or a failure leaves the library as it was.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, realpathSync, type Dirent } from 'node:fs';
import { lstat, readdir, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { AppError } from '../../../shared/result';
import { megabytes, tooLargeMessage } from '../../../shared/sizeLimit';
import type { StartedTask, TaskContext, TaskRunner } from '../tasks/taskRunner';
import { MAX_SOURCE_BYTES, parseRunbook } from './frontMatter';
import type { ImportOutcome, RunbookStore, StoredFile } from './runbookStore';

/** Markdown files one import takes; a folder with more is refused before anything is read. */
export const MAX_IMPORT_FILES = 50_000;
/** Directory levels below the folder that are walked. */
export const MAX_IMPORT_DEPTH = 32;
/** Directory entries looked at in all, Markdown or not: a home directory picked by mistake stops early. */
export const MAX_SCANNED_ENTRIES = 500_000;
/** Markdown read by one import in all: what is kept in memory until the store phase. */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;
/** Refusals and skips named in the report; the counts cover all. */
const REPORT_ITEMS = 50;
const MARKDOWN = /\.(md|markdown)$/i;

/** A file or entry left out, and why. */
export interface Skipped {
  path: string;
  reason: string;
}

/** What an import did, for its report. */
export interface ImportDone extends ImportOutcome {
  folder: string;
  refused: Skipped[];
  skipped: Skipped[];
}

/** Where an import reads from and writes to. */
export interface FolderImportDeps {
  runner: Pick<TaskRunner, 'start'>;
  store: Pick<RunbookStore, 'importFiles' | 'holds'>;
  /** Tells windows what changed. */
  announce(ids: string[]): void;
}

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
const messageOf = (err: unknown) => (err instanceof AppError ? err.message : err instanceof Error && 'code' in err ? describeFsError(err as NodeJS.ErrnoException) : 'could not be read');
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function describeFsError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'it was removed while the folder was read';
    case 'ELOOP':
      return 'it became a symbolic link while the folder was read; links are not followed';
    default:
      return `could not be read (${err.code ?? 'error'})`;
  }
}

/** A file's path as a report shows it: one line, and no backtick to end its code span. */
export const shownPath = (path: string) => path.replace(/[\p{Cc}\p{Cf}`]/gu, '?');

/** The folder's real path, checked to be a directory; the root every file must stay inside. */
export async function folderRoot(folder: string, verb: 'import from' | 'export to'): Promise<string> {
  if (!isAbsolute(folder)) throw new AppError('VALIDATION', `"${folder}" is not an absolute path; choose the folder to ${verb} by its full path`);
  let real: string;
  try {
    real = await realpath(folder);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError(code === 'ENOENT' ? 'NOT_FOUND' : 'FILE_UNREADABLE', code === 'ENOENT' ? `There is no folder ${folder}` : `${folder} can't be opened: ${describeFsError(err as NodeJS.ErrnoException)}`, { file: folder });
  }
  if (!(await lstat(real)).isDirectory()) throw new AppError('VALIDATION', `${folder} is a file, not a folder; choose the folder to ${verb}`, { file: folder });
  return real;
}

/** Whether `path` is `root` or inside it. */
export const inside = (root: string, path: string) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

/** `a/b/c.md` from the folder's root, whatever the platform's separator. */
const relativeOf = (root: string, path: string) => relative(root, path).split(sep).join('/');

/**
 * Walks `root` for Markdown files: dot-entries (`.git`) left out, symbolic
 * links and special files skipped with the reason, bounded in depth and count.
 */
async function scan(root: string, ctx: TaskContext, skipped: Skipped[]): Promise<string[]> {
  const found: string[] = [];
  let entries = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    ctx.throwIfCancelled();
    let listing: Dirent[];
    try {
      listing = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      skipped.push({ path: relativeOf(root, dir) || '.', reason: `folder ${describeFsError(err as NodeJS.ErrnoException)}` });
      return;
    }
    listing.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of listing) {
      entries++;
      if (entries > MAX_SCANNED_ENTRIES) {
        throw new AppError('VALIDATION', `The folder holds over ${MAX_SCANNED_ENTRIES.toLocaleString('en')} files and folders; choose the folder that holds the runbooks`);
      }
      // Hidden files and folders (.git, .obsidian) are not runbooks.
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      // Node decodes a name that isn't UTF-8 with U+FFFD: that path names no file, so it could not be read back.
      if (entry.name.includes('\uFFFD')) {
        skipped.push({ path: relativeOf(root, path), reason: "its name isn't valid UTF-8; rename it to import it" });
        continue;
      }
      // Dirent types come from lstat: a link is seen as a link, never as what it points to.
      if (entry.isSymbolicLink()) {
        skipped.push({ path: relativeOf(root, path), reason: 'a symbolic link; links are never followed, so nothing outside the folder is read' });
        continue;
      }
      if (entry.isDirectory()) {
        if (depth >= MAX_IMPORT_DEPTH) skipped.push({ path: relativeOf(root, path), reason: `nested more than ${MAX_IMPORT_DEPTH} folders deep` });
        else await walk(path, depth + 1);
        continue;
      }
      if (!MARKDOWN.test(entry.name)) continue;
      if (!entry.isFile()) {
        skipped.push({ path: relativeOf(root, path), reason: 'not a regular file' });
        continue;
      }
      found.push(path);
      if (found.length > MAX_IMPORT_FILES) {
        throw new AppError('VALIDATION', `The folder holds over ${MAX_IMPORT_FILES.toLocaleString('en')} Markdown files; import its subfolders one at a time`);
      }
      if (found.length % 500 === 0) ctx.progress(found.length, 0, `Found ${count(found.length, 'Markdown file')}`);
    }
  };
  await walk(root, 0);
  return found;
}

/**
 * Whether the open file `fd` is the one at `path` (an absolute path under the
 * root's real path), reached through no symbolic link. Checked after opening:
 * O_NOFOLLOW guards only the last part of a path, and a folder on the way can
 * be swapped for a link between any check made before the open and the open.
 * Linux names the file an fd has open; elsewhere the folder's real path is
 * checked again and the fd must be the file that path names now.
 */
export function openedAt(fd: number, path: string): boolean {
  try {
    if (process.platform === 'linux') return readlinkSync(`/proc/self/fd/${fd}`) === path;
    if (realpathSync(dirname(path)) !== dirname(path)) return false;
    const opened = fstatSync(fd);
    const named = lstatSync(path);
    return opened.dev === named.dev && opened.ino === named.ino;
  } catch {
    return false;
  }
}

/**
 * Reads one file without following a link (O_NOFOLLOW on the file, and what
 * was opened checked to be that path under the root, so a folder swapped for
 * a link after the scan can't lead out), within the size limit, as UTF-8.
 *
 * Synchronous, in the caller's time slices: a few system calls on a file of at
 * most 1 MiB take microseconds on a local disk, where going through the
 * thread pool cost ~0.25 ms a file (10,000 runbooks: 2.5 s against 0.2 s).
 */
function readRunbookFile(root: string, path: string): { path: string; source: string } | Skipped {
  const rel = relativeOf(root, path);
  const refuse = (reason: string): Skipped => ({ path: rel, reason });
  if (!inside(root, path)) return refuse('it is outside the folder');
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    return refuse(messageOf(err));
  }
  try {
    if (!openedAt(fd, path)) return refuse('its folder is now reached through a symbolic link, or was moved; links are never followed');
    const stat = fstatSync(fd);
    if (!stat.isFile()) return refuse('not a regular file');
    if (stat.size > MAX_SOURCE_BYTES) return refuse(`${tooLargeMessage(rel, stat.size, MAX_SOURCE_BYTES)}; split it into smaller runbooks`);
    // One byte past the limit: a file that grew since its stat is still caught.
    const buffer = Buffer.alloc(Math.min(stat.size + 1, MAX_SOURCE_BYTES + 1));
    let length = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, length);
      if (!bytesRead) break;
      length += bytesRead;
      if (length === buffer.length) break;
    }
    if (length > MAX_SOURCE_BYTES) return refuse(`it grew past ${megabytes(MAX_SOURCE_BYTES)} while it was read; Pilothouse reads at most that`);
    try {
      return { path: rel, source: new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length)) };
    } catch {
      return refuse(`${rel} isn't UTF-8 text; save it as UTF-8 and import again`);
    }
  } catch (err) {
    return refuse(messageOf(err));
  } finally {
    closeSync(fd);
  }
}

function reportOf(done: ImportDone): string {
  const lines = [
    `Imported from ${done.folder}: ${count(done.added.length, 'new runbook')}, ${count(done.updated.length, 'changed runbook')} saved as a new version, ${count(done.unchanged, 'unchanged runbook')}.`,
  ];
  const list = (title: string, items: Skipped[]) => {
    if (!items.length) return;
    lines.push('', `${title} (${items.length.toLocaleString('en')}):`);
    for (const s of items.slice(0, REPORT_ITEMS)) lines.push(`- \`${shownPath(s.path)}\`: ${s.reason}`);
    if (items.length > REPORT_ITEMS) lines.push(`- and ${(items.length - REPORT_ITEMS).toLocaleString('en')} more`);
  };
  list('Not imported, changed in both places', done.conflicts.map((path) => ({ path, reason: 'changed both in the app and in the folder; export it or edit one' })));
  list('Refused', done.refused);
  list('Skipped', done.skipped);
  return lines.join('\n');
}

/** Starts importing the Markdown files under `folder` (absolute) as a task. */
export function startFolderImport(deps: FolderImportDeps, folder: string, actor: string): StartedTask {
  return deps.runner.start(
    { kind: 'runbooks.import', title: `Import runbooks from ${folder}`, target: folder, actor, phases: ['scan', 'read', 'store'], unit: 'files' },
    async (ctx): Promise<ImportDone> => {
      const root = await folderRoot(folder, 'import from');
      const skipped: Skipped[] = [];
      const paths = await scan(root, ctx, skipped);
      ctx.log(`Found ${count(paths.length, 'Markdown file')}${skipped.length ? `; ${count(skipped.length, 'entry', 'entries')} skipped` : ''}`);

      ctx.phase('read');
      const refused: Skipped[] = [];
      const files: StoredFile[] = [];
      let bytes = 0;
      let slice = performance.now();
      for (const [i, path] of paths.entries()) {
        ctx.throwIfCancelled();
        const read = readRunbookFile(root, path);
        if ('reason' in read) refused.push(read);
        else {
          bytes += read.source.length;
          if (bytes > MAX_IMPORT_BYTES) {
            throw new AppError('VALIDATION', `The folder's Markdown files add up to over ${megabytes(MAX_IMPORT_BYTES)}; import its subfolders one at a time`);
          }
          try {
            const name = read.path.split('/').at(-1)!.replace(MARKDOWN, '');
            // A file imported before and unchanged is not parsed again (a folder kept in git is re-imported whole).
            files.push(deps.store.holds(root, read.path, read.source) ? read : { ...read, parsed: parseRunbook(read.source, { fallbackTitle: name }) });
          } catch (err) {
            refused.push({ path: read.path, reason: messageOf(err) });
          }
        }
        ctx.progress(i + 1, paths.length);
        // Reading and parsing hold the event loop: let other calls (and a cancel) in every few milliseconds.
        if (performance.now() - slice > 8) {
          await yieldToEventLoop();
          slice = performance.now();
        }
      }
      ctx.throwIfCancelled();

      // The point of no return: one transaction, all or nothing.
      ctx.phase('store', { cancellable: false });
      const outcome = deps.store.importFiles(root, files, actor);
      ctx.progress(files.length, files.length);
      deps.announce([...outcome.added, ...outcome.updated]);
      return { ...outcome, folder, refused, skipped };
    },
    {
      describe: (done) => ({
        result: { added: done.added.length, updated: done.updated.length, unchanged: done.unchanged, conflicts: done.conflicts.length, refused: done.refused.length, skipped: done.skipped.length },
        report: reportOf(done),
      }),
    },
  );
}

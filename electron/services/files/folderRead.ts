/**
 * Reading a folder the user picked, never through a symbolic link and never
 * out of it: the folder's real path is the root, the walk skips links and
 * special files with the reason, and each file opened is checked to be the
 * one at its path under the root. Shared by every import of files (runbooks,
 * pipeline specs).
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, realpathSync, type Dirent } from 'node:fs';
import { lstat, readdir, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { AppError } from '../../../shared/result';
import { megabytes, tooLargeMessage } from '../../../shared/sizeLimit';
import type { TaskContext } from '../tasks/taskRunner';

/** A file or entry left out, and why. */
export interface Skipped {
  path: string;
  reason: string;
}

/** What a walk looks for, and how its messages name it. */
export interface ScanOptions {
  /** Names of the files wanted (`/\.(md|markdown)$/i`). */
  files: RegExp;
  /** One of them, for messages: "Markdown file". */
  noun: string;
  /** What the folder should hold, for the message when it holds too much: "the runbooks". */
  holds: string;
  /** Files one walk takes; past it the walk is refused. */
  maxFiles: number;
  /** Directory levels below the root that are walked. */
  maxDepth: number;
  /** Directory entries looked at in all, wanted or not: a home directory picked by mistake stops early. */
  maxEntries: number;
}

/** "3 files", "1 file", with thousands separated. */
export const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** What a person can do about a file system error, in a few words. */
export function describeFsError(err: NodeJS.ErrnoException): string {
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

/** An error's message for a report: the AppError's own, a file system error described, else a plain "could not be read". */
export const messageOf = (err: unknown) =>
  err instanceof AppError ? err.message : err instanceof Error && 'code' in err ? describeFsError(err as NodeJS.ErrnoException) : 'could not be read';

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
 * Walks `root` for the files `options.files` names: dot-entries (`.git`)
 * left out, symbolic links and special files skipped with the reason (into
 * `skipped`), bounded in depth and count. Returns absolute paths, sorted by
 * name within each folder.
 */
export async function scanFolder(root: string, ctx: Pick<TaskContext, 'throwIfCancelled' | 'progress'>, skipped: Skipped[], options: ScanOptions): Promise<string[]> {
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
      if (entries > options.maxEntries) {
        throw new AppError('VALIDATION', `The folder holds over ${options.maxEntries.toLocaleString('en')} files and folders; choose the folder that holds ${options.holds}`);
      }
      // Hidden files and folders (.git, .obsidian) are not what is imported.
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
        if (depth >= options.maxDepth) skipped.push({ path: relativeOf(root, path), reason: `nested more than ${options.maxDepth} folders deep` });
        else await walk(path, depth + 1);
        continue;
      }
      if (!options.files.test(entry.name)) continue;
      if (!entry.isFile()) {
        skipped.push({ path: relativeOf(root, path), reason: 'not a regular file' });
        continue;
      }
      found.push(path);
      if (found.length > options.maxFiles) {
        throw new AppError('VALIDATION', `The folder holds over ${count(options.maxFiles, options.noun)}; import its subfolders one at a time`);
      }
      if (found.length % 500 === 0) ctx.progress(found.length, 0, `Found ${count(found.length, options.noun)}`);
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
 * Reads one file under `root` without following a link (O_NOFOLLOW on the
 * file, and what was opened checked to be that path under the root, so a
 * folder swapped for a link after the scan can't lead out), within
 * `maxBytes`, as UTF-8. A refusal comes back as a {@link Skipped}; `tooLarge`
 * ends the message for a file past the limit ("split it into smaller runbooks").
 *
 * Synchronous, in the caller's time slices: a few system calls on a small
 * file take microseconds on a local disk, where going through the thread pool
 * cost ~0.25 ms a file (10,000 files: 2.5 s against 0.2 s).
 */
export function readFileInside(root: string, path: string, maxBytes: number, tooLarge: string): { path: string; text: string } | Skipped {
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
    if (stat.size > maxBytes) return refuse(`${tooLargeMessage(rel, stat.size, maxBytes)}; ${tooLarge}`);
    // One byte past the limit: a file that grew since its stat is still caught.
    const buffer = Buffer.alloc(Math.min(stat.size + 1, maxBytes + 1));
    let length = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, length);
      if (!bytesRead) break;
      length += bytesRead;
      if (length === buffer.length) break;
    }
    if (length > maxBytes) return refuse(`it grew past ${megabytes(maxBytes)} while it was read; Pilothouse reads at most that`);
    try {
      return { path: rel, text: new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length)) };
    } catch {
      return refuse(`${rel} isn't UTF-8 text; save it as UTF-8 and import again`);
    }
  } catch (err) {
    return refuse(messageOf(err));
  } finally {
    closeSync(fd);
  }
}

/** Items named in a report's list; the count covers all. */
const REPORT_ITEMS = 50;

/** A report's list of left-out files: a title with the count, then up to 50 "- `path`: reason" lines; nothing when empty. */
export function reportList(title: string, items: readonly Skipped[]): string[] {
  if (!items.length) return [];
  const lines = ['', `${title} (${items.length.toLocaleString('en')}):`];
  for (const s of items.slice(0, REPORT_ITEMS)) lines.push(`- \`${shownPath(s.path)}\`: ${s.reason}`);
  if (items.length > REPORT_ITEMS) lines.push(`- and ${(items.length - REPORT_ITEMS).toLocaleString('en')} more`);
  return lines;
}

/** How {@link readFiles} reads and what it does with each file. */
export interface ReadFilesOptions {
  /** Bytes of one file. */
  maxBytes: number;
  /** What a person can do about a file past `maxBytes` ("split it into smaller runbooks"). */
  tooLarge: string;
  /** Characters read in all, kept in memory until the caller stores them. */
  maxTotal: number;
  /** The message when the files add up to more than `maxTotal`. */
  totalTooLarge: string;
  /** Takes a file read; an error thrown refuses that file with its message. */
  take(file: { path: string; text: string }): void;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Reads each of `paths` (from {@link scanFolder}) with {@link readFileInside}
 * and hands it to `options.take`, reporting progress and yielding to the event
 * loop every few milliseconds so other calls (and a cancel) get in. Returns
 * the files refused, with their reasons.
 */
export async function readFiles(root: string, paths: readonly string[], ctx: Pick<TaskContext, 'throwIfCancelled' | 'progress'>, options: ReadFilesOptions): Promise<Skipped[]> {
  const refused: Skipped[] = [];
  let total = 0;
  let slice = performance.now();
  for (const [i, path] of paths.entries()) {
    ctx.throwIfCancelled();
    const file = readFileInside(root, path, options.maxBytes, options.tooLarge);
    if ('reason' in file) refused.push(file);
    else {
      total += file.text.length;
      if (total > options.maxTotal) throw new AppError('VALIDATION', options.totalTooLarge);
      try {
        options.take(file);
      } catch (err) {
        refused.push({ path: file.path, reason: messageOf(err) });
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
  return refused;
}

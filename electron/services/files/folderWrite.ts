/**
 * Writing files into a folder the user picked: each written to a temporary
 * file beside it and renamed into place, never through a symbolic link and
 * never outside the folder; a file that already holds the text is left as it
 * is. Shared by every export of files (runbooks, pipeline specs).
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskContext } from '../tasks/taskRunner';
import { count, openedAt, reportList, type Skipped } from './folderRead';

/** Bytes of one name in a path: the file system's limit. */
const SEGMENT_MAX_BYTES = 255;

/** `text` cut to at most `max` UTF-8 bytes, never inside a character. */
export function cutToBytes(text: string, max: number): string {
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    bytes += Buffer.byteLength(ch);
    if (bytes > max) break;
    end += ch.length;
  }
  return text.slice(0, end);
}

/**
 * A stored relative path as `/`-separated segments; undefined for one that
 * could lead out of the folder (absolute, `..`, empty or hidden segments,
 * backslashes, NUL) or names a segment past {@link SEGMENT_MAX_BYTES}.
 */
export function safeSegments(path: string): string[] | undefined {
  if (path.startsWith('/') || path.includes('\\') || path.includes('\0')) return undefined;
  const segments = path.split('/');
  if (segments.some((s) => !s || s === '.' || s === '..' || s.startsWith('.') || Buffer.byteLength(s) > SEGMENT_MAX_BYTES)) return undefined;
  return segments;
}

/** Makes each folder on the way, refusing one that is a link or a file. Returns the folder to write in. */
async function ensureDirs(root: string, dirs: string[]): Promise<string> {
  let dir = root;
  for (const segment of dirs) {
    dir = join(dir, segment);
    let stat;
    try {
      stat = await lstat(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(dir, { mode: 0o755 });
      continue;
    }
    if (stat.isSymbolicLink()) throw new Error(`${segment} is a symbolic link; Pilothouse never writes through one`);
    if (!stat.isDirectory()) throw new Error(`${segment} is a file where a folder is needed`);
  }
  return dir;
}

/**
 * Writes `text` at `segments` (from {@link safeSegments}) under `root` (a
 * real path) unless the file already holds it; returns whether it wrote.
 * `temps` holds the temporary file while it exists, for a task's cleanup to
 * remove after a cancel.
 */
export async function writeFileInside(root: string, segments: readonly string[], text: string, temps: Set<string>): Promise<boolean> {
  const dir = await ensureDirs(root, segments.slice(0, -1));
  const target = join(dir, segments.at(-1)!);
  try {
    const stat = await lstat(target);
    if (stat.isSymbolicLink()) throw new Error('the file there is a symbolic link; Pilothouse never writes through one');
    if (!stat.isFile()) throw new Error('something other than a file is there');
    if (stat.size === Buffer.byteLength(text) && (await readFile(target, 'utf8')) === text) return false;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // Short whatever the name: a temporary name built on a long one would pass the file system's limit.
  const temp = join(dir, `.phexp-${randomBytes(4).toString('hex')}.tmp`);
  temps.add(temp);
  // O_EXCL | O_NOFOLLOW: a file or link someone placed at the temporary name is never written through.
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o644);
  // O_NOFOLLOW guards only the name itself: a folder on the way swapped for a link since ensureDirs checked it is
  // caught by where the open file really is, after the open and again just before the rename puts it in place.
  const swapped = 'its folder was replaced by a symbolic link while the export ran; Pilothouse never writes through one';
  try {
    try {
      if (!openedAt(handle.fd, temp)) throw new Error(swapped);
      await handle.writeFile(text, 'utf8');
      await handle.sync();
      if (!openedAt(handle.fd, temp)) throw new Error(swapped);
    } finally {
      await handle.close();
    }
    // rename replaces a link at the target rather than following it.
    await rename(temp, target);
  } catch (err) {
    // Only this export's own temporary file (O_EXCL, random name) is removed, wherever it ended up.
    await unlink(temp).catch(() => undefined);
    temps.delete(temp);
    throw err;
  }
  temps.delete(temp);
  return true;
}

/** One file an export writes: what it is of, and where under the folder. */
export interface PlannedFile {
  id: string;
  segments: string[];
}

/** What an export did, for its report. */
export interface ExportDone {
  folder: string;
  written: number;
  unchanged: number;
  refused: Skipped[];
}

/** Where an export's texts come from, and what it tells the library of each file written. */
export interface WriteFilesOptions {
  /** The text of `id` now; undefined once it is deleted. Read one at a time: a library is never held in memory whole. */
  textOf(id: string): string | undefined;
  /** Called for each file written or found up to date, with its `/`-separated path under the root. */
  written(id: string, path: string, text: string): void;
}

/**
 * Writes each planned file under `root` (the real path of `folder`) with
 * {@link writeFileInside}, refusing one with its reason and going on; records
 * after every hundred what a cancel would leave written.
 */
export async function writeFiles(
  root: string,
  folder: string,
  planned: readonly PlannedFile[],
  ctx: Pick<TaskContext, 'throwIfCancelled' | 'progress' | 'record'>,
  temps: Set<string>,
  options: WriteFilesOptions,
): Promise<ExportDone> {
  const done: ExportDone = { folder, written: 0, unchanged: 0, refused: [] };
  for (const [i, { id, segments }] of planned.entries()) {
    ctx.throwIfCancelled();
    const path = segments.join('/');
    try {
      const text = options.textOf(id);
      if (text === undefined) throw new Error('it was deleted while the export ran');
      if (await writeFileInside(root, segments, text, temps)) done.written++;
      else done.unchanged++;
      options.written(id, path, text);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      done.refused.push({ path, reason: code ? `could not be written (${code})` : (err as Error).message });
    }
    ctx.progress(i + 1, planned.length);
    // What a cancelled export leaves written; recording writes the data file, so not per file.
    if (i % 100 === 99 || i === planned.length - 1) ctx.record({ summary: `${count(done.written, 'file')} written to ${folder} before it stopped` });
  }
  return done;
}

/** An export's report: how many written, how many up to date, and those not written. */
export function exportReport(done: ExportDone): string {
  return [`Exported to ${done.folder}: ${count(done.written, 'file')} written, ${count(done.unchanged, 'file')} already up to date.`, ...reportList('Not written', done.refused)].join('\n');
}

/** Removes the temporary files a cancel or failure left mid-write; files already renamed into place are complete. */
export async function removeTemps(temps: ReadonlySet<string>): Promise<void> {
  await Promise.all([...temps].map((t) => unlink(t).catch(() => undefined)));
}

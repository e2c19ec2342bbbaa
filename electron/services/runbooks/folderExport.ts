/**
 * Exporting runbooks to a folder as a task: each runbook's file (front matter
 * included) at the path it was imported from, or at a slug of its title,
 * written to a temporary file beside it and renamed into place, never through
 * a symbolic link and never outside the folder. An unchanged file is left as
 * it is.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { StartedTask, TaskRunner } from '../tasks/taskRunner';
import { folderRoot, openedAt, shownPath, type Skipped } from './folderImport';
import type { ExportItem, RunbookStore } from './runbookStore';

const REPORT_ITEMS = 50;
/** Bytes of a name from an import path: the file system's limit (it named a file once). */
const SEGMENT_MAX_BYTES = 255;
/** Bytes of a slug, so that with "-<n>.md" a name made from a title stays within 200. */
const SLUG_MAX_BYTES = 188;

/** What an export did, for its report. */
export interface ExportDone {
  folder: string;
  written: number;
  unchanged: number;
  refused: Skipped[];
}

/** Where an export reads from and who runs it. */
export interface FolderExportDeps {
  runner: Pick<TaskRunner, 'start'>;
  store: Pick<RunbookStore, 'exportItems' | 'sourceOf' | 'recordExport'>;
}

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** `text` cut to at most `max` UTF-8 bytes, never inside a character. */
function cutToBytes(text: string, max: number): string {
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
 * A file name from a title: lower case words joined by "-", "runbook" when
 * none is left; at most 80 characters and {@link SLUG_MAX_BYTES} bytes (file
 * systems limit a name in bytes, and a CJK character takes three).
 */
export function slugOf(title: string): string {
  const slug = cutToBytes(
    [
      ...title
        .normalize('NFKD')
        .replace(/\p{M}+/gu, '')
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, '-')
        .replace(/^-+|-+$/g, ''),
    ]
      .slice(0, 80)
      .join(''),
    SLUG_MAX_BYTES,
  ).replace(/-+$/, '');
  return slug || 'runbook';
}

/**
 * The relative path a runbook is written at, as `/`-separated segments;
 * undefined for a stored path that could lead out of the folder (absolute,
 * `..`, empty or hidden segments) — it is then written at its slug instead.
 */
export function safeSegments(path: string): string[] | undefined {
  if (path.startsWith('/') || path.includes('\\') || path.includes('\0')) return undefined;
  const segments = path.split('/');
  if (segments.some((s) => !s || s === '.' || s === '..' || s.startsWith('.') || Buffer.byteLength(s) > SEGMENT_MAX_BYTES)) return undefined;
  return segments;
}

/** Picks each runbook's path: its import path, else a slug of its title made unique in this export. */
function plan(items: readonly ExportItem[]): { item: ExportItem; segments: string[] }[] {
  const taken = new Set<string>();
  const planned: { item: ExportItem; segments?: string[] }[] = items.map((item) => {
    const segments = item.path ? safeSegments(item.path) : undefined;
    if (segments) taken.add(segments.join('/').toLowerCase());
    return { item, segments };
  });
  return planned.map(({ item, segments }) => {
    if (segments) return { item, segments };
    const slug = slugOf(item.title);
    let name = `${slug}.md`;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${slug}-${n}.md`;
    taken.add(name.toLowerCase());
    return { item, segments: [name] };
  });
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

/** Writes one runbook unless the file already holds it; returns whether it wrote. */
async function writeOne(root: string, segments: string[], source: string, temps: Set<string>): Promise<boolean> {
  const dir = await ensureDirs(root, segments.slice(0, -1));
  const target = join(dir, segments.at(-1)!);
  try {
    const stat = await lstat(target);
    if (stat.isSymbolicLink()) throw new Error('the file there is a symbolic link; Pilothouse never writes through one');
    if (!stat.isFile()) throw new Error('something other than a file is there');
    if (stat.size === Buffer.byteLength(source) && (await readFile(target, 'utf8')) === source) return false;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // Short whatever the name: a temporary name built on a long one would pass the file system's limit.
  const temp = join(dir, `.rbexp-${randomBytes(4).toString('hex')}.tmp`);
  temps.add(temp);
  // O_EXCL | O_NOFOLLOW: a file or link someone placed at the temporary name is never written through.
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o644);
  // O_NOFOLLOW guards only the name itself: a folder on the way swapped for a link since ensureDirs checked it is
  // caught by where the open file really is, after the open and again just before the rename puts it in place.
  const swapped = 'its folder was replaced by a symbolic link while the export ran; Pilothouse never writes through one';
  try {
    try {
      if (!openedAt(handle.fd, temp)) throw new Error(swapped);
      await handle.writeFile(source, 'utf8');
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

function reportOf(done: ExportDone): string {
  const lines = [`Exported to ${done.folder}: ${count(done.written, 'file')} written, ${count(done.unchanged, 'file')} already up to date.`];
  if (done.refused.length) {
    lines.push('', `Not written (${done.refused.length.toLocaleString('en')}):`);
    for (const r of done.refused.slice(0, REPORT_ITEMS)) lines.push(`- \`${shownPath(r.path)}\`: ${r.reason}`);
    if (done.refused.length > REPORT_ITEMS) lines.push(`- and ${(done.refused.length - REPORT_ITEMS).toLocaleString('en')} more`);
  }
  return lines.join('\n');
}

/** Starts writing the runbooks (all, or those of `ids`) into `folder` as a task. */
export function startFolderExport(deps: FolderExportDeps, folder: string, ids: readonly string[] | undefined, actor: string): StartedTask {
  // Unknown ids are refused before the task starts.
  const items = deps.store.exportItems(ids);
  const temps = new Set<string>();
  return deps.runner.start(
    { kind: 'runbooks.export', title: `Export ${count(items.length, 'runbook')} to ${folder}`, target: folder, actor, phases: ['prepare', 'write'], unit: 'runbooks' },
    async (ctx): Promise<ExportDone> => {
      const root = await folderRoot(folder, 'export to');
      const planned = plan(items);
      ctx.phase('write');
      const done: ExportDone = { folder, written: 0, unchanged: 0, refused: [] };
      for (const [i, { item, segments }] of planned.entries()) {
        ctx.throwIfCancelled();
        try {
          // Read now, not at the start: a library of large runbooks is never held in memory whole.
          const source = deps.store.sourceOf(item.id);
          if (source === undefined) throw new Error('it was deleted while the export ran');
          if (await writeOne(root, segments, source, temps)) done.written++;
          else done.unchanged++;
          deps.store.recordExport(item.id, root, segments.join('/'), source);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          done.refused.push({ path: segments.join('/'), reason: code ? `could not be written (${code})` : (err as Error).message });
        }
        ctx.progress(i + 1, planned.length);
        // What a cancelled export leaves written; recording writes the data file, so not per file.
        if (i % 100 === 99 || i === planned.length - 1) ctx.record({ summary: `${count(done.written, 'file')} written to ${folder} before it stopped` });
      }
      return done;
    },
    {
      // A cancel or failure mid-file leaves its temporary file: remove it; files already renamed into place are complete.
      cleanup: async () => {
        await Promise.all([...temps].map((t) => unlink(t).catch(() => undefined)));
      },
      describe: (done) => ({ result: { written: done.written, unchanged: done.unchanged, refused: done.refused.length }, report: reportOf(done) }),
    },
  );
}

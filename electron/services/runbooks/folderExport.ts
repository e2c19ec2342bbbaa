/**
 * Exporting runbooks to a folder as a task: each runbook's file (front matter
 * included) at the path it was imported from, or at a slug of its title,
 * written to a temporary file beside it and renamed into place, never through
 * a symbolic link and never outside the folder. An unchanged file is left as
 * it is.
 */
import type { StartedTask, TaskRunner } from '../tasks/taskRunner';
import { count, folderRoot } from '../files/folderRead';
import { cutToBytes, exportReport, removeTemps, safeSegments, writeFiles, type ExportDone, type PlannedFile } from '../files/folderWrite';
import type { ExportItem, RunbookStore } from './runbookStore';

/** Bytes of a slug, so that with "-<n>.md" a name made from a title stays within 200. */
const SLUG_MAX_BYTES = 188;

/** Where an export reads from and who runs it. */
export interface FolderExportDeps {
  runner: Pick<TaskRunner, 'start'>;
  store: Pick<RunbookStore, 'exportItems' | 'sourceOf' | 'recordExport'>;
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

/** Picks each runbook's path: its import path, else a slug of its title made unique in this export. */
function plan(items: readonly ExportItem[]): PlannedFile[] {
  const taken = new Set<string>();
  const planned: { item: ExportItem; segments?: string[] }[] = items.map((item) => {
    const segments = item.path ? safeSegments(item.path) : undefined;
    if (segments) taken.add(segments.join('/').toLowerCase());
    return { item, segments };
  });
  return planned.map(({ item, segments }) => {
    if (segments) return { id: item.id, segments };
    const slug = slugOf(item.title);
    let name = `${slug}.md`;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${slug}-${n}.md`;
    taken.add(name.toLowerCase());
    return { id: item.id, segments: [name] };
  });
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
      return writeFiles(root, folder, planned, ctx, temps, {
        textOf: (id) => deps.store.sourceOf(id),
        written: (id, path, source) => deps.store.recordExport(id, root, path, source),
      });
    },
    {
      cleanup: () => removeTemps(temps),
      describe: (done) => ({ result: { written: done.written, unchanged: done.unchanged, refused: done.refused.length }, report: exportReport(done) }),
    },
  );
}

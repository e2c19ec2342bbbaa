/**
 * Importing a folder of Markdown runbooks as a task: scan (walk the folder,
 * never through a symbolic link, never out of it), read (each file checked,
 * decoded and its front matter parsed; a refusal is listed with its reason),
 * store (one transaction: all or nothing). Nothing is written before the
 * store phase, so a cancel or a failure leaves the library as it was.
 */
import { megabytes } from '../../../shared/sizeLimit';
import { count, folderRoot, readFiles, reportList, scanFolder, type Skipped } from '../files/folderRead';
import type { StartedTask, TaskRunner } from '../tasks/taskRunner';
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
const MARKDOWN = /\.(md|markdown)$/i;

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

function reportOf(done: ImportDone): string {
  const lines = [
    `Imported from ${done.folder}: ${count(done.added.length, 'new runbook')}, ${count(done.updated.length, 'changed runbook')} saved as a new version, ${count(done.unchanged, 'unchanged runbook')}.`,
    ...reportList('Not imported, changed in both places', done.conflicts.map((path) => ({ path, reason: 'changed both in the app and in the folder; export it or edit one' }))),
    ...reportList('Refused', done.refused),
    ...reportList('Skipped', done.skipped),
  ];
  return lines.join('\n');
}

/** Starts importing the Markdown files under `folder` (absolute) as a task. */
export function startFolderImport(deps: FolderImportDeps, folder: string, actor: string): StartedTask {
  return deps.runner.start(
    { kind: 'runbooks.import', title: `Import runbooks from ${folder}`, target: folder, actor, phases: ['scan', 'read', 'store'], unit: 'files' },
    async (ctx): Promise<ImportDone> => {
      const root = await folderRoot(folder, 'import from');
      const skipped: Skipped[] = [];
      const paths = await scanFolder(root, ctx, skipped, { files: MARKDOWN, noun: 'Markdown file', holds: 'the runbooks', maxFiles: MAX_IMPORT_FILES, maxDepth: MAX_IMPORT_DEPTH, maxEntries: MAX_SCANNED_ENTRIES });
      ctx.log(`Found ${count(paths.length, 'Markdown file')}${skipped.length ? `; ${count(skipped.length, 'entry', 'entries')} skipped` : ''}`);

      ctx.phase('read');
      const files: StoredFile[] = [];
      const refused = await readFiles(root, paths, ctx, {
        maxBytes: MAX_SOURCE_BYTES,
        tooLarge: 'split it into smaller runbooks',
        maxTotal: MAX_IMPORT_BYTES,
        totalTooLarge: `The folder's Markdown files add up to over ${megabytes(MAX_IMPORT_BYTES)}; import its subfolders one at a time`,
        take: ({ path, text: source }) => {
          const name = path.split('/').at(-1)!.replace(MARKDOWN, '');
          // A file imported before and unchanged is not parsed again (a folder kept in git is re-imported whole).
          files.push(deps.store.holds(root, path, source) ? { path, source } : { path, source, parsed: parseRunbook(source, { fallbackTitle: name }) });
        },
      });

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

import { call } from '../../api/client';
import { PathTaskDialog, type PathTaskWording } from '../../shell/PathTaskDialog';

const folder = {
  pathLabel: 'Folder (full path)',
  placeholder: '/home/me/runbooks',
  emptyPath: { title: 'Type a folder', message: 'Type the full path of the folder, e.g. /home/me/runbooks.' },
} satisfies Partial<PathTaskWording>;

/** Imports every `.md` file under a folder, recursively, as a task; the folder is picked (desktop) or typed (browser). */
export function ImportRunbooksDialog({ onClose }: { onClose(): void }) {
  return (
    <PathTaskDialog {...folder} title="Import runbooks" actionLabel="Import" pickLabel="Choose a folder…" run={(path) => call('runbooks.import', path === undefined ? {} : { folder: path })} onClose={onClose}>
      <p className="muted">Every .md file under the folder is imported, its front matter read; files imported before from the same place get a new version. Nothing outside the folder is read, not even through links.</p>
    </PathTaskDialog>
  );
}

/** Writes every runbook to a folder as `.md` files with front matter, as a task. */
export function ExportRunbooksDialog({ onClose }: { onClose(): void }) {
  return (
    // An export has no picker: the folder is always typed, so `path` is set.
    <PathTaskDialog {...folder} title="Export runbooks" actionLabel="Export" run={(path) => call('runbooks.export', { folder: path ?? '' })} onClose={onClose}>
      <p className="muted">Every runbook is written to the folder as a Markdown file with its front matter.</p>
    </PathTaskDialog>
  );
}

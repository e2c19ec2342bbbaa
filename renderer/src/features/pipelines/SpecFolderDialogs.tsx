import { useState } from 'react';
import { call } from '../../api/client';
import { PathTaskDialog } from '../../shell/PathTaskDialog';

/** A path from the root (`/…`, `C:\…`, `\\server\…`): a relative one would be read from wherever the services were started. */
export function absolutePathProblem(path: string): string | undefined {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path) ? undefined : `“${path}” is not a full path. Type it from the root, e.g. /home/me/pipelines or C:\\pipelines.`;
}

/** Imports a `.yaml`/`.yml` file, or every one under a folder, as specs, as a task; picked (desktop) or typed (browser). */
export function ImportSpecsDialog({ onClose }: { onClose(): void }) {
  return (
    <PathTaskDialog
      title="Import pipeline specs"
      pathLabel="File or folder (full path)"
      placeholder="/home/me/pipelines"
      actionLabel="Import"
      pickLabel="Choose files…"
      emptyPath={{ title: 'Type a file or folder', message: 'Type the full path of a .yaml file, or of a folder of them, e.g. /home/me/pipelines.' }}
      check={absolutePathProblem}
      run={(path) => call('pipelines.import', path === undefined ? {} : { path })}
      onClose={onClose}
    >
      <p className="muted">
        Each .yaml or .yml file becomes a spec named after it, all its documents kept together. A file imported before from the same place gets a new version only if it changed. Links are not followed out of the folder.
      </p>
    </PathTaskDialog>
  );
}

/** Writes every spec, or only the one shown, to a folder as `<name>.yaml`, as a task. */
export function ExportSpecsDialog({ onClose, shown }: { onClose(): void; /** The spec on the page, offered alone. */ shown?: { id: string; name: string } }) {
  const [onlyShown, setOnlyShown] = useState(false);
  return (
    <PathTaskDialog
      title="Export pipeline specs"
      pathLabel="Folder (full path)"
      placeholder="/home/me/pipelines"
      actionLabel="Export"
      emptyPath={{ title: 'Type a folder', message: 'Type the full path of the folder, e.g. /home/me/pipelines.' }}
      check={absolutePathProblem}
      // An export has no picker: the folder is always typed, so `path` is set.
      run={(path) => call('pipelines.export', { folder: path ?? '', ...(onlyShown && shown ? { ids: [shown.id] } : {}) })}
      onClose={onClose}
    >
      <p className="muted">Each spec is written to the folder as &lt;name&gt;.yaml, its latest version; files of the same name are replaced.</p>
      {shown && (
        <label className="check">
          <input type="checkbox" checked={onlyShown} onChange={(e) => setOnlyShown(e.target.checked)} /> Only “{shown.name}”
        </label>
      )}
    </PathTaskDialog>
  );
}

/**
 * The application menu's commands, listed once: the contract's `app.command`
 * event, the desktop menu and the renderer's handlers all come from this list.
 */
export const appCommands = [
  { id: 'import-kubeconfig', label: 'Import kubeconfig…', menu: 'File', accelerator: 'CmdOrCtrl+O' },
  { id: 'open-palette', label: 'Command palette', menu: 'View', accelerator: 'CmdOrCtrl+K' },
  { id: 'go-connections', label: 'Connections', menu: 'View', accelerator: 'CmdOrCtrl+1' },
  { id: 'go-audit', label: 'Audit log', menu: 'View', accelerator: 'CmdOrCtrl+9' },
  { id: 'toggle-theme', label: 'Toggle light/dark', menu: 'View' },
] as const satisfies readonly AppCommandSpec[];

/** One menu command. */
export interface AppCommandSpec {
  id: string;
  label: string;
  /** The top-level menu it sits in. */
  menu: 'File' | 'View';
  /** Electron accelerator syntax. */
  accelerator?: string;
}

/** A menu command's id. */
export type AppCommandId = (typeof appCommands)[number]['id'];

/** The ids, for schemas. */
export const appCommandIds = appCommands.map((c) => c.id) as [AppCommandId, ...AppCommandId[]];

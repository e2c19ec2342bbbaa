import type { ConnectionSummary } from '../../../shared/contract';
import { routes, type RouteId } from './routes';
import type { AppDialog } from './uiStore';

/** One thing the command palette can do. */
export interface PaletteCommand {
  id: string;
  /** What the row says and what the filter matches. */
  title: string;
  /** Shown beside the title, e.g. the connection's kind. */
  hint?: string;
  run(): void;
}

/** What the palette's commands act on. */
export interface PaletteActions {
  navigate(id: RouteId): void;
  selectConnection(id: string): void;
  openDialog(dialog: AppDialog): void;
  toggleTheme(): void;
}

/**
 * Every palette command: the actions, a "Go to" per page, the commands pages
 * add (`more`, e.g. "Go to Pods" for the open cluster), a "Switch to" per connection.
 */
export function paletteCommands(connections: readonly ConnectionSummary[], actions: PaletteActions, more: readonly PaletteCommand[] = []): PaletteCommand[] {
  return [
    { id: 'import-kubeconfig', title: 'Import kubeconfig…', run: () => actions.openDialog('import-kubeconfig') },
    { id: 'add-aws', title: 'Add AWS account…', run: () => actions.openDialog('add-aws') },
    { id: 'toggle-theme', title: 'Toggle theme', run: actions.toggleTheme },
    ...routes.map((r) => ({ id: `go:${r.id}`, title: `Go to ${r.label}`, run: () => actions.navigate(r.id) })),
    ...more,
    ...connections.map((c) => ({
      id: `switch:${c.id}`,
      title: `Switch to ${c.name}`,
      hint: c.kind === 'aws' ? 'AWS' : 'Kubernetes',
      run: () => actions.selectConnection(c.id),
    })),
  ];
}

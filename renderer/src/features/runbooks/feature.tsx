import type { Feature, PaletteCommand } from '../../shell/feature';
import { useUi } from '../../shell/uiStore';
import { ExportRunbooksDialog, ImportRunbooksDialog } from './FolderDialogs';
import { useRunbookSearch } from './runbookCommands';
import { RunbooksPage } from './RunbooksPage';
import { newRunbook } from './runbooksStore';

const commands: readonly PaletteCommand[] = [
  { id: 'runbooks:new', title: 'New runbook', keywords: ['write runbook', 'create runbook'], run: newRunbook },
  { id: 'runbooks:import', title: 'Import runbooks…', keywords: ['runbook folder'], run: () => useUi.getState().openDialog('import-runbooks') },
];

/** The runbook library: search, read offline, run steps in a terminal, follow checklists per use, write and version runbooks. */
export const runbooksFeature: Feature<'runbooks', 'import-runbooks' | 'export-runbooks'> = {
  id: 'runbooks',
  page: { route: 'runbooks', label: 'Runbooks', navOrder: 80, component: RunbooksPage },
  dialogs: { 'import-runbooks': ImportRunbooksDialog, 'export-runbooks': ExportRunbooksDialog },
  usePaletteCommands: () => commands,
  usePaletteSearch: useRunbookSearch,
};

import type { Feature, PaletteCommand } from '../../shell/feature';
import { useSpecSearch } from './pipelineCommands';
import { importSpecs, newSpec } from './pipelinesStore';
import { PipelinesPage } from './PipelinesPage';

const commands: readonly PaletteCommand[] = [
  { id: 'pipelines:new', title: 'New pipeline spec', keywords: ['create spec', 'yaml', 'job', 'workflow'], run: newSpec },
  { id: 'pipelines:import', title: 'Import pipeline specs…', keywords: ['yaml files', 'spec folder'], run: importSpecs },
];

/** Pipeline specs: a library of versioned YAML, edited against the cluster's schema, dry-run, reviewed and applied with server-side apply. */
export const pipelinesFeature: Feature<'pipelines'> = {
  id: 'pipelines',
  page: { route: 'pipelines', label: 'Pipelines', navOrder: 40, component: PipelinesPage },
  usePaletteCommands: () => commands,
  usePaletteSearch: useSpecSearch,
};

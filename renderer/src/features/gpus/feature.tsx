import type { Feature, PaletteCommand } from '../../shell/feature';
import { navigate } from '../../shell/routes';
import { GpusPage } from './GpusPage';
import { FREE_FIRST, useGpus, type GpuTabId } from './gpusStore';

const open = (tab: GpuTabId) => () => {
  useGpus.getState().show(tab);
  navigate('gpus');
};

const commands: readonly PaletteCommand[] = [
  {
    id: 'gpus:free',
    title: 'Where are the free GPUs?',
    section: 'go',
    keywords: ['free gpus', 'gpu inventory', 'gpu capacity'],
    run() {
      useGpus.getState().sortNodes(FREE_FIRST);
      open('inventory')();
    },
  },
  { id: 'gpus:idle', title: 'Idle GPUs and what they cost', section: 'go', keywords: ['idle gpus', 'gpu cost', 'gpu waste', 'gpu utilisation', 'gpu heatmap'], run: open('idle') },
  { id: 'gpus:prices', title: 'Edit GPU prices', section: 'go', keywords: ['gpu price', 'gpu-hour'], run: open('prices') },
  { id: 'gpus:local', title: "This machine's GPUs", section: 'go', keywords: ['nvidia-smi', 'local gpu'], run: open('local') },
];

/** GPUs: who holds them, how hard they work, what idle ones cost, the price table, and this machine's own. */
export const gpusFeature: Feature<'gpus'> = {
  id: 'gpus',
  page: { route: 'gpus', label: 'GPUs', navOrder: 60, component: GpusPage },
  usePaletteCommands: () => commands,
};

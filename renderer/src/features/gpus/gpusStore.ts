import { create } from 'zustand';
import { readSetting, writeSetting } from '../../shell/storage';
import type { SortSpec } from '../../ui/VirtualGrid';

/** The GPU page's views, in the order of its tabs. */
export const GPU_TABS = [
  { id: 'inventory', label: 'Inventory', key: 'i' },
  { id: 'utilisation', label: 'Utilisation', key: 'u' },
  { id: 'heatmap', label: 'Heatmap', key: 'h' },
  { id: 'idle', label: 'Idle', key: 'd' },
  { id: 'cost', label: 'Cost', key: 'c' },
  { id: 'prices', label: 'Prices', key: 'p' },
  { id: 'local', label: 'This machine', key: 'm' },
] as const;
export type GpuTabId = (typeof GPU_TABS)[number]['id'];

const TAB_KEY = 'pilothouse.gpus.tab';
const PROMETHEUS_KEY = 'pilothouse.gpus.prometheus.';

/** Nodes with the most free GPUs first: "where are the free GPUs?". */
export const FREE_FIRST: SortSpec = { key: 'free', dir: 'desc' };

const storedTab = (): GpuTabId => {
  const id = readSetting(TAB_KEY);
  return GPU_TABS.find((t) => t.id === id)?.id ?? 'inventory';
};

interface GpusState {
  /** The tab shown; kept across launches. */
  tab: GpuTabId;
  /** The nodes table's sort, so a palette command can ask for free GPUs first. */
  nodeSort: SortSpec;
  /** Prometheus connections the user picked, by cluster connection id (kept across launches). */
  picked: Record<string, string | null>;
  show(tab: GpuTabId): void;
  sortNodes(sort: SortSpec): void;
  pickPrometheus(clusterId: string, prometheusId: string | null): void;
}

/** What the GPU page shows: its tab, the nodes' sort, and which Prometheus serves which cluster. */
export const useGpus = create<GpusState>()((set) => ({
  tab: storedTab(),
  nodeSort: FREE_FIRST,
  picked: {},
  show(tab) {
    writeSetting(TAB_KEY, tab);
    set({ tab });
  },
  sortNodes: (nodeSort) => set({ nodeSort }),
  pickPrometheus(clusterId, prometheusId) {
    writeSetting(PROMETHEUS_KEY + clusterId, prometheusId);
    set((s) => ({ picked: { ...s.picked, [clusterId]: prometheusId } }));
  },
}));

/** The Prometheus connection the user picked for `clusterId`, this session or an earlier one. */
export function pickedPrometheus(state: Pick<GpusState, 'picked'>, clusterId: string): string | null {
  return clusterId in state.picked ? state.picked[clusterId] : readSetting(PROMETHEUS_KEY + clusterId);
}

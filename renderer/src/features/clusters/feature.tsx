import type { Feature } from '../../shell/feature';
import { useClusterCommands, useObjectSearch } from './clusterCommands';
import { ClustersPage } from './ClustersPage';
import { usePrefetchDiscovery } from './inspectorStore';
import { useForgetChoicesOfDeleted } from './namespaceChoice';

/** The cluster inspector: resource tables, object details, logs and actions of the selected Kubernetes connection. */
export const clustersFeature: Feature<'clusters'> = {
  id: 'clusters',
  page: { route: 'clusters', label: 'Clusters', navOrder: 20, component: ClustersPage },
  useAppEffects() {
    usePrefetchDiscovery();
    useForgetChoicesOfDeleted();
  },
  usePaletteCommands: useClusterCommands,
  usePaletteSearch: useObjectSearch,
};

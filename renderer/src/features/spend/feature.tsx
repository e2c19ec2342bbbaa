import type { Feature } from '../../shell/feature';
import { SpendPage } from './SpendPage';

/** Spend: what an AWS account costs, from Cost Explorer (each request billed, so answers are cached and counted). */
export const spendFeature: Feature<'spend'> = {
  id: 'spend',
  page: { route: 'spend', label: 'Spend', navOrder: 65, component: SpendPage },
};

import type { ConnectionSummary, ObjectDetail, Row } from '../../../../../shared/contract';
import type { ResourceEntry } from '../resourceCatalog';

export interface ObjectActionsProps {
  connection: ConnectionSummary;
  entry: ResourceEntry;
  row: Row;
  /** The object's detail once loaded: replicas, unschedulable, containers' ports. */
  detail: ObjectDetail | undefined;
}

// SCAFFOLD: replaced by the actions helper.
export function ObjectActions(_props: ObjectActionsProps) {
  return null;
}

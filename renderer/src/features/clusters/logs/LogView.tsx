import type { ContainerInfo } from '../../../../../shared/contract';

export interface LogViewProps {
  connectionId: string;
  namespace: string;
  pod: string;
  containers: ContainerInfo[];
}

// SCAFFOLD: replaced by the logs helper.
export function LogView(_props: LogViewProps) {
  return null;
}

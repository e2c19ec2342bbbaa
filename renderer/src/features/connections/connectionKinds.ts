import type { ConnectionSummary } from '../../../../shared/contract';

const KIND_LABELS: Record<ConnectionSummary['kind'], string> = { kubernetes: 'Kubernetes', aws: 'AWS', prometheus: 'Prometheus' };

/** A connection kind as people read it: "Kubernetes", "AWS", "Prometheus". */
export const kindLabel = (kind: ConnectionSummary['kind']): string => KIND_LABELS[kind];

/** The Kubernetes connection a Prometheus endpoint is linked to: its name, "a deleted connection", or undefined when unlinked. */
export function linkedClusterName(c: ConnectionSummary, connections: readonly ConnectionSummary[]): string | undefined {
  const id = c.prometheus?.clusterConnectionId;
  if (!id) return undefined;
  const linked = connections.find((other) => other.id === id && other.kind === 'kubernetes');
  return linked ? linked.name : 'a deleted connection';
}

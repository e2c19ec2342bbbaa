import { KWOK_TOLERATION } from '../testbed';

export interface WorkloadManifestOptions {
  /** Pods of a Deployment or StatefulSet (a DaemonSet has one a node); 1 unless said. */
  replicas?: number;
  /** The container's name; the workload's unless said. */
  container?: string;
  /** Labels of the workload object itself. */
  labels?: Record<string, string>;
  /** More of the pod spec, e.g. a nodeSelector. */
  podSpec?: object;
  /** More of the workload's spec, e.g. an update strategy. */
  spec?: object;
}

/** A one-container Deployment, StatefulSet or DaemonSet for the bed: its pods labelled and selected by `app=<name>`, tolerating kwok's node taint. */
export function workloadManifest(kind: 'Deployment' | 'StatefulSet' | 'DaemonSet', namespace: string, name: string, image: string, options: WorkloadManifestOptions = {}) {
  const { replicas = 1, container = name, labels, podSpec = {}, spec = {} } = options;
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace, ...(labels ? { labels } : {}) },
    spec: {
      ...(kind !== 'DaemonSet' ? { replicas } : {}),
      ...(kind === 'StatefulSet' ? { serviceName: name } : {}),
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { tolerations: [KWOK_TOLERATION], containers: [{ name: container, image }], ...podSpec } },
      ...spec,
    },
  };
}

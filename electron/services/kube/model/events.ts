/** Events. */
import type { KubeObject } from './kubeObject';

/** A core/v1 or events.k8s.io/v1 Event: the same object under two sets of field names. */
export interface EventObject extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  note?: string;
  count?: number;
  deprecatedCount?: number;
  involvedObject?: { kind?: string; name?: string };
  regarding?: { kind?: string; name?: string };
  series?: { count?: number; lastObservedTime?: string };
  lastTimestamp?: string;
  deprecatedLastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
}

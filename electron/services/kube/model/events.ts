/** Events, and what kubectl computes from them for `kubectl get events`. */
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

/**
 * When the event last happened. Who wrote it decides where that is: a series
 * for repeats, lastTimestamp from the core API, eventTime from events.k8s.io.
 */
export function eventLastSeen(e: EventObject): string | undefined {
  return e.series?.lastObservedTime ?? e.lastTimestamp ?? e.deprecatedLastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
}

/** How many times it happened. Events written through events.k8s.io leave the old count at 0: each happened at least once. */
export function eventCount(e: EventObject): number {
  return e.series?.count || e.count || e.deprecatedCount || 1;
}

/** What it is about, as kubectl's OBJECT column says it: "pod/web-7d9f". */
export function eventObject(e: EventObject): string | undefined {
  const about = e.involvedObject ?? e.regarding;
  const kind = about?.kind?.toLowerCase() ?? '';
  if (!about?.name) return kind || undefined;
  return `${kind}/${about.name}`;
}

/**
 * Events about one object, shaped for the detail view: core/v1 Events carry
 * their times in three places depending on who wrote them (the old
 * first/lastTimestamp, the newer eventTime, and series for repeats).
 */
import type { ObjectEvent } from '../../../../shared/contract';

/** The most events the detail view gets for one object. */
export const EVENTS_MAX = 200;
/** Scheduler and admission messages can run to kilobytes; the view needs the start. */
const MESSAGE_MAX = 2000;

/** A core/v1 Event, as far as we read it. */
export interface CoreEvent {
  metadata?: { uid?: string; creationTimestamp?: string };
  involvedObject?: { uid?: string; kind?: string; name?: string };
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
}

/** When the event last happened. */
export function lastSeenOf(e: CoreEvent): string | undefined {
  return e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
}

/** Who reported it: "kubelet on gpu-1", "default-scheduler". */
function sourceOf(e: CoreEvent): string | undefined {
  const component = e.source?.component || e.reportingComponent;
  const host = e.source?.host || (e.reportingInstance !== component ? e.reportingInstance : undefined);
  if (!component) return host || undefined;
  return host ? `${component} on ${host}` : component;
}

export function toObjectEvent(e: CoreEvent): ObjectEvent {
  const message = e.message ?? '';
  const firstSeen = e.firstTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
  const lastSeen = lastSeenOf(e);
  const source = sourceOf(e);
  return {
    uid: e.metadata?.uid ?? '',
    type: e.type ?? '',
    reason: e.reason ?? '',
    message: message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX)}…` : message,
    // Events written through events.k8s.io show a count of 0 here: each happened at least once.
    count: e.series?.count || e.count || 1,
    ...(firstSeen ? { firstSeen } : {}),
    ...(lastSeen ? { lastSeen } : {}),
    ...(source ? { source } : {}),
  };
}

/** The newest {@link EVENTS_MAX} events, newest first; events without a time go last. */
export function newestEvents(events: CoreEvent[]): ObjectEvent[] {
  const time = (e: CoreEvent) => Date.parse(lastSeenOf(e) ?? '') || 0;
  return events
    .map((e) => ({ e, t: time(e) }))
    .sort((a, b) => b.t - a.t)
    .slice(0, EVENTS_MAX)
    .map(({ e }) => toObjectEvent(e));
}

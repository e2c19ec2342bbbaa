/**
 * Events about one object, shaped for the detail view: core/v1 Events carry
 * their times in three places depending on who wrote them (the old
 * first/lastTimestamp, the newer eventTime, and series for repeats).
 */
import type { ObjectEvent } from '../../../../shared/contract';
import { eventCount, eventLastSeen, type EventObject } from '../model';

/** The most events the detail view gets for one object. */
export const EVENTS_MAX = 200;
/** Scheduler and admission messages can run to kilobytes; the view needs the start. */
const MESSAGE_MAX = 2000;

/** A core/v1 Event, as far as we read it: the model's, with the object's uid and who reported it. */
export interface CoreEvent extends EventObject {
  involvedObject?: { uid?: string; kind?: string; name?: string };
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
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
  const lastSeen = eventLastSeen(e);
  const source = sourceOf(e);
  return {
    uid: e.metadata?.uid ?? '',
    type: e.type ?? '',
    reason: e.reason ?? '',
    message: message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX)}…` : message,
    count: eventCount(e),
    ...(firstSeen ? { firstSeen } : {}),
    ...(lastSeen ? { lastSeen } : {}),
    ...(source ? { source } : {}),
  };
}

/** The newest {@link EVENTS_MAX} events, newest first; events without a time go last. */
export function newestEvents(events: CoreEvent[]): ObjectEvent[] {
  const time = (e: CoreEvent) => Date.parse(eventLastSeen(e) ?? '') || 0;
  return events
    .map((e) => ({ e, t: time(e) }))
    .sort((a, b) => b.t - a.t)
    .slice(0, EVENTS_MAX)
    .map(({ e }) => toObjectEvent(e));
}

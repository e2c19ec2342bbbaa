import type { ObjectRef } from '../../../../../shared/contract';
import { useQuery } from '../../../ui/useQuery';
import { statusTone } from '../cellFormat';
import { Age } from '../CellValue';
import { CallProblem } from './CallProblem';
import { POLL_MS } from './detailTabs';

/** Events about the object, newest first, asked for again every few seconds while shown. */
export function EventsTab({ objectRef }: { objectRef: ObjectRef }) {
  const events = useQuery('kube.events', objectRef, { pollMs: POLL_MS });
  const list = events.value?.events;
  return (
    <>
      {events.error !== undefined && <CallProblem error={events.error} what="the events of this object" onRetry={events.refetch} />}
      {!list ? (
        events.loading && <p className="muted">Loading events…</p>
      ) : !list.length ? (
        <p className="muted">No recent events.</p>
      ) : (
        <ol className="event-list" aria-label="Events">
          {list.map((e) => {
            const when = e.lastSeen ?? e.firstSeen;
            return (
              <li key={e.uid} className="event">
                <div className="event-head">
                  <span className={`badge tone-${statusTone(e.type)}`}>{e.type}</span>
                  <strong>{e.reason}</strong>
                  {e.count > 1 && <span className="muted">×{e.count}</span>}
                  {when && (
                    <span className="muted event-when">
                      <Age iso={when} suffix=" ago" />
                    </span>
                  )}
                </div>
                <p className="event-message">{e.message}</p>
                {e.source && <p className="muted event-source">{e.source}</p>}
              </li>
            );
          })}
        </ol>
      )}
    </>
  );
}

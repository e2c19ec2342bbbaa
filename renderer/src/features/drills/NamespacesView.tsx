import type { DrillNamespaceStatus, DrillOutcome, DrillsOverview, DrillSummary } from '../../../../shared/contract';
import { formatTime } from '../../shell/format';
import { useNow } from '../../ui/useNow';
import { againstTarget, durationText, OUTCOME_TONE, relativeText } from './drillsFormat';

interface NamespacesViewProps {
  overview: DrillsOverview;
  /** Show the connection column: the page spans every connection. */
  showConnection: boolean;
  onTargets(row: DrillNamespaceStatus | null): void;
  onBackup(row: DrillNamespaceStatus | null): void;
  onDrill(row: DrillNamespaceStatus): void;
}

/** A time with its distance from now; the exact time in the tooltip. */
export function When({ iso, now }: { iso: string | undefined; now: number }) {
  if (!iso) return <span className="muted">never</span>;
  return (
    <time dateTime={iso} title={formatTime(iso)}>
      {relativeText(iso, now)}
    </time>
  );
}

/** A figure against its target, marked when it missed (in words as well as colour). */
export function Figure({ ms, targetMs, outcome }: { ms: number | undefined; targetMs: number | undefined; outcome?: DrillOutcome }) {
  const { text, missed } = againstTarget(ms, targetMs, outcome);
  return (
    <span className={missed ? 'tone-bad' : undefined}>
      {text}
      {missed && <span className="drills-missed"> (missed)</span>}
    </span>
  );
}

/** A drill's RTO and RPO against their targets, and with `checks` how many passed and failed. */
export function DrillFigures({ drill, checks = false }: { drill: DrillSummary; checks?: boolean }) {
  return (
    <dl className="facts">
      <dt>RTO</dt>
      <dd>
        <Figure ms={drill.rtoMs} targetMs={drill.rtoTargetMs} outcome={drill.outcome} />
      </dd>
      <dt>RPO</dt>
      <dd>
        <Figure ms={drill.rpoMs} targetMs={drill.rpoTargetMs} />
      </dd>
      {checks && (
        <>
          <dt>Checks</dt>
          <dd>
            {drill.checksPassed} passed
            {drill.checksFailed > 0 && <span className="tone-bad">, {drill.checksFailed} failed</span>}
          </dd>
        </>
      )}
    </dl>
  );
}

/**
 * Every namespace with a backup or a drill target: when it was last backed
 * up, how its last drill went against its RTO and RPO targets, when the next
 * one is due; overdue ones first, flagged.
 */
export function NamespacesView({ overview, showConnection, onTargets, onBackup, onDrill }: NamespacesViewProps) {
  const now = useNow();
  const rows = [...overview.namespaces].sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.namespace.localeCompare(b.namespace) || a.connectionName.localeCompare(b.connectionName));
  const overdue = rows.filter((r) => r.overdue).length;
  if (!rows.length) {
    return (
      <div className="empty">
        <h2>No namespace is backed up or drilled yet</h2>
        <p>Back up a namespace to have something to drill, and set its targets (RTO, RPO, how often a drill must pass) so Pilothouse tells you when one is due.</p>
        <div className="button-row">
          <button type="button" className="primary" onClick={() => onBackup(null)}>
            Back up now…
          </button>
          <button type="button" onClick={() => onTargets(null)}>
            Add namespace…
          </button>
        </div>
      </div>
    );
  }
  return (
    <>
      <div className="page-header">
        <p className={overdue ? 'drills-overdue-summary' : 'muted'} role="status">
          {overdue ? `${overdue} of ${rows.length} namespaces are overdue for a drill.` : `${rows.length} namespaces; none is overdue.`}
        </p>
        <div className="page-header-actions">
          <button type="button" onClick={() => onTargets(null)}>
            Add namespace…
          </button>
        </div>
      </div>
      <div className="table-scroll">
        <table className="data drills-table" aria-label="Namespaces">
          <thead>
            <tr>
              <th>Namespace</th>
              {showConnection && <th>Connection</th>}
              <th>Last backup</th>
              <th>Last drill</th>
              <th>RTO</th>
              <th>RPO</th>
              <th>Next drill due</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const last = r.lastDrill;
              return (
                <tr key={`${r.connectionId}/${r.namespace}`} className={r.overdue ? 'drills-overdue' : undefined}>
                  <td className="mono">
                    {r.namespace}
                    {r.overdue && <span className="badge tone-bad drills-flag">overdue</span>}
                  </td>
                  {showConnection && <td>{r.connectionName}</td>}
                  <td>
                    <When iso={r.lastBackupAt} now={now} />
                  </td>
                  <td>
                    {last ? (
                      <>
                        <span className={`badge ${OUTCOME_TONE[last.outcome]}`} title={last.error}>
                          {last.outcome}
                        </span>{' '}
                        <When iso={last.startedAt} now={now} />
                        {last.outcome !== 'passed' && (
                          <div className="muted">
                            {r.lastPassedAt ? (
                              <>
                                last passed <When iso={r.lastPassedAt} now={now} />
                              </>
                            ) : (
                              'none has passed'
                            )}
                          </div>
                        )}
                      </>
                    ) : (
                      <span className="muted">never</span>
                    )}
                  </td>
                  <td>{last ? <Figure ms={last.rtoMs} targetMs={last.rtoTargetMs ?? secondsMs(r.target?.rtoSeconds)} outcome={last.outcome} /> : <TargetOnly seconds={r.target?.rtoSeconds} />}</td>
                  <td>{last ? <Figure ms={last.rpoMs} targetMs={last.rpoTargetMs ?? secondsMs(r.target?.rpoSeconds)} /> : <TargetOnly seconds={r.target?.rpoSeconds} />}</td>
                  <td>
                    {r.nextDrillDueAt ? (
                      <span className={r.overdue ? 'tone-bad' : undefined}>
                        <When iso={r.nextDrillDueAt} now={now} />
                      </span>
                    ) : (
                      <span className="muted">{r.target ? 'no drill has passed yet' : 'no target set'}</span>
                    )}
                  </td>
                  <td className="row-actions">
                    <button type="button" onClick={() => onTargets(r)}>
                      Set targets…
                    </button>
                    <button type="button" onClick={() => onBackup(r)}>
                      Back up now…
                    </button>
                    <button type="button" onClick={() => onDrill(r)}>
                      Drill now…
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

const secondsMs = (seconds: number | undefined) => (seconds === undefined ? undefined : seconds * 1000);

function TargetOnly({ seconds }: { seconds: number | undefined }) {
  return <span className="muted">{seconds === undefined ? '–' : `target ${durationText(seconds * 1000)}`}</span>;
}

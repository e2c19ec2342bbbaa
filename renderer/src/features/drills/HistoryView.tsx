import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ConnectionSummary, DrillSummary, TaskSummary } from '../../../../shared/contract';
import { productionLabel } from '../../../../shared/production';
import { call } from '../../api/client';
import { useAppInfo } from '../../shell/appInfoStore';
import { saveBlob } from '../../shell/charts/download';
import { TimeSeriesChart } from '../../shell/charts/TimeSeriesChart';
import { DialogFooter } from '../../shell/DialogFooter';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { formatTime, plural } from '../../shell/format';
import { Modal } from '../../shell/Modal';
import { notifySuccess } from '../../shell/toastStore';
import { useNow } from '../../ui/useNow';
import { useQuery } from '../../ui/useQuery';
import { TypedConfirmation } from '../clusters/actions/ActionDialog';
import { useProductionMarks } from '../connections/productionMarks';
import { durationText, namespaceKey, OUTCOME_TONE, rtoTrend } from './drillsFormat';
import { DrillFigures, Figure, When } from './NamespacesView';
import { PhasedTaskView } from './PhasedTaskView';

/** "team-a on prod-eu → drill-team-a-… on staging". */
function SourceToTarget({ drill }: { drill: DrillSummary }) {
  return (
    <>
      <span className="mono">{drill.sourceNamespace}</span> on {drill.sourceConnectionName}
      {drill.source.kind === 'velero' && <span className="badge tone-neutral drills-flag">Velero</span>} → <span className="mono">{drill.targetNamespace}</span> on {drill.targetConnectionName}
    </>
  );
}

/** Cleans up what a drill left behind, as a task; the target cluster's name typed when it is production. */
function CleanupDialog({ drill, clusters, onClose, onChanged }: { drill: DrillSummary; clusters: readonly ConnectionSummary[]; onClose(): void; onChanged(): void }) {
  const marks = useProductionMarks((s) => s.marked);
  const target = clusters.find((c) => c.id === drill.targetConnectionId);
  const production = target !== undefined && productionLabel(target.labels, marks) !== undefined;
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView>();
  const [started, setStarted] = useState<TaskSummary>();
  const label = `Clean up ${drill.targetNamespace}`;
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setStarted((await call('drills.cleanup', { id: drill.id, ...(production ? { confirmName: typed } : {}) })).task);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };
  return (
    <Modal label={label} onClose={onClose}>
      <h2>{label}</h2>
      {started ? (
        <PhasedTaskView started={started} onClose={onClose} onEnded={onChanged} />
      ) : (
        <>
          <p>
            Deletes the {plural(drill.leftovers, 'object')} this drill created that are still in <span className="mono">{drill.targetNamespace}</span> on {drill.targetConnectionName}
            {drill.kept ? ', and the namespace it kept' : ''}. Nothing it did not create is touched.
          </p>
          {production && target && <TypedConfirmation expected={target.name} what="the connection's name" actionLabel="Clean up" value={typed} onChange={setTyped} />}
          <DialogFooter
            error={error}
            dismiss={{ label: 'Cancel', onClick: onClose, autoFocus: !production }}
            action={{ label: 'Clean up', busyLabel: 'Starting…', busy, danger: true, disabled: production && typed !== target?.name, onClick: () => void run() }}
          />
        </>
      )}
    </Modal>
  );
}

/** A drill's report: its timeline, each check with what it found, what it created; exported as Markdown or HTML, and as PDF in the desktop app. */
function DrillDetailView({ id, refreshKey, onClose }: { id: string; refreshKey: string; onClose(): void }) {
  const query = useQuery('drills.get', { id }, { refreshKey, keepPrevious: true });
  const [exporting, setExporting] = useState<'markdown' | 'html' | 'pdf'>();
  const pdf = useAppInfo((s) => s.info?.capabilities.pdfExport ?? false);
  const [exportError, setExportError] = useState<ErrorView>();
  const headingId = useId();
  const drill = query.value?.id === id ? query.value : undefined;
  const ref = useRef<HTMLElement>(null);
  // The report opens under the table: brought into view, as the button that opened it may be far above.
  useEffect(() => ref.current?.scrollIntoView?.({ block: 'nearest' }), [id]);

  const exportAs = async (format: 'markdown' | 'html') => {
    setExporting(format);
    setExportError(undefined);
    try {
      const report = await call('drills.report', { id, format });
      saveBlob(report.fileName, new Blob([report.text], { type: report.mimeType }));
    } catch (err) {
      setExportError(describeError(err));
    } finally {
      setExporting(undefined);
    }
  };

  // The desktop app prints the HTML report to a file the person picks; nothing is saved when they cancel.
  const savePdf = async () => {
    setExporting('pdf');
    setExportError(undefined);
    try {
      const { path } = await call('drills.savePdf', { id });
      if (path) notifySuccess('Saved the report as PDF', path);
    } catch (err) {
      setExportError(describeError(err));
    } finally {
      setExporting(undefined);
    }
  };

  return (
    <section ref={ref} className="detail drills-detail" aria-labelledby={headingId}>
      <div className="detail-head">
        <h2 id={headingId}>{drill ? <SourceToTarget drill={drill} /> : 'Drill'}</h2>
        <div className="button-row">
          <button type="button" disabled={!drill || exporting !== undefined} onClick={() => void exportAs('markdown')}>
            {exporting === 'markdown' ? 'Exporting…' : 'Export Markdown'}
          </button>
          <button type="button" disabled={!drill || exporting !== undefined} onClick={() => void exportAs('html')}>
            {exporting === 'html' ? 'Exporting…' : 'Export HTML'}
          </button>
          {pdf && (
            <button type="button" disabled={!drill || exporting !== undefined} onClick={() => void savePdf()}>
              {exporting === 'pdf' ? 'Saving…' : 'Save PDF…'}
            </button>
          )}
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
      {exportError && <ErrorNotice error={{ ...exportError, title: `Could not export the report: ${exportError.title.toLowerCase()}` }} />}
      {query.error !== undefined && <ErrorNotice error={{ ...describeError(query.error, { refresh: query.refetch }), title: 'Could not read the drill' }} />}
      {!drill && query.loading && <p className="muted">Reading the drill…</p>}
      {drill && (
        <>
          <p>
            <span className={`badge ${OUTCOME_TONE[drill.outcome]}`}>{drill.outcome}</span> Started {formatTime(drill.startedAt)}
            {drill.finishedAt ? `, ended ${formatTime(drill.finishedAt)}` : ''}. Backup taken {formatTime(drill.backupTakenAt)}.
          </p>
          {drill.error && <p className="field-error">{drill.error}</p>}
          <DrillFigures drill={drill} />
          <h3>Timeline</h3>
          <ol className="drills-timeline" aria-label="Timeline">
            {drill.timeline.map((e, i) => (
              <li key={i}>
                <time dateTime={e.at} className="muted">
                  {formatTime(e.at)}
                </time>{' '}
                <strong>{e.phase}</strong>: {e.message}
              </li>
            ))}
          </ol>
          <h3>Checks</h3>
          {drill.checks.length ? (
            <table className="data" aria-label="Checks">
              <thead>
                <tr>
                  <th>Check</th>
                  <th>Result</th>
                  <th>Details</th>
                </tr>
              </thead>
              <tbody>
                {drill.checks.map((c, i) => (
                  <tr key={i}>
                    <td>{c.name}</td>
                    <td>
                      <span className={`badge ${c.passed ? 'tone-ok' : 'tone-bad'}`}>{c.passed ? 'passed' : 'failed'}</span>
                    </td>
                    <td>{c.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">No check ran{drill.outcome === 'running' ? ' yet' : ''}.</p>
          )}
          <details>
            <summary>Created {plural(drill.created.length, 'object')}</summary>
            <ul className="mono drills-created">
              {/* By position: two kinds of one name in different API groups read the same ("Ingress ns/web"). */}
              {drill.created.map((c, i) => (
                <li key={i}>{c}</li>
              ))}
            </ul>
          </details>
        </>
      )}
    </section>
  );
}

/** The RTO of one namespace's drills over time, the target as a line, failed drills in their own colour. */
function RtoTrend({ drills }: { drills: readonly DrillSummary[] }) {
  const keys = useMemo(() => [...new Set(drills.map(namespaceKey))], [drills]);
  const [chosen, setChosen] = useState<string>();
  const key = chosen !== undefined && keys.includes(chosen) ? chosen : keys[0];
  const data = useMemo(() => rtoTrend(drills.filter((d) => namespaceKey(d) === key)), [drills, key]);
  if (key === undefined) return null;
  return (
    <section className="drills-trend" aria-label="RTO trend">
      <div className="page-header">
        <h3>RTO trend</h3>
        {keys.length > 1 && (
          <label className="field inline">
            <span>Namespace</span>
            <select value={key} onChange={(e) => setChosen(e.target.value)}>
              {keys.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <TimeSeriesChart title={`RTO of ${key}`} data={data} mode="bars" height={200} format={(s) => durationText(s * 1000)} />
      <p className="muted">A failed drill that measured no RTO (its workloads never became ready, or it stopped before) is drawn at how long the whole drill ran, checks and cleanup included: not an RTO.</p>
    </section>
  );
}

interface HistoryViewProps {
  connectionId?: string;
  refreshKey: string;
  clusters: readonly ConnectionSummary[];
  onChanged(): void;
}

/** The most drills read: the contract's most; the trend and the leftovers are found among them. */
export const HISTORY_LIMIT = 1000;
/** Rows the table shows at first, and adds each time more are asked for: a thousand rows would be slow to lay out. */
const PAGE = 100;

/** A drill whose objects are still on a cluster, for "Clean up…" (the services refuse one with none left, kept or not). */
const leftBehind = (d: DrillSummary) => d.outcome !== 'running' && d.leftovers > 0;

/** Every drill, newest first: how it went against its targets, its checks, what it left; its report, and the RTO trend. */
export function HistoryView({ connectionId, refreshKey, clusters, onChanged }: HistoryViewProps) {
  const now = useNow();
  const query = useQuery('drills.list', { ...(connectionId ? { connectionId } : {}), limit: HISTORY_LIMIT }, { refreshKey, keepPrevious: true });
  const [shown, setShown] = useState<string>();
  const [cleaning, setCleaning] = useState<DrillSummary>();
  const [rowsShown, setRowsShown] = useState(PAGE);
  const [onlyLeft, setOnlyLeft] = useState(false);
  const drills = useMemo(() => [...(query.value ?? [])].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt)), [query.value]);
  const withLeftovers = useMemo(() => drills.filter(leftBehind), [drills]);
  const listed = onlyLeft ? withLeftovers : drills;
  const cut = (query.value?.length ?? 0) >= HISTORY_LIMIT;

  return (
    <>
      <div className="page-header">
        <p className="muted" aria-live="polite">
          {query.value ? (cut ? `The newest ${HISTORY_LIMIT.toLocaleString()} drills; older ones are not listed.` : plural(drills.length, 'drill')) : query.loading ? 'Reading the history…' : ''}
        </p>
        <button type="button" onClick={query.refetch} disabled={query.loading}>
          {query.loading ? 'Reading…' : 'Refresh'}
        </button>
      </div>
      {query.error !== undefined && <ErrorNotice error={{ ...describeError(query.error, { refresh: query.refetch }), title: 'Could not read the drill history' }} />}
      {query.value && drills.length === 0 && (
        <div className="empty">
          <p>No drill has run yet. Start one from a backup (Backups tab, “Drill…”) or from a namespace (Namespaces tab, “Drill now…”).</p>
        </div>
      )}
      {drills.length > 0 && (
        <>
          <RtoTrend drills={drills} />
          {withLeftovers.length > 0 && (
            <div className="notice drills-leftovers" role="status">
              <p>
                <strong>{plural(withLeftovers.length, 'drill')} left objects behind</strong> on a cluster (kept as asked, or a cleanup that failed or never ran). “Clean up…” on each removes them.
              </p>
              <label className="check">
                <input type="checkbox" checked={onlyLeft} onChange={(e) => setOnlyLeft(e.target.checked)} /> Only drills that left objects behind
              </label>
            </div>
          )}
          <div className="table-scroll">
            <table className="data drills-table" aria-label="Drills">
              <thead>
                <tr>
                  <th>Started</th>
                  <th>Outcome</th>
                  <th>Source → target</th>
                  <th>RTO</th>
                  <th>RPO</th>
                  <th>Checks</th>
                  <th>Left behind</th>
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {listed.slice(0, rowsShown).map((d) => (
                  <tr key={d.id}>
                    <td>
                      <When iso={d.startedAt} now={now} />
                    </td>
                    <td>
                      <span className={`badge ${OUTCOME_TONE[d.outcome]}`} title={d.error}>
                        {d.outcome}
                      </span>
                    </td>
                    <td>
                      <SourceToTarget drill={d} />
                    </td>
                    <td>
                      <Figure ms={d.rtoMs} targetMs={d.rtoTargetMs} outcome={d.outcome} />
                    </td>
                    <td>
                      <Figure ms={d.rpoMs} targetMs={d.rpoTargetMs} />
                    </td>
                    <td>
                      {d.checksPassed} passed
                      {d.checksFailed > 0 && <span className="tone-bad">, {d.checksFailed} failed</span>}
                    </td>
                    <td>
                      {d.leftovers > 0 ? (
                        <>
                          {plural(d.leftovers, 'object')}
                          {d.kept ? ' (kept)' : ''}{' '}
                          <button type="button" disabled={d.outcome === 'running'} onClick={() => setCleaning(d)}>
                            Clean up…
                          </button>
                        </>
                      ) : (
                        <span className="muted">nothing</span>
                      )}
                    </td>
                    <td className="row-actions">
                      <button type="button" aria-pressed={d.id === shown} onClick={() => setShown(d.id === shown ? undefined : d.id)}>
                        Report
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {listed.length > rowsShown && (
            <div className="button-row">
              <span className="muted">
                {rowsShown.toLocaleString()} of {listed.length.toLocaleString()} shown
              </span>
              <button type="button" onClick={() => setRowsShown((n) => n + PAGE)}>
                Show {Math.min(PAGE, listed.length - rowsShown)} more
              </button>
            </div>
          )}
        </>
      )}
      {shown && <DrillDetailView id={shown} refreshKey={refreshKey} onClose={() => setShown(undefined)} />}
      {cleaning && (
        <CleanupDialog
          drill={cleaning}
          clusters={clusters}
          onClose={() => setCleaning(undefined)}
          onChanged={onChanged}
        />
      )}
    </>
  );
}

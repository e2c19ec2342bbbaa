import { useEffect, useState } from 'react';
import type { TaskSummary } from '../../../../shared/contract';
import { call } from '../../api/client';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { formatDuration } from './taskFormat';

const phaseStates: Record<NonNullable<TaskSummary['report']>['phases'][number]['state'], string> = {
  pending: 'not started',
  running: 'running',
  done: 'done',
  failed: 'failed',
  skipped: 'skipped',
};

/**
 * A task's report, asked for when opened (lists and events leave reports
 * out): its summary, each phase's duration and the lines it logged.
 * Asked again when the task's status changes, so a report opened while the task ran ends complete.
 */
export function TaskReportView({ task, id }: { task: Pick<TaskSummary, 'id' | 'title' | 'status'>; id: string }) {
  const [report, setReport] = useState<TaskSummary['report']>();
  const [error, setError] = useState<ErrorView>();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    call('tasks.get', { id: task.id }).then(
      (t) => current && (setReport(t.report ?? { phases: [], lines: [], linesDropped: 0 }), setError(undefined)),
      (err: unknown) => current && setError(describeError(err)),
    );
    return () => {
      current = false;
    };
  }, [task.id, task.status, attempt]);

  return (
    <section id={id} className="task-report" aria-label={`Report: ${task.title}`}>
      {error && <ErrorNotice error={{ ...error, title: 'Could not load the report', action: { label: 'Try again', run: () => setAttempt((n) => n + 1) } }} />}
      {!report && !error && <p className="muted">Loading the report…</p>}
      {report && (
        <>
          {report.summary && <p className="task-report-summary">{report.summary}</p>}
          {report.phases.length > 0 && (
            <table className="task-report-phases">
              <thead>
                <tr>
                  <th scope="col">Phase</th>
                  <th scope="col">State</th>
                  <th scope="col">Took</th>
                </tr>
              </thead>
              <tbody>
                {report.phases.map((p) => (
                  <tr key={p.name}>
                    <td>{p.name}</td>
                    <td>{phaseStates[p.state]}</td>
                    <td>{p.durationMs === undefined ? '—' : formatDuration(p.durationMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {report.linesDropped > 0 && <p className="muted">{report.linesDropped.toLocaleString()} earlier lines were not kept.</p>}
          {report.lines.length > 0 ? <pre className="task-report-lines">{report.lines.join('\n')}</pre> : <p className="muted">The task logged nothing.</p>}
        </>
      )}
    </section>
  );
}

import { Fragment, useState } from 'react';
import { MAX_RUNS_PER_KIND, type ConnectionSummary, type CronJobRun, type CronWorkflowRun, type JobRun, type RunsList, type WorkflowRun } from '../../../../../shared/contract';
import { call } from '../../../api/client';
import { describeError } from '../../../shell/errorActions';
import { useToasts } from '../../../shell/toastStore';
import { useNow } from '../../../ui/useNow';
import { usePageVisible } from '../../../ui/usePageVisible';
import { useQuery } from '../../../ui/useQuery';
import { Age } from '../../clusters/CellValue';
import { CallProblem } from '../../clusters/detail/CallProblem';
import { useNamespaceChoice } from '../../clusters/namespaceChoice';
import { useConnections } from '../../connections/connectionsStore';
import { openPod } from '../../gpus/InventoryView';
import { ViewHeader } from '../../rollouts/ViewHeader';
import { RunDialog, SubmitWorkflowDialog, type RunAction } from './RunDialogs';
import { JOB_TONE, phaseTone, runDuration } from './runsFormat';
import './runs.css';

/**
 * Runs are read again this often while the view is shown and the window
 * visible: each read lists every page of every kind, so not more often.
 */
const POLL_MS = 30_000;

const Dash = () => <span className="muted">–</span>;
const When = ({ iso }: { iso?: string }) => (iso ? <Age iso={iso} suffix=" ago" /> : <Dash />);

/** How long a run took, or has run so far, kept current. */
function Duration({ run }: { run: { durationMs?: number; startedAt?: string; finishedAt?: string } }) {
  const now = useNow();
  return <>{runDuration(run, now)}</>;
}

/** Opens the newest pod of a Job in the inspector; says so when it has none left (deleted with it, or by its TTL). */
async function openJobPod(connectionId: string, job: JobRun): Promise<void> {
  try {
    const pods = await call('pipelineRuns.jobPods', { connectionId, namespace: job.namespace, name: job.name, uid: job.uid });
    if (!pods.length) {
      useToasts.getState().push({ tone: 'error', title: `No logs: Job ${job.name} has no pods left`, message: 'They were deleted (by the Job’s TTL or its pod failure policy), so there are no logs to show.' });
      return;
    }
    openPod(connectionId, job.namespace, pods[0].name);
  } catch (err) {
    const { title, message } = describeError(err);
    useToasts.getState().push({ tone: 'error', title, message });
  }
}

interface JobRowProps {
  job: JobRun;
  connectionId: string;
  onAction(action: RunAction): void;
  /** Under a CronJob: its history row, the namespace said once above. */
  nested?: boolean;
}

function JobRow({ job, connectionId, onAction, nested = false }: JobRowProps) {
  const finished = job.state === 'Complete' || job.state === 'Failed';
  return (
    <tr className={nested ? 'runs-history' : undefined}>
      <td>
        {nested ? '↳ ' : `${job.namespace}/`}
        {job.name}
        {job.manual && <span className="badge tone-neutral">manual</span>}
        {job.rerunOf && <span className="badge tone-neutral" title={`A re-run of ${job.rerunOf}`}>re-run</span>}
      </td>
      <td>
        <span className={`badge ${JOB_TONE[job.state]}`} title={job.message}>
          {job.state}
        </span>
      </td>
      <td className="kind-number">
        {job.succeeded}
        {job.completions !== undefined ? `/${job.completions}` : ''} ok{job.failed ? `, ${job.failed} failed` : ''}
        {job.active ? `, ${job.active} active` : ''}
      </td>
      <td>
        <When iso={job.startedAt} />
      </td>
      <td>
        <Duration run={job} />
      </td>
      <td className="button-row">
        <button type="button" onClick={() => void openJobPod(connectionId, job)} title="Open its newest pod in the inspector, with its logs">
          Logs
        </button>
        <button
          type="button"
          disabled={!finished}
          title={finished ? undefined : `It is ${job.state.toLowerCase()}: only a finished Job can be run again`}
          onClick={() => onAction({ kind: 'rerun', job })}
        >
          Re-run…
        </button>
      </td>
    </tr>
  );
}

const JOB_HEAD = (
  <tr>
    <th>Job</th>
    <th>Status</th>
    <th>Pods</th>
    <th>Started</th>
    <th>Duration</th>
    <th>
      <span className="visually-hidden">Actions</span>
    </th>
  </tr>
);

interface CronJobsProps {
  cronJobs: readonly CronJobRun[];
  jobs: ReadonlyMap<string, JobRun>;
  /** Older Jobs were left out of the list: a CronJob with none listed may still have some. */
  jobsCut: boolean;
  connectionId: string;
  onAction(action: RunAction): void;
}

/** CronJobs, each expanding to its Jobs, newest first. */
function CronJobsTable({ cronJobs, jobs, jobsCut, connectionId, onAction }: CronJobsProps) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (key: string) => setOpen((s) => (s.has(key) ? new Set([...s].filter((k) => k !== key)) : new Set([...s, key])));
  return (
    <table className="data" aria-label="CronJobs">
      <thead>
        <tr>
          <th>CronJob</th>
          <th>Schedule</th>
          <th>Last scheduled</th>
          <th>Last success</th>
          <th>Active</th>
          <th>
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {cronJobs.map((cj) => {
          const key = `${cj.namespace}/${cj.name}`;
          const expanded = open.has(key);
          const history = cj.history.flatMap((name) => jobs.get(`${cj.namespace}/${name}`) ?? []);
          return (
            <Fragment key={key}>
              <tr>
                <td>
                  <button type="button" className="link" aria-expanded={expanded} onClick={() => toggle(key)} title={expanded ? 'Hide its Jobs' : 'Show its Jobs'}>
                    {expanded ? '▾' : '▸'} {key}
                  </button>
                  {cj.suspended && <span className="badge tone-warn">suspended</span>}
                </td>
                <td className="mono">
                  {cj.schedule}
                  {cj.timeZone ? ` (${cj.timeZone})` : ''}
                </td>
                <td>
                  <When iso={cj.lastScheduledAt} />
                </td>
                <td>
                  <When iso={cj.lastSucceededAt} />
                </td>
                <td className="kind-number">{cj.active}</td>
                <td className="button-row">
                  <button type="button" onClick={() => onAction({ kind: cj.suspended ? 'resume' : 'suspend', cronJob: cj })}>
                    {cj.suspended ? 'Resume…' : 'Suspend…'}
                  </button>
                  <button type="button" onClick={() => onAction({ kind: 'trigger', cronJob: cj })}>
                    Trigger now…
                  </button>
                </td>
              </tr>
              {expanded &&
                (history.length ? (
                  history.map((job) => <JobRow key={job.uid} job={job} connectionId={connectionId} onAction={onAction} nested />)
                ) : (
                  <tr className="runs-history">
                    <td colSpan={6} className="muted">
                      {jobsCut
                        ? `None of its Jobs is among the newest ${MAX_RUNS_PER_KIND} listed: its history is older. Show only namespace ${cj.namespace} (the namespace filter above a Clusters table) to list it.`
                        : 'No Jobs of it are kept (its history limits, or none has run yet).'}
                    </td>
                  </tr>
                ))}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}

/** A Workflow's steps, read while it is expanded (again with each read of the list), each pod step with a link to its pod. */
function WorkflowSteps({ workflow, connectionId, refreshKey }: { workflow: WorkflowRun; connectionId: string; refreshKey: string }) {
  const query = useQuery('pipelineRuns.workflowSteps', workflow.nodesOffloaded ? null : { connectionId, namespace: workflow.namespace, name: workflow.name, uid: workflow.uid }, { refreshKey, keepPrevious: true });
  if (workflow.nodesOffloaded) return <p className="muted">Its steps are offloaded to the Argo server’s database, not kept in the Workflow: see them with argo get or the Argo UI.</p>;
  if (query.error !== undefined) return <CallProblem error={query.error} what={`the steps of ${workflow.name}`} onRetry={query.refetch} />;
  if (!query.value) return <p className="muted">Reading its steps…</p>;
  if (query.value.problem) return <p className="muted">{query.value.problem}</p>;
  const steps = query.value.steps.filter((s) => s.type !== 'StepGroup' && s.type !== 'TaskGroup');
  if (!steps.length) return <p className="muted">No steps yet: the workflow controller has not started it.</p>;
  return (
    <table className="data" aria-label={`Steps of ${workflow.name}`}>
      <thead>
        <tr>
          <th>Step</th>
          <th>Type</th>
          <th>Phase</th>
          <th>Started</th>
          <th>Duration</th>
          <th>
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {steps.map((s) => (
          <tr key={s.id}>
            <td title={s.name}>{s.displayName}</td>
            <td>{s.type}</td>
            <td>
              <span className={`badge ${phaseTone(s.phase)}`} title={s.message}>
                {s.phase || 'Pending'}
              </span>
            </td>
            <td>
              <When iso={s.startedAt} />
            </td>
            <td>
              <Duration run={s} />
            </td>
            <td>
              {s.podName && (
                <button type="button" onClick={() => openPod(connectionId, workflow.namespace, s.podName!)} title={`Open pod ${s.podName} in the inspector, with its logs`}>
                  Logs
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function WorkflowsTable({ workflows, connectionId, listedAt }: { workflows: readonly WorkflowRun[]; connectionId: string; listedAt: string }) {
  const [shown, setShown] = useState<string>();
  return (
    <table className="data" aria-label="Workflows">
      <thead>
        <tr>
          <th>Workflow</th>
          <th>Phase</th>
          <th>Progress</th>
          <th>Started</th>
          <th>Duration</th>
        </tr>
      </thead>
      <tbody>
        {workflows.map((wf) => {
          const key = `${wf.namespace}/${wf.name}`;
          const expanded = shown === key;
          return (
            <Fragment key={key}>
              <tr>
                <td>
                  <button type="button" className="link" aria-expanded={expanded} onClick={() => setShown(expanded ? undefined : key)} title={expanded ? 'Hide its steps' : 'Show its steps'}>
                    {expanded ? '▾' : '▸'} {key}
                  </button>
                  {wf.cronWorkflow && <span className="badge tone-neutral">{`cron ${wf.cronWorkflow}`}</span>}
                  {wf.workflowTemplate && <span className="badge tone-neutral">{`template ${wf.workflowTemplate}`}</span>}
                </td>
                <td>
                  <span className={`badge ${phaseTone(wf.phase)}`} title={wf.message}>
                    {wf.phase || 'Pending'}
                  </span>
                </td>
                <td className="kind-number">{wf.progress ?? <Dash />}</td>
                <td>
                  <When iso={wf.startedAt} />
                </td>
                <td>
                  <Duration run={wf} />
                </td>
              </tr>
              {expanded && (
                <tr className="runs-history">
                  <td colSpan={5}>
                    {wf.message && <p className="muted">{wf.message}</p>}
                    <WorkflowSteps workflow={wf} connectionId={connectionId} refreshKey={listedAt} />
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}

function CronWorkflowsTable({ cronWorkflows }: { cronWorkflows: readonly CronWorkflowRun[] }) {
  return (
    <table className="data" aria-label="CronWorkflows">
      <thead>
        <tr>
          <th>CronWorkflow</th>
          <th>Schedules</th>
          <th>Last scheduled</th>
          <th>Active</th>
          <th>Latest runs</th>
        </tr>
      </thead>
      <tbody>
        {cronWorkflows.map((cw) => (
          <tr key={`${cw.namespace}/${cw.name}`}>
            <td>
              {cw.namespace}/{cw.name}
              {cw.suspended && <span className="badge tone-warn">suspended</span>}
            </td>
            <td className="mono">
              {cw.schedules.join(', ')}
              {cw.timeZone ? ` (${cw.timeZone})` : ''}
            </td>
            <td>
              <When iso={cw.lastScheduledAt} />
            </td>
            <td className="kind-number">{cw.active}</td>
            <td>{cw.history.slice(0, 3).join(', ') || <Dash />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const matches = (words: string[], ...fields: (string | undefined)[]) => {
  const text = fields.join(' ').toLowerCase();
  return words.every((w) => text.includes(w));
};

/** What was left out past the bound, said once. */
function leftOutNote(list: RunsList): string | undefined {
  const parts = Object.entries(list.leftOut)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} older ${kind.replace(/([A-Z])/g, ' $1').toLowerCase()}`);
  return parts.length
    ? `Only the newest ${MAX_RUNS_PER_KIND} of each kind are listed: ${parts.join(', ')} left out. To see them, show only one namespace with the namespace filter above a Clusters table: this view follows it.`
    : undefined;
}

function Runs({ connection }: { connection: ConnectionSummary }) {
  const { choice } = useNamespaceChoice(connection.id);
  const namespace = choice.scope ?? (choice.shown.length === 1 ? choice.shown[0] : undefined);
  // Not read while the window is hidden; the tab unmounts this view when another is shown, dropping any answer still to come.
  const visible = usePageVisible();
  const query = useQuery('pipelineRuns.list', visible ? { connectionId: connection.id, ...(namespace ? { namespace } : {}) } : null, { pollMs: POLL_MS, keepPrevious: true });
  const [filter, setFilter] = useState('');
  const [action, setAction] = useState<RunAction>();
  const where = namespace ? `namespace ${namespace}` : 'every namespace';
  const list = query.value;
  const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const jobsByKey = new Map((list?.jobs ?? []).map((j) => [`${j.namespace}/${j.name}`, j]));
  const jobMatches = (j: JobRun | undefined) => j !== undefined && matches(words, j.namespace, j.name, j.state);
  // A CronJob's Jobs are listed under it, and it matches when one of them does; the flat list holds the rest, Jobs of a CronJob not listed among them.
  const listedCronJobs = new Set((list?.cronJobs ?? []).map((c) => `${c.namespace}/${c.name}`));
  const looseJobs = (list?.jobs ?? []).filter((j) => !(j.cronJob && listedCronJobs.has(`${j.namespace}/${j.cronJob}`)) && jobMatches(j));
  const cronJobs = (list?.cronJobs ?? []).filter(
    (c) => matches(words, c.namespace, c.name, c.schedule, c.suspended ? 'suspended' : '') || c.history.some((name) => jobMatches(jobsByKey.get(`${c.namespace}/${name}`))),
  );
  const workflows = (list?.argo.workflows ?? []).filter((w) => matches(words, w.namespace, w.name, w.phase, w.cronWorkflow, w.workflowTemplate));
  const cronWorkflows = (list?.argo.cronWorkflows ?? []).filter((c) => matches(words, c.namespace, c.name, ...c.schedules));
  const close = (changed: boolean) => {
    setAction(undefined);
    if (changed) query.refetch();
  };
  const note = list && leftOutNote(list);

  return (
    <div className="runs-view">
      <ViewHeader
        summary={list && `${list.jobs.length} Jobs, ${list.cronJobs.length} CronJobs${list.argo.installed ? `, ${list.argo.workflows.length} Workflows` : ''} in ${where} of ${connection.name}`}
        reading="Reading Jobs and Workflows…"
        loading={query.loading}
        filterLabel="Filter runs"
        placeholder="name, namespace, status"
        filter={filter}
        onFilter={setFilter}
        onRefresh={query.refetch}
      />
      {query.error !== undefined && <CallProblem error={query.error} what={`the Jobs in ${where}`} onRetry={query.refetch} />}
      {note && (
        <p className="notice" role="status">
          {note}
        </p>
      )}
      {list && (
        <>
          <section aria-label="CronJobs">
            <h3>CronJobs</h3>
            {cronJobs.length ? <CronJobsTable cronJobs={cronJobs} jobs={jobsByKey} jobsCut={list.leftOut.jobs > 0} connectionId={connection.id} onAction={setAction} /> : <p className="muted">{list.cronJobs.length ? 'No CronJob matches the filter.' : `No CronJob in ${where}.`}</p>}
          </section>
          <section aria-label="Jobs">
            <h3>Jobs</h3>
            {looseJobs.length ? (
              <table className="data" aria-label="Jobs">
                <thead>{JOB_HEAD}</thead>
                <tbody>
                  {looseJobs.map((job) => (
                    <JobRow key={job.uid} job={job} connectionId={connection.id} onAction={setAction} />
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="muted">{list.jobs.length ? 'No other Job matches (the Jobs of CronJobs are listed under them).' : `No Job in ${where}.`}</p>
            )}
          </section>
          {list.argo.installed && (
            <section aria-label="Argo Workflows">
              <div className="page-header">
                <h3>Argo Workflows</h3>
                <button type="button" onClick={() => setAction({ kind: 'submit', namespace })}>
                  Submit workflow…
                </button>
              </div>
              {list.argo.problem && (
                <p className="notice" role="status">
                  Workflows could not be read: {list.argo.problem}
                </p>
              )}
              {workflows.length ? <WorkflowsTable workflows={workflows} connectionId={connection.id} listedAt={list.listedAt} /> : <p className="muted">{list.argo.workflows.length ? 'No Workflow matches the filter.' : `No Workflow in ${where}.`}</p>}
              {cronWorkflows.length > 0 && <CronWorkflowsTable cronWorkflows={cronWorkflows} />}
            </section>
          )}
        </>
      )}
      {action?.kind === 'submit' && <SubmitWorkflowDialog connection={connection} namespace={action.namespace} onClose={close} />}
      {action && action.kind !== 'submit' && <RunDialog connection={connection} action={action} onClose={close} />}
    </div>
  );
}

/**
 * The Pipelines page's runs tab: Jobs and CronJobs (each CronJob expanding to
 * its history), and Argo Workflows and CronWorkflows where the cluster serves
 * them, with their status and durations; re-run, suspend/resume, trigger and
 * submit, each confirmed; "Logs" opens a Job's or a step's pod in the
 * inspector. `connectionId` absent: the connection chosen in the app.
 */
export function RunsView({ connectionId }: { connectionId?: string }) {
  const connection = useConnections((s) => s.connections.find((c) => c.id === (connectionId ?? s.selectedId)));
  if (!connection) return <p className="empty">Choose a Kubernetes connection to see its Jobs and Workflows.</p>;
  if (connection.kind !== 'kubernetes') return <p className="empty">{connection.name} is not a Kubernetes connection: choose one to see its Jobs and Workflows.</p>;
  return <Runs key={connection.id} connection={connection} />;
}

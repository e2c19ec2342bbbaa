import { useRef, useState } from 'react';
import type { ConnectionSummary, CronJobRun, JobRun } from '../../../../../shared/contract';
import { MAX_SPEC_BYTES } from '../../../../../shared/contract/pipelines';
import { call } from '../../../api/client';
import { ActionDialog } from '../../clusters/actions/ActionDialog';
import { productionLabelNow } from '../../connections/productionMarks';

/** An action the runs view confirms before it calls the services. */
export type RunAction = { kind: 'rerun'; job: JobRun } | { kind: 'suspend' | 'resume' | 'trigger'; cronJob: CronJobRun } | { kind: 'submit'; namespace?: string };

interface RunDialogProps {
  connection: ConnectionSummary;
  action: Exclude<RunAction, { kind: 'submit' }>;
  /** Closed; `changed` when the action went through (the list is read again). */
  onClose(changed: boolean): void;
}

/** On a production connection its name must be typed, as for an apply; the services check it again. */
const typedOn = (connection: ConnectionSummary) => (productionLabelNow(connection.labels) ? { confirmName: connection.name } : {});

/** Confirms a re-run, suspend, resume or trigger, held to the object the list showed. */
export function RunDialog({ connection, action, onClose }: RunDialogProps) {
  const object = action.kind === 'rerun' ? action.job : action.cronJob;
  const done = useRef(false);
  const at = { connectionId: connection.id, namespace: object.namespace, name: object.name, ifUid: object.uid, ...(object.resourceVersion ? { ifResourceVersion: object.resourceVersion } : {}), ...typedOn(connection) };
  const words = {
    rerun: {
      verb: 'Re-run',
      busy: 'Creating the Job…',
      title: `Re-run Job ${object.name}?`,
      what: `Creates a new Job ${object.name}-rerun-… from this Job’s pod template${action.kind === 'rerun' && action.job.cronJob ? `, in CronJob ${action.job.cronJob}’s history` : ''}. The old Job stays as it is.`,
    },
    suspend: { verb: 'Suspend', busy: 'Suspending…', title: `Suspend CronJob ${object.name}?`, what: 'No new Job starts on its schedule until it is resumed; Jobs running now go on.' },
    resume: { verb: 'Resume', busy: 'Resuming…', title: `Resume CronJob ${object.name}?`, what: 'Jobs start on its schedule again. Runs missed while suspended may start at once, as its startingDeadlineSeconds allows.' },
    trigger: { verb: 'Trigger now', busy: 'Creating the Job…', title: `Trigger CronJob ${object.name} now?`, what: `Creates a Job ${object.name}-manual-… from its job template now, as kubectl create job --from=cronjob does, whatever its schedule or suspension.` },
  }[action.kind];
  const run = async () => {
    if (action.kind === 'rerun') {
      const made = await call('pipelineRuns.rerunJob', at);
      return { title: `Created Job ${made.name}`, message: `A re-run of ${object.name}.` };
    }
    if (action.kind === 'trigger') {
      const made = await call('pipelineRuns.triggerCronJob', at);
      return { title: `Created Job ${made.name}`, message: `From CronJob ${object.name}.` };
    }
    const suspend = action.kind === 'suspend';
    await call('pipelineRuns.setCronJobSuspended', { ...at, suspend, ifSuspended: action.cronJob.suspended });
    return { title: `${suspend ? 'Suspended' : 'Resumed'} CronJob ${object.name}` };
  };
  return (
    <ActionDialog
      target={{ connection, row: { namespace: object.namespace } }}
      title={words.title}
      label={`${words.verb} ${object.name}`}
      action={{ label: words.verb, busyLabel: words.busy, danger: action.kind === 'suspend' }}
      {...typedOn(connection)}
      run={async () => {
        const outcome = await run();
        done.current = true;
        return outcome;
      }}
      onClose={() => onClose(done.current)}
      onForbidden={() => {}}
    >
      <p>{words.what} Nothing is done if it was deleted or changed since this list was read.</p>
    </ActionDialog>
  );
}

interface SubmitDialogProps {
  connection: ConnectionSummary;
  /** The namespace the view shows, the default for a Workflow that names none. */
  namespace?: string;
  onClose(changed: boolean): void;
}

/** Submits a Workflow from a pasted or loaded spec, or from a WorkflowTemplate by name. */
export function SubmitWorkflowDialog({ connection, namespace: shown, onClose }: SubmitDialogProps) {
  const [from, setFrom] = useState<'spec' | 'template'>('spec');
  const [text, setText] = useState('');
  const [namespace, setNamespace] = useState(shown ?? 'default');
  const [template, setTemplate] = useState('');
  const [clusterScope, setClusterScope] = useState(false);
  const [problem, setProblem] = useState<string>();
  const done = useRef(false);
  const load = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_SPEC_BYTES) {
      setProblem(`${file.name} is over 5 MB: too large for a spec`);
      return;
    }
    setProblem(undefined);
    setText(await file.text());
  };
  const empty = from === 'spec' ? !text.trim() : !template.trim();
  return (
    <ActionDialog
      target={{ connection, row: { namespace } }}
      title="Submit a Workflow"
      label="Submit a Workflow"
      action={{ label: 'Submit', busyLabel: 'Submitting…' }}
      focusCancel={false}
      blocked={empty || !namespace}
      // What is confirmed is where it goes, as the apply review confirms it: the connection, not a field of the form.
      {...typedOn(connection)}
      run={async () => {
        const made = await call('pipelineRuns.submitWorkflow', {
          connectionId: connection.id,
          namespace,
          ...typedOn(connection),
          ...(from === 'spec' ? { text } : { workflowTemplate: { name: template.trim(), clusterScope } }),
        });
        done.current = true;
        return { title: `Submitted Workflow ${made.name}`, message: `In ${made.namespace}.` };
      }}
      onClose={() => onClose(done.current)}
      onForbidden={() => {}}
    >
      <fieldset className="button-row" aria-label="Submit from">
        <label>
          <input type="radio" name="submit-from" checked={from === 'spec'} onChange={() => setFrom('spec')} /> A Workflow spec
        </label>
        <label>
          <input type="radio" name="submit-from" checked={from === 'template'} onChange={() => setFrom('template')} /> A WorkflowTemplate
        </label>
      </fieldset>
      <label className="field">
        <span>Namespace (a spec naming another is refused)</span>
        <input value={namespace} spellCheck={false} onChange={(e) => setNamespace(e.target.value.trim())} />
      </label>
      {from === 'spec' ? (
        <>
          <label className="field">
            <span>Workflow (YAML, one document; generateName names each run anew)</span>
            <textarea className="mono" rows={14} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} />
          </label>
          <label className="field">
            <span>Or load a file</span>
            <input type="file" accept=".yaml,.yml,.json" onChange={(e) => void load(e.target.files?.[0])} />
          </label>
          {problem && (
            <p className="tone-bad" role="alert">
              {problem}
            </p>
          )}
        </>
      ) : (
        <>
          <label className="field">
            <span>Template name</span>
            <input value={template} spellCheck={false} onChange={(e) => setTemplate(e.target.value)} />
          </label>
          <label>
            <input type="checkbox" checked={clusterScope} onChange={(e) => setClusterScope(e.target.checked)} /> A ClusterWorkflowTemplate
          </label>
        </>
      )}
    </ActionDialog>
  );
}

import { useId, useState } from 'react';
import type { ParamsIn } from '../../../../../shared/contract';
import { call } from '../../../api/client';
import { dependentsOf, NAMESPACE_KEY, needsTypedName, NODE_KEY, POD_KEY, sameObject } from './actionCatalog';
import { ActionDialog, type ActionDialogBaseProps } from './ActionDialog';

type Propagation = NonNullable<ParamsIn<'kube.delete'>['propagation']>;

const PROPAGATIONS: { value: Propagation; text: (one: string, dependents: string) => string }[] = [
  { value: 'Background', text: (one, dependents) => `Delete the ${one} now; the cluster removes its ${dependents} in the background (kubectl's default).` },
  { value: 'Foreground', text: (one, dependents) => `Remove its ${dependents} first, then the ${one}.` },
  { value: 'Orphan', text: (_one, dependents) => `Keep its ${dependents} running, without an owner.` },
];

/** What deleting this kind does, beyond removing the object. */
function Consequences({ entryKey, one, name }: { entryKey: string; one: string; name: string }) {
  switch (entryKey) {
    case NAMESPACE_KEY:
      return (
        <p>
          Everything in namespace <strong>{name}</strong> is deleted with it: workloads, pods, services, config maps, secrets and volume claims. This cannot be undone.
        </p>
      );
    case NODE_KEY:
      return (
        <p>
          The node object is removed from the cluster; the machine itself is not shut down. The cluster then deletes the pods bound to it. To only stop new pods
          landing on it, cordon it instead.
        </p>
      );
    case POD_KEY:
      return <p>The pod stops within its termination grace period. If a workload owns it, the workload starts a replacement.</p>;
    default:
      return (
        <p>
          The {one} <strong>{name}</strong> is deleted. This cannot be undone.
        </p>
      );
  }
}

/**
 * Confirms deleting one object: cluster-scoped objects, and every object of
 * a production connection, by typing their name; pods with an optional force
 * (grace period 0); workloads with the choice of what happens to what they own.
 */
export function DeleteObjectDialog(props: ActionDialogBaseProps) {
  const { entry, row, ref } = props.target;
  const typed = needsTypedName('delete', props.target);
  const dependents = dependentsOf(entry);
  const pod = entry.key === POD_KEY;
  const [force, setForce] = useState(false);
  const [propagation, setPropagation] = useState<Propagation>('Background');
  const forceId = useId();

  const run = async () => {
    await call('kube.delete', { ...ref, ...sameObject(row), ...(dependents ? { propagation } : {}), ...(pod && force ? { gracePeriodSeconds: 0 } : {}) });
    return { title: `Deleting ${entry.one} ${row.name}`, message: 'The cluster accepted the deletion; the table updates once it is gone.' };
  };

  return (
    <ActionDialog
      {...props}
      title={`Delete ${entry.one} ${row.name}?`}
      label={`Delete ${entry.one} ${row.name}`}
      action={{ label: `Delete ${entry.one}`, busyLabel: 'Deleting…', danger: true }}
      {...(typed ? { confirmName: row.name } : {})}
      run={run}
    >
      <Consequences entryKey={entry.key} one={entry.one} name={row.name} />
      {dependents && (
        <fieldset className="choices">
          <legend>Its {dependents}</legend>
          {PROPAGATIONS.map((p) => (
            <label key={p.value} className="check action-choice">
              <input type="radio" name="propagation" value={p.value} checked={propagation === p.value} onChange={() => setPropagation(p.value)} />
              <span>
                <strong>{p.value}</strong>: {p.text(entry.one, dependents)}
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {pod && (
        <>
          <label className="check">
            <input type="checkbox" checked={force} aria-describedby={forceId} onChange={(e) => setForce(e.target.checked)} />
            Force (grace period 0)
          </label>
          <p id={forceId} className={force ? 'notice action-warning' : 'muted'}>
            Removes the pod from the API at once, without waiting for its containers to stop: for a pod stuck terminating. Its containers may keep running on an
            unreachable node.
          </p>
        </>
      )}
    </ActionDialog>
  );
}

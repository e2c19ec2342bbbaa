import type { ObjectDetail, ObjectRef, ResultOf, Row } from '../../../../../shared/contract';
import { CodeView } from '../../../shell/monaco/CodeView';
import { CopyButton } from '../../../ui/CopyButton';
import { useQuery, type Query } from '../../../ui/useQuery';
import { selectedConnection, useConnections } from '../../connections/connectionsStore';
import { CHECKING_TEXT } from '../actions/useObjectPermissions';
import type { ResourceEntry } from '../resourceCatalog';
import { CallProblem } from './CallProblem';
import { SECRETS_KEY } from './detailTabs';
import { YamlEdit } from './YamlEdit';

/** Why a Secret has no Edit: its YAML here is masked, and applying the mask would overwrite its values. */
const SECRET_EDIT_REASON = 'Secrets are not edited here: their values are masked.';

/** An edit under way: `changed` while its draft differs from the object as it was read. */
export interface EditState {
  changed: boolean;
}

interface YamlTabProps {
  entry: ResourceEntry;
  row: Row;
  detail: Query<ObjectDetail>;
  /** `row` is being edited. The detail pane holds the edit, so it outlives a switch to another tab. */
  editing: boolean;
  /** Edit began or its draft changed, or (undefined) the edit ended. */
  onEdit(state: EditState | undefined): void;
}

/**
 * Why Edit cannot be used now, or undefined when it can. A check that failed
 * leaves Edit usable: the cluster decides when the change is applied.
 */
function editDenied(permission: Query<ResultOf<'kube.permissions'>>, one: string): string | undefined {
  if (permission.error !== undefined) return undefined;
  if (!permission.value) return CHECKING_TEXT;
  const edit = permission.value.edit;
  // Absent from the answer: the cluster serves no patch for this kind.
  if (!edit) return `This ${one} cannot be changed: the cluster does not patch its kind.`;
  return edit.allowed ? undefined : (edit.reason ?? `You may not edit this ${one}.`);
}

/**
 * The object as YAML (managedFields left out, a Secret's values masked by the
 * services), read-only; Edit turns it into an editor with the cluster's
 * schema, a dry run and a reviewed server-side apply.
 */
export function YamlTab({ entry, row, detail, editing, onEdit }: YamlTabProps) {
  // The inspector is always of the connection chosen in the top bar (the Clusters page remounts it for another).
  const connection = useConnections(selectedConnection);
  const d = detail.value;
  const what = `${entry.one} ${row.name}`;
  const secret = entry.key === SECRETS_KEY;
  // Asked before anything is typed, as the services ask it (a patch of the object); a Secret is never edited here.
  const permission = useQuery('kube.permissions', connection && !secret ? { connectionId: connection.id, resource: entry.ref, ...(row.namespace ? { namespace: row.namespace } : {}), name: row.name, actions: ['edit'] } : null);

  if (editing && connection) {
    const objectRef: ObjectRef = { connectionId: connection.id, resource: entry.ref, ...(row.namespace ? { namespace: row.namespace } : {}), name: row.name };
    return (
      <YamlEdit
        key={row.uid}
        connection={connection}
        objectRef={objectRef}
        what={what}
        onChanged={(changed) => onEdit({ changed })}
        onDone={(applied) => {
          onEdit(undefined);
          if (applied) detail.refetch();
        }}
      />
    );
  }

  const denied = secret ? SECRET_EDIT_REASON : editDenied(permission, entry.one);
  return (
    <>
      <div className="detail-toolbar">
        {d && <CopyButton text={d.yaml} label="Copy YAML" />}
        <button type="button" onClick={detail.refetch} disabled={detail.loading}>
          {detail.loading ? 'Loading…' : 'Reload'}
        </button>
        {connection && (
          <button type="button" onClick={() => onEdit({ changed: false })} disabled={denied !== undefined} title={denied ?? `Edit ${what} and apply it server-side, after a review`}>
            Edit
          </button>
        )}
        {connection && denied !== undefined && !secret && (
          <span className="muted" role="status">
            {denied}
          </span>
        )}
        {d?.secretKeys && <span className="muted">Values are masked: Overview reveals them.</span>}
      </div>
      {detail.error !== undefined && <CallProblem error={detail.error} what={`this ${entry.one}`} onRetry={detail.refetch} />}
      {d ? <CodeView value={d.yaml} language="yaml" label={`YAML of ${what}`} /> : detail.loading && <p className="muted">Loading YAML…</p>}
    </>
  );
}

import { useState } from 'react';
import type { ObjectDetail, ObjectRef, Row } from '../../../../../shared/contract';
import { CodeView } from '../../../shell/monaco/CodeView';
import { CopyButton } from '../../../ui/CopyButton';
import type { Query } from '../../../ui/useQuery';
import { selectedConnection, useConnections } from '../../connections/connectionsStore';
import type { ResourceEntry } from '../resourceCatalog';
import { CallProblem } from './CallProblem';
import { SECRETS_KEY } from './detailTabs';
import { YamlEdit } from './YamlEdit';

/** Why a Secret has no Edit: its YAML here is masked, and applying the mask would overwrite its values. */
const SECRET_EDIT_REASON = 'Secrets are not edited here: their values are masked.';

/**
 * The object as YAML (managedFields left out, a Secret's values masked by the
 * services), read-only; Edit turns it into an editor with the cluster's
 * schema, a dry run and a reviewed server-side apply.
 */
export function YamlTab({ entry, row, detail }: { entry: ResourceEntry; row: Row; detail: Query<ObjectDetail> }) {
  // The inspector is always of the connection chosen in the top bar (the Clusters page remounts it for another).
  const connection = useConnections(selectedConnection);
  // Which object is being edited: selecting another row leaves edit mode.
  const [editing, setEditing] = useState<string>();
  const d = detail.value;
  const what = `${entry.one} ${row.name}`;

  if (editing === row.uid && connection) {
    const objectRef: ObjectRef = { connectionId: connection.id, resource: entry.ref, ...(row.namespace ? { namespace: row.namespace } : {}), name: row.name };
    return (
      <YamlEdit
        key={row.uid}
        connection={connection}
        objectRef={objectRef}
        what={what}
        onDone={(applied) => {
          setEditing(undefined);
          if (applied) detail.refetch();
        }}
      />
    );
  }

  const secret = entry.key === SECRETS_KEY;
  return (
    <>
      <div className="detail-toolbar">
        {d && <CopyButton text={d.yaml} label="Copy YAML" />}
        <button type="button" onClick={detail.refetch} disabled={detail.loading}>
          {detail.loading ? 'Loading…' : 'Reload'}
        </button>
        {connection && (
          <button type="button" onClick={() => setEditing(row.uid)} disabled={secret} title={secret ? SECRET_EDIT_REASON : `Edit ${what} and apply it server-side, after a review`}>
            Edit
          </button>
        )}
        {d?.secretKeys && <span className="muted">Values are masked: Overview reveals them.</span>}
      </div>
      {detail.error !== undefined && <CallProblem error={detail.error} what={`this ${entry.one}`} onRetry={detail.refetch} />}
      {d ? <CodeView value={d.yaml} language="yaml" label={`YAML of ${what}`} /> : detail.loading && <p className="muted">Loading YAML…</p>}
    </>
  );
}

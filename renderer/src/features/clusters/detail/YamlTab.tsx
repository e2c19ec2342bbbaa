import type { ObjectDetail, Row } from '../../../../../shared/contract';
import { CodeView } from '../../../shell/monaco/CodeView';
import { CopyButton } from '../../../ui/CopyButton';
import type { Query } from '../../../ui/useQuery';
import type { ResourceEntry } from '../resourceCatalog';
import { CallProblem } from './CallProblem';

/** The object as YAML (managedFields left out, a Secret's values masked by the services), read-only. */
export function YamlTab({ entry, row, detail }: { entry: ResourceEntry; row: Row; detail: Query<ObjectDetail> }) {
  const d = detail.value;
  return (
    <>
      <div className="detail-toolbar">
        {d && <CopyButton text={d.yaml} label="Copy YAML" />}
        <button type="button" onClick={detail.refetch} disabled={detail.loading}>
          {detail.loading ? 'Loading…' : 'Reload'}
        </button>
        {d?.secretKeys && <span className="muted">Values are masked: Overview reveals them.</span>}
      </div>
      {detail.error !== undefined && <CallProblem error={detail.error} what={`this ${entry.one}`} onRetry={detail.refetch} />}
      {d ? <CodeView value={d.yaml} language="yaml" label={`YAML of ${entry.one} ${row.name}`} /> : detail.loading && <p className="muted">Loading YAML…</p>}
    </>
  );
}

import { useState } from 'react';
import type { ConnectionSummary, HelmManifest, HelmRevision, HelmTool } from '../../../../shared/contract';
import { call } from '../../api/client';
import { TextDiff } from '../../ui/TextDiff';
import { useQuery } from '../../ui/useQuery';
import { ActionDialog } from '../clusters/actions/ActionDialog';
import { Age } from '../clusters/CellValue';
import { CallProblem } from '../clusters/detail/CallProblem';
import { productionLabelNow } from '../connections/productionMarks';
import { HelmStatus } from './HelmStatus';

/** The history reads again this often while shown: a rollback under way moves the release on. */
const POLL_MS = 10_000;

interface HelmReleaseDetailProps {
  connection: ConnectionSummary;
  /** The release's newest revision, from the list. */
  release: HelmRevision;
  tool: HelmTool | undefined;
  onRolledBack(): void;
}

/**
 * One release: every kept revision as `helm history` lists them, newest
 * first, each older one with a rollback (disabled, saying why, when there is
 * no helm to run); and a diff of the manifests of any two revisions.
 */
export function HelmReleaseDetail({ connection, release, tool, onRolledBack }: HelmReleaseDetailProps) {
  const ref = { connectionId: connection.id, namespace: release.namespace, name: release.name };
  const history = useQuery('helm.history', ref, { pollMs: POLL_MS });
  // The revision current when the dialog opened stays the one it shows and holds the rollback to, whatever a poll brings meanwhile.
  const [rollingBack, setRollingBack] = useState<{ current: HelmRevision; to: HelmRevision }>();
  const revisions = history.value?.revisions ?? [];
  const current = revisions.at(-1);
  const noHelm = tool?.problem;

  return (
    <section className="helm-detail" aria-label={`Release ${release.namespace}/${release.name}`}>
      <h2>
        {release.name} <span className="muted">in {release.namespace}</span>
      </h2>
      {history.error !== undefined && <CallProblem error={history.error} what={`the history of release ${release.name}`} onRetry={history.refetch} />}
      {history.value?.unreadable.map((u) => (
        <p key={u.secret} className="notice notice-error" role="alert">
          {u.secret}: {u.error}
        </p>
      ))}
      {!history.value ? (
        history.loading && <p className="muted">Loading revisions…</p>
      ) : (
        <table className="related-pods" aria-label="Revisions">
          <thead>
            <tr>
              <th>Revision</th>
              <th>Status</th>
              <th>Chart</th>
              <th>App version</th>
              <th>Updated</th>
              <th>Description</th>
              <th>
                <span className="visually-hidden">Roll back</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {[...revisions].reverse().map((r) => (
              <tr key={r.revision} aria-current={r === current ? 'true' : undefined}>
                <td>{r.revision}</td>
                <td>
                  <HelmStatus status={r.status} />
                </td>
                <td className="mono">{r.chart || '—'}</td>
                <td className="mono">{r.appVersion || '—'}</td>
                <td>{r.updated ? <Age iso={r.updated} suffix=" ago" /> : <span className="muted">—</span>}</td>
                <td>{r.description || <span className="muted">—</span>}</td>
                <td>
                  {r !== current && (
                    <button type="button" disabled={Boolean(noHelm) || !tool} title={noHelm} onClick={() => current && setRollingBack({ current, to: r })}>
                      Roll back to {r.revision}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {noHelm && revisions.length > 1 && <p className="muted">Roll back is off: {noHelm}.</p>}
      {revisions.length > 1 && <ManifestCompare releaseRef={ref} revisions={revisions} />}
      {rollingBack && (
        <HelmRollbackDialog
          connection={connection}
          current={rollingBack.current}
          to={rollingBack.to}
          onClose={() => {
            setRollingBack(undefined);
            history.refetch();
            onRolledBack();
          }}
        />
      )}
    </section>
  );
}

/** The manifests of two revisions, diffed; the newest against the one before at first. */
function ManifestCompare({ releaseRef, revisions }: { releaseRef: { connectionId: string; namespace: string; name: string }; revisions: HelmRevision[] }) {
  const numbers = revisions.map((r) => r.revision);
  const [from, setFrom] = useState(numbers.at(-2)!);
  const [to, setTo] = useState(numbers.at(-1)!);
  const before = useQuery('helm.manifest', { ...releaseRef, revision: from });
  const after = useQuery('helm.manifest', { ...releaseRef, revision: to });
  const pick = (label: string, value: number, set: (n: number) => void) => (
    <label className="field inline">
      <span>{label}</span>
      <select value={value} onChange={(e) => set(Number(e.target.value))}>
        {numbers.map((n) => (
          <option key={n} value={n}>
            revision {n}
          </option>
        ))}
      </select>
    </label>
  );
  const cut = (m: HelmManifest | undefined) => m?.truncated && <p className="muted">Revision {m.revision}’s manifest is longer than Pilothouse shows: only its start is compared.</p>;
  return (
    <>
      <div className="helm-compare">
        <h3>Rendered manifests</h3>
        {pick('From', from, setFrom)}
        {pick('To', to, setTo)}
      </div>
      {before.error !== undefined && <CallProblem error={before.error} what={`the manifest of revision ${from}`} onRetry={before.refetch} />}
      {after.error !== undefined && <CallProblem error={after.error} what={`the manifest of revision ${to}`} onRetry={after.refetch} />}
      <p className="muted">Secrets’ values are hidden: their keys and sizes are shown.</p>
      {cut(before.value)}
      {cut(after.value)}
      {before.value && after.value ? (
        <TextDiff before={before.value.manifest} after={after.value.manifest} beforeLabel={`revision ${from}`} afterLabel={`revision ${to}`} sameText="The two revisions rendered the same manifest." />
      ) : (
        (before.loading || after.loading) && <p className="muted">Loading manifests…</p>
      )}
    </>
  );
}

/**
 * `helm rollback`, confirmed: what runs now and what will; on a production connection the release's name is typed first.
 * It is held to the revision shown as running: if the release moved on since, nothing is rolled back and the task says so.
 */
function HelmRollbackDialog({ connection, current, to, onClose }: { connection: ConnectionSummary; current: HelmRevision; to: HelmRevision; onClose(): void }) {
  const run = async () => {
    await call('helm.rollback', { connectionId: connection.id, namespace: to.namespace, name: to.name, revision: to.revision, ifCurrentRevision: current.revision });
    return {
      title: `Rolling back Helm release ${to.name} to revision ${to.revision}`,
      message: 'Follow it in the Tasks tray: helm’s output is in its report, and it ends when the release’s resources are ready, or says why not. Undo it from the audit log.',
    };
  };
  const describe = (r: HelmRevision) => `revision ${r.revision}: ${r.chart || 'chart unknown'}${r.appVersion ? `, app ${r.appVersion}` : ''} (${r.status})`;
  return (
    <ActionDialog
      target={{ connection, row: { namespace: to.namespace } }}
      title={`Roll back Helm release ${to.name} to revision ${to.revision}?`}
      label={`Roll back Helm release ${to.name}`}
      action={{ label: `Roll back to revision ${to.revision}`, busyLabel: 'Starting helm…', danger: true }}
      {...(productionLabelNow(connection.labels) ? { confirmName: to.name } : {})}
      run={run}
      onClose={onClose}
      onForbidden={onClose}
    >
      <dl className="facts">
        <dt>Runs now</dt>
        <dd className="mono">{describe(current)}</dd>
        <dt>Will run</dt>
        <dd className="mono">a copy of {describe(to)}</dd>
      </dl>
      <p>
        Pilothouse runs <span className="mono">helm rollback {to.name} {to.revision} --wait</span> with a kubeconfig holding only this connection: helm writes revision{' '}
        {current.revision + 1} from revision {to.revision}’s manifest and waits up to 5 minutes for its resources to be ready. Cancelling the task stops helm, which may leave
        the release pending.
      </p>
    </ActionDialog>
  );
}

import { useState } from 'react';
import type { ConnectionSummary, HelmRevision, HelmTool } from '../../../../shared/contract';
import { call } from '../../api/client';
import { describeError } from '../../shell/errorActions';
import { useQuery } from '../../ui/useQuery';
import { Age } from '../clusters/CellValue';
import { CallProblem } from '../clusters/detail/CallProblem';
import '../clusters/detail/detail.css';
import { HelmReleaseDetail } from './HelmReleaseDetail';
import { HelmStatus } from './HelmStatus';
import { ViewHeader } from './ViewHeader';
import './helm.css';

/** The list reads again this often while shown: an upgrade made elsewhere appears. */
const POLL_MS = 30_000;

const releaseKey = (r: Pick<HelmRevision, 'namespace' | 'name'>) => `${r.namespace}/${r.name}`;

/**
 * Helm releases of one connection, read from their release Secrets (no helm
 * needed): each release's newest revision, the Secrets that could not be
 * read with why, and the selected release's history, manifest diff and rollback.
 */
export function HelmReleasesView({ connection }: { connection: ConnectionSummary }) {
  const query = useQuery('helm.releases', { connectionId: connection.id }, { pollMs: POLL_MS });
  const tool = useQuery('helm.tool', {});
  const [filter, setFilter] = useState('');
  const [selectedKey, setSelectedKey] = useState<string>();

  const value = query.value;
  const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (text: string) => words.every((w) => text.toLowerCase().includes(w));
  const releases = (value?.releases ?? []).filter((r) => matches(`${r.namespace}/${r.name} ${r.chart} ${r.appVersion} ${r.status}`));
  const unreadable = (value?.unreadable ?? []).filter((u) => matches(`${u.namespace}/${u.name ?? ''} ${u.secret} ${u.error}`));
  const selected = value?.releases.find((r) => releaseKey(r) === selectedKey);

  return (
    <div className="helm-releases">
      <ViewHeader
        summary={value && `${value.releases.length} release${value.releases.length === 1 ? '' : 's'} in every namespace of ${connection.name}, read from their release Secrets`}
        reading="Reading release Secrets…"
        loading={query.loading}
        filterLabel="Filter releases"
        placeholder="name, namespace, chart, status"
        filter={filter}
        onFilter={setFilter}
        onRefresh={query.refetch}
      />
      <HelmToolLine tool={tool.value} onChanged={tool.refetch} />
      {query.error !== undefined && <CallProblem error={query.error} what="the Helm releases" onRetry={query.refetch} />}
      {value && (
        <div className="helm-list">
          <table className="related-pods" aria-label="Helm releases">
            <thead>
              <tr>
                <th>Release</th>
                <th>Chart</th>
                <th>App version</th>
                <th>Revision</th>
                <th>Status</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {releases.map((r) => (
                <tr key={releaseKey(r)} aria-current={releaseKey(r) === selectedKey ? 'true' : undefined} className={releaseKey(r) === selectedKey ? 'selected' : undefined}>
                  <td>
                    <button type="button" className="link" onClick={() => setSelectedKey(releaseKey(r))} aria-label={`Show release ${r.namespace}/${r.name}`}>
                      <span className="muted">{r.namespace}/</span>
                      {r.name}
                    </button>
                  </td>
                  <td className="mono">{r.chart || '—'}</td>
                  <td className="mono">{r.appVersion || '—'}</td>
                  <td>{r.revision}</td>
                  <td>
                    <HelmStatus status={r.status} />
                  </td>
                  <td>{r.updated ? <Age iso={r.updated} suffix=" ago" /> : <span className="muted">—</span>}</td>
                </tr>
              ))}
              {unreadable.map((u) => (
                <tr key={`${u.namespace}/${u.secret}`} className="helm-unreadable">
                  <td>
                    <span className="muted">{u.namespace}/</span>
                    {u.name ?? u.secret}
                    {u.revision !== undefined && <span className="muted"> · revision {u.revision}</span>}
                  </td>
                  <td colSpan={5} role="alert">
                    <span className="mono">{u.secret}</span>: {u.error}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {!releases.length && !unreadable.length && <p className="muted">{words.length ? 'No release matches the filter.' : 'No Helm release on this cluster.'}</p>}
        </div>
      )}
      {selected && <HelmReleaseDetail key={selectedKey} connection={connection} release={selected} tool={tool.value} onRolledBack={query.refetch} />}
    </div>
  );
}

/** Which helm will run, or why none can, with the means to point at one. */
function HelmToolLine({ tool, onChanged }: { tool: HelmTool | undefined; onChanged(): void }) {
  const [editing, setEditing] = useState(false);
  const [path, setPath] = useState('');
  const [error, setError] = useState<string>();
  if (!tool) return null;

  const save = async (to: string | null) => {
    setError(undefined);
    try {
      await call('helm.setPath', { path: to });
      setEditing(false);
      onChanged();
    } catch (err) {
      setError(describeError(err).message);
    }
  };

  return (
    <div className="helm-tool">
      {tool.problem ? (
        <p className="notice" role="status">
          {tool.problem}. Rollbacks run the helm binary; listing needs none.
        </p>
      ) : (
        <p className="muted">
          Rollbacks run <span className="mono">{tool.path}</span>
          {tool.version && ` (${tool.version})`}
          {!tool.configuredPath && ', found on PATH'}.
        </p>
      )}
      {editing ? (
        <form
          className="helm-path"
          onSubmit={(e) => {
            e.preventDefault();
            void save(path.trim() || null);
          }}
        >
          <label className="field inline">
            <span>Helm path</span>
            <input autoFocus spellCheck={false} placeholder="/usr/local/bin/helm" value={path} onChange={(e) => setPath(e.target.value)} />
          </label>
          <button type="submit">Save</button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
          <p className="muted">
            Saving runs <span className="mono">{path.trim() || 'helm on PATH'} version --short</span> at once to check it is helm; every rollback then runs it with the
            connection’s credentials. The change is in the audit log.
          </p>
          {error && (
            <p className="notice notice-error" role="alert">
              {error}
            </p>
          )}
        </form>
      ) : (
        <p className="helm-path">
          <button
            type="button"
            onClick={() => {
              setPath(tool.configuredPath ?? '');
              setEditing(true);
            }}
          >
            Set helm path…
          </button>
          {tool.configuredPath && (
            <button type="button" onClick={() => void save(null)}>
              Use helm on PATH
            </button>
          )}
        </p>
      )}
    </div>
  );
}

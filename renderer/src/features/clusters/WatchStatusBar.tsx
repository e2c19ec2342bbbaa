import type { ConnectionSummary } from '../../../../shared/contract';
import { useUi } from '../../shell/uiStore';
import { useCountdown } from '../../ui/useCountdown';
import { reimportDialog, useConnectionTest } from '../connections/useConnectionTest';
import type { ResourceEntry } from './resourceCatalog';
import { ScopeForm } from './ScopeForm';
import type { DisplayPhase, WatchStatus } from './watchStatus';

const PHASE_TEXT: Record<DisplayPhase, string> = {
  opening: 'opening…',
  listing: 'listing…',
  live: 'live',
  reconnecting: 'reconnecting',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  error: 'error',
};

/**
 * Where the watch stands: "live", "listing…", or, when the server went
 * silent, "stale since 14:02:11 · reconnecting in 4 s", counting down to the
 * try the services will really make.
 */
function PhaseText({ status }: { status: WatchStatus }) {
  const left = useCountdown(status.retryAt);
  const retry = status.retryAt && (left > 0 ? ` in ${left} s` : '…');
  if (status.staleSince && status.phase === 'reconnecting') return <>{`stale since ${new Date(status.staleSince).toLocaleTimeString()} · reconnecting${retry || '…'}`}</>;
  if (status.phase === 'reconnecting' && retry) return <>{`reconnecting${retry}`}</>;
  return <>{PHASE_TEXT[status.phase]}</>;
}

/** "1 pod", "10,000 pods". */
const countOf = (n: number, entry: ResourceEntry) => `${n.toLocaleString()} ${n === 1 ? entry.one : entry.many}`;

interface WatchStatusBarProps {
  connection: ConnectionSummary;
  entry: ResourceEntry;
  status: WatchStatus;
  /** Rows held, and rows shown after filtering. */
  total: number;
  shown: number;
  filtering: boolean;
  /** The one namespace watched, when not all. */
  scope?: string;
  namespaceSuggestions: readonly string[];
  onScope(namespace: string): void;
  onRetry(): void;
}

function ProblemActions({ connection, status, namespaceSuggestions, onScope, onRetry }: Omit<WatchStatusBarProps, 'entry' | 'total' | 'shown' | 'filtering'>) {
  const { testing, test } = useConnectionTest(connection);
  const openDialog = useUi((s) => s.openDialog);
  const problem = status.problem!;
  return (
    <div className="status-actions">
      {problem.scope && <ScopeForm suggestions={namespaceSuggestions} initial={connection.kube?.namespace ?? 'default'} onScope={onScope} />}
      {problem.reimport && (
        <button type="button" className="primary" onClick={() => openDialog(reimportDialog(connection))}>
          Re-import credentials
        </button>
      )}
      {problem.test && (
        <button type="button" onClick={() => void test()} disabled={testing}>
          {testing ? 'Testing…' : 'Test the connection'}
        </button>
      )}
      {problem.retry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

/**
 * Under the table: how many rows (filtered of total), where the watch stands,
 * and, when it is in trouble, what went wrong and the buttons that fix it.
 * The count is excluded from announcements: it changes many times a second.
 */
export function WatchStatusBar(props: WatchStatusBarProps) {
  const { entry, status, total, shown, filtering, scope } = props;
  const count = filtering ? `${shown.toLocaleString()} of ${countOf(total, entry)}` : countOf(total, entry);
  const busy = status.phase === 'opening' || status.phase === 'listing';
  return (
    <div className={`statusbar phase-${status.phase}`}>
      <div role="status" className="status-text">
        <span aria-live="off">
          {count}
          {scope && ` in ${scope}`}
        </span>
        {' · '}
        <span className="status-phase">
          <PhaseText status={status} />
        </span>
        {status.problem && (
          <span className="status-problem">
            {' · '}
            <strong>{status.problem.title}</strong>: {status.problem.message}
          </span>
        )}
      </div>
      {busy && <span className="progress" role="progressbar" aria-label={`Loading ${entry.many}`} />}
      {status.problem && <ProblemActions {...props} />}
    </div>
  );
}

import { describeError } from '../../../shell/errorActions';
import { ErrorNotice } from '../../../shell/ErrorNotice';

/**
 * Why a read about the object failed. Forbidden is a fact about the user's
 * access, not a fault: it says "No access" calmly; anything else is an error
 * with its fix.
 */
export function CallProblem({ error, what, onRetry }: { error: unknown; /** "the events", "the values". */ what: string; onRetry(): void }) {
  const view = describeError(error, { refresh: onRetry });
  if (view.code === 'FORBIDDEN') {
    return (
      <div className="notice detail-no-access" role="status">
        <strong>No access</strong>
        <p>
          You may not read {what}. <span className="muted">{view.message}</span>
        </p>
      </div>
    );
  }
  return <ErrorNotice error={view} />;
}

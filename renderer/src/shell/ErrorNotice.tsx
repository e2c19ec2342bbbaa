import type { ErrorView } from './errorActions';

/**
 * An error shown in place, next to what failed. Dialogs use it instead of a
 * toast: they trap focus, so a fix button in a toast could not be reached by keyboard.
 */
export function ErrorNotice({ error }: { error: ErrorView }) {
  return (
    <div className="notice notice-error" role="alert">
      <strong>{error.title}</strong>
      <p>{error.message}</p>
      {error.location && <p className="muted">{error.location}</p>}
      {error.action && (
        <button type="button" onClick={error.action.run}>
          {error.action.label}
        </button>
      )}
    </div>
  );
}

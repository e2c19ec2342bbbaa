import { useToasts, type Toast } from './toastStore';

function ToastCard({ toast }: { toast: Toast }) {
  const dismiss = useToasts((s) => s.dismiss);
  const act = () => {
    dismiss(toast.id);
    toast.action?.run();
  };
  return (
    <li className={`toast toast-${toast.tone}`} role={toast.tone === 'error' ? 'alert' : 'status'}>
      <div className="toast-body">
        <strong>{toast.title}</strong>
        {toast.message && <p>{toast.message}</p>}
        {toast.location && <p className="muted">{toast.location}</p>}
      </div>
      <div className="toast-actions">
        {toast.action && (
          <button type="button" className="primary" onClick={act}>
            {toast.action.label}
          </button>
        )}
        <button type="button" onClick={() => dismiss(toast.id)} aria-label={`Dismiss: ${toast.title}`}>
          Dismiss
        </button>
      </div>
    </li>
  );
}

/** The notification area; each toast announces itself (errors assertively). */
export function Toasts() {
  const toasts = useToasts((s) => s.toasts);
  return (
    <section className="toasts" aria-label="Notifications">
      <ul>
        {toasts.map((t) => (
          <ToastCard key={t.id} toast={t} />
        ))}
      </ul>
    </section>
  );
}

import { create } from 'zustand';
import { describeError, type ErrorView, type FixHandlers } from './errorActions';

/** A notification in the corner of the window. */
export interface Toast {
  id: number;
  tone: 'error' | 'success';
  title: string;
  message?: string;
  location?: string;
  action?: ErrorView['action'];
}

/** Older toasts are dropped beyond this, so a burst of failures cannot bury the window. */
const MAX_TOASTS = 4;
const SUCCESS_MS = 5000;

interface ToastState {
  toasts: Toast[];
  push(toast: Omit<Toast, 'id'>): number;
  dismiss(id: number): void;
}

let nextId = 1;

/** Toasts: errors stay until dismissed or acted on; successes fade after a few seconds. */
export const useToasts = create<ToastState>()((set, get) => ({
  toasts: [],
  push(toast) {
    const id = nextId++;
    set((s) => ({ toasts: [...s.toasts, { ...toast, id }].slice(-MAX_TOASTS) }));
    if (toast.tone === 'success') setTimeout(() => get().dismiss(id), SUCCESS_MS);
    return id;
  },
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}));

/** Shows a failed call as an error toast with the fix the caller can perform. */
export function notifyError(err: unknown, fixes: FixHandlers = {}): void {
  const { title, message, location, action } = describeError(err, fixes);
  useToasts.getState().push({ tone: 'error', title, message, ...(location ? { location } : {}), ...(action ? { action } : {}) });
}

/** Confirms that something worked. */
export function notifySuccess(title: string, message?: string): void {
  useToasts.getState().push({ tone: 'success', title, ...(message ? { message } : {}) });
}

import { useState, type ReactNode } from 'react';
import { DiscardDialog } from '../../shell/DiscardDialog';

/**
 * Closing a dialog that holds typed input: Esc, Cancel or the close button
 * ask first once `form` (a snapshot of every field) differs from what the
 * dialog opened with, so a stray Esc never throws a form away.
 */
export function useCloseGuard(title: string, form: unknown, onClose: () => void): { requestClose: () => void; guard: ReactNode } {
  const snapshot = JSON.stringify(form);
  const [opened] = useState(snapshot);
  const [asking, setAsking] = useState(false);
  const requestClose = () => (snapshot === opened ? onClose() : setAsking(true));
  const guard = asking ? <DiscardDialog title={title} onDiscard={onClose} onClose={() => setAsking(false)} /> : null;
  return { requestClose, guard };
}

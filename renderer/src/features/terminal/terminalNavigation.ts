import type { TerminalSession, TerminalTarget } from '../../../../shared/contract';
import { call, CallError } from '../../api/client';
import { toErrorShape } from '../../shell/errorActions';
import { navigate } from '../../shell/routes';
import { DEFAULT_SIZE, useTerminals } from './terminalStore';

/**
 * Opens a new terminal session for target, makes it the active tab and shows
 * the Terminal page. Rejects with a {@link CallError} (its `error` is the
 * AppError shape: code and message) when it cannot start.
 *
 * The session starts at the size this window's terminals were last fitted
 * to (else 120×32); the view that shows it resizes it on attach.
 */
export async function openTerminal(target: TerminalTarget, options: { after?: string } = {}): Promise<TerminalSession> {
  const { lastSize, opened } = useTerminals.getState();
  let session: TerminalSession;
  try {
    session = await call('terminal.open', { target, size: lastSize ?? DEFAULT_SIZE });
  } catch (err) {
    throw err instanceof CallError ? err : new CallError(toErrorShape(err));
  }
  opened(session, options.after);
  navigate('terminal');
  return session;
}

/** What a session ran, to start it again: the same connection, or the same container. */
export function targetOf(session: TerminalSession): TerminalTarget {
  if (session.kind === 'exec' && session.container && session.connectionId)
    return { kind: 'exec', connectionId: session.connectionId, ...session.container };
  return { kind: 'local', ...(session.connectionId ? { connectionId: session.connectionId } : {}) };
}

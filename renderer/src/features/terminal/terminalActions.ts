import { bindsTerminal, type ConnectionSummary, type TerminalSession, type TerminalTarget } from '../../../../shared/contract';
import { call } from '../../api/client';
import { notifyError } from '../../shell/toastStore';
import { selectedConnection, useConnections } from '../connections/connectionsStore';
import { removeTab } from './terminalLayout';
import { openTerminal, targetOf } from './terminalNavigation';
import { useTerminals } from './terminalStore';

/** A local shell bound to `connectionId`, or to none. */
export const localTarget = (connectionId?: string): TerminalTarget => ({ kind: 'local', ...(connectionId ? { connectionId } : {}) });

/** The connections a terminal can be bound to, in the order they are listed. */
export const terminalConnections = (connections: readonly ConnectionSummary[]) => connections.filter((c) => bindsTerminal(c.kind));

/** The connection a new tab binds to by default: the selected one, if it still exists and a shell can be bound to it. */
export const defaultConnection = () => {
  const selected = selectedConnection(useConnections.getState());
  return selected && bindsTerminal(selected.kind) ? selected : undefined;
};

/** Opens a terminal, telling the user when it cannot start. */
export function startTerminal(target: TerminalTarget): void {
  openTerminal(target).catch((err: unknown) => notifyError(err));
}

/** A new local shell bound to the selected connection (none when nothing is selected). */
export const newDefaultTerminal = () => startTerminal(localTarget(defaultConnection()?.id));

/** Ends a session (the shell is hung up on) and removes its tab. */
export async function closeTerminal(id: string): Promise<void> {
  useTerminals.getState().setLayout((l) => removeTab(l, id));
  try {
    await call('terminal.close', { id });
  } catch (err) {
    notifyError(err);
  }
}

/** Starts what an ended session ran again, in its place, and closes the ended one. */
export async function startAgain(session: TerminalSession): Promise<void> {
  try {
    await openTerminal(targetOf(session), { after: session.id });
  } catch (err) {
    return notifyError(err);
  }
  await closeTerminal(session.id);
}

import type { TerminalSession } from '../../../../shared/contract';

/** The session has ended (or never started): its pane shows why, with Close and Start again. */
export const hasEnded = (session: TerminalSession): boolean => session.state === 'exited' || session.state === 'failed';

/** How a session ended, for its tab and its pane: "exited with code 1", "ended by SIGKILL", "failed: …". */
export function endText(session: TerminalSession): string {
  if (session.state === 'failed') return session.error ? `failed: ${session.error}` : 'failed';
  if (session.signal) return `ended by ${session.signal}`;
  if (session.exitCode !== undefined) return `exited with code ${session.exitCode}`;
  return session.error ? `exited: ${session.error}` : 'exited';
}

/** The tab's state word: starting, running, or how it ended. */
export const stateText = (session: TerminalSession): string => (hasEnded(session) ? endText(session) : session.state);

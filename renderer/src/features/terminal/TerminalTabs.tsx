import type { ConnectionSummary, TerminalSession } from '../../../../shared/contract';
import { useConnections } from '../connections/connectionsStore';
import { useProductionLabel } from '../connections/productionMarks';
import { SHORTCUTS } from './terminalKeys';
import type { TerminalLayout } from './terminalLayout';
import { hasEnded, stateText } from './terminalFormat';

/** The connection a session is bound to, as a badge: in the warning colour when it is production. */
export function ConnectionBadge({ session }: { session: TerminalSession }) {
  const connection = useConnections((s) => s.connections.find((c) => c.id === session.connectionId));
  const name = connection?.name ?? session.connectionName;
  if (!session.connectionId || !name) return null;
  return <Badge name={name} connection={connection} />;
}

function Badge({ name, connection }: { name: string; connection: ConnectionSummary | undefined }) {
  const production = useProductionLabel(connection?.labels ?? {});
  return (
    <span
      className={`badge terminal-conn${production ? ' terminal-conn-production' : ''}`}
      title={production ? `Bound to ${name}, a production connection (${production})` : `Bound to ${name}`}
    >
      {production && <span className="visually-hidden">production </span>}
      {name}
    </span>
  );
}

interface TerminalTabsProps {
  sessions: readonly TerminalSession[];
  layout: TerminalLayout;
  onShow(id: string): void;
  onClose(id: string): void;
}

/** The sessions as tabs, in this window's order: which pane shows each, its connection, and whether it still runs. */
export function TerminalTabs({ sessions, layout, onShow, onClose }: TerminalTabsProps) {
  const byId = new Map(sessions.map((s) => [s.id, s]));
  const tabs = layout.tabs.map((id) => byId.get(id)).filter((s): s is TerminalSession => s !== undefined);
  const focusedId = layout.panes[layout.focused];
  const otherId = layout.split ? layout.panes[layout.focused === 0 ? 1 : 0] : null;
  return (
    <div role="tablist" aria-label="Terminals" className="terminal-tabs">
      {tabs.map((s) => {
        const ended = hasEnded(s);
        const place = s.id === focusedId ? ' active' : s.id === otherId ? ' shown' : '';
        return (
          <div key={s.id} className={`terminal-tab${place}${ended ? ' ended' : ''}`}>
            <button
              type="button"
              role="tab"
              aria-selected={s.id === focusedId}
              title={`${s.title}: ${stateText(s)} (next ${SHORTCUTS.nextTab.hint}, previous ${SHORTCUTS.previousTab.hint})`}
              onClick={() => onShow(s.id)}
            >
              <span className={`dot terminal-state-${s.state}`} aria-hidden="true" />
              <span className="terminal-tab-title mono">{s.title}</span>
              <ConnectionBadge session={s} />
              <span className={ended ? 'terminal-tab-state' : 'visually-hidden'}>{stateText(s)}</span>
            </button>
            <button type="button" className="terminal-tab-close" aria-label={`Close ${s.title}`} title={`Close: ends the shell (${SHORTCUTS.closeTab.hint})`} onClick={() => onClose(s.id)}>
              ×
            </button>
          </div>
        );
      })}
    </div>
  );
}

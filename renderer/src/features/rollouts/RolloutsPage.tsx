import { useRef, useState, type KeyboardEvent } from 'react';
import { AddClusterFirst } from '../../shell/AddClusterFirst';
import { readSetting, writeSetting } from '../../shell/storage';
import { selectedConnection, useConnections } from '../connections/connectionsStore';
import { ROLLOUTS_TABS, type RolloutsTab } from './rolloutsTabs';
import './rollouts.css';

const TAB_KEY = 'rollouts.tab';

/** The Rollouts page: its views as tabs, the one last shown first. */
export function RolloutsPage() {
  const status = useConnections((s) => s.status);
  const count = useConnections((s) => s.connections.length);
  const [tabId, setTabId] = useState(() => readSetting(TAB_KEY));
  const tab = ROLLOUTS_TABS.find((t) => t.id === tabId) ?? ROLLOUTS_TABS[0];
  const tabRefs = useRef(new Map<string, HTMLButtonElement>());
  const choose = (t: RolloutsTab) => {
    setTabId(t.id);
    writeSetting(TAB_KEY, t.id);
  };
  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    const i = ROLLOUTS_TABS.indexOf(tab);
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: ROLLOUTS_TABS.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = ROLLOUTS_TABS[(to + ROLLOUTS_TABS.length) % ROLLOUTS_TABS.length];
    choose(next);
    tabRefs.current.get(next.id)?.focus();
  };

  return (
    <section className="page-body rollouts-page" aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Rollouts</h1>
      </div>
      {status === 'ready' && !count ? (
        <AddClusterFirst />
      ) : (
        <>
          <div role="tablist" aria-label="Rollout views" className="detail-tabs">
            {ROLLOUTS_TABS.map((t) => (
              <button
                key={t.id}
                ref={(el) => {
                  if (el) tabRefs.current.set(t.id, el);
                  else tabRefs.current.delete(t.id);
                }}
                type="button"
                role="tab"
                id={`rollouts-tab-${t.id}`}
                aria-selected={t === tab}
                aria-controls="rollouts-panel"
                tabIndex={t === tab ? 0 : -1}
                className={t === tab ? 'active' : undefined}
                onClick={() => choose(t)}
                onKeyDown={onTabKey}
              >
                {t.label}
              </button>
            ))}
          </div>
          <div role="tabpanel" id="rollouts-panel" aria-labelledby={`rollouts-tab-${tab.id}`} className="rollouts-panel">
            <TabView tab={tab} />
          </div>
        </>
      )}
    </section>
  );
}

function TabView({ tab }: { tab: RolloutsTab }) {
  const selected = useConnections(selectedConnection);
  if (tab.scope === 'all') return <tab.component />;
  if (selected?.kind !== 'kubernetes') {
    return (
      <div className="empty">
        <p>Choose a Kubernetes connection in the switcher at the top: this view works on one cluster.</p>
      </div>
    );
  }
  return <tab.component key={selected.id} connection={selected} />;
}

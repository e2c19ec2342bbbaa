import { useState } from 'react';
import { AddClusterFirst } from '../../shell/AddClusterFirst';
import { readSetting, writeSetting } from '../../shell/storage';
import { TabList } from '../../ui/TabList';
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
  const choose = (id: string) => {
    setTabId(id);
    writeSetting(TAB_KEY, id);
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
          <TabList label="Rollout views" tabs={ROLLOUTS_TABS} current={tab.id} onChoose={choose} tabId={(id) => `rollouts-tab-${id}`} panelId="rollouts-panel" />
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

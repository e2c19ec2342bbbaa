import { useRef, type KeyboardEvent } from 'react';

/** One tab: its id, its text, and the letter that shows it, when it has one. */
export interface TabItem<Id extends string> {
  id: Id;
  label: string;
  key?: string;
}

interface TabListProps<Id extends string> {
  /** The tab list's accessible name. */
  label: string;
  tabs: readonly TabItem<Id>[];
  current: Id;
  onChoose(id: Id): void;
  /** The id of a tab's element, which its panel is labelled by. */
  tabId(id: Id): string;
  /** The id of the one panel the tabs control. */
  panelId: string;
}

/**
 * Tabs as the ARIA tabs pattern has them: one tab stop, arrows, Home and End
 * move between tabs and show each as focus reaches it; a tab's letter, when
 * it has one, is shown beside it (the caller binds the key).
 */
export function TabList<Id extends string>({ label, tabs, current, onChoose, tabId, panelId }: TabListProps<Id>) {
  const refs = useRef(new Map<Id, HTMLButtonElement>());
  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>) => {
    const i = tabs.findIndex((t) => t.id === current);
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = tabs[(to + tabs.length) % tabs.length];
    onChoose(next.id);
    refs.current.get(next.id)?.focus();
  };
  return (
    <div role="tablist" aria-label={label} className="detail-tabs">
      {tabs.map((t) => (
        <button
          key={t.id}
          ref={(el) => {
            if (el) refs.current.set(t.id, el);
            else refs.current.delete(t.id);
          }}
          type="button"
          role="tab"
          id={tabId(t.id)}
          aria-selected={t.id === current}
          aria-controls={panelId}
          aria-keyshortcuts={t.key}
          tabIndex={t.id === current ? 0 : -1}
          className={t.id === current ? 'active' : undefined}
          onClick={() => onChoose(t.id)}
          onKeyDown={onKeyDown}
        >
          {t.label}
          {t.key && <kbd aria-hidden="true">{t.key}</kbd>}
        </button>
      ))}
    </div>
  );
}

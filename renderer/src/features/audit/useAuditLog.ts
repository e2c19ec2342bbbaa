import { useCallback, useEffect, useRef, useState } from 'react';
import type { AuditEntry } from '../../../../shared/contract';
import { call, getBridge } from '../../api/client';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { appendOlder, applyUndo, mergeAppended, mergeFirstPage } from './auditEntries';

const PAGE_SIZE = 100;

interface AuditLogState {
  entries: AuditEntry[];
  hasMore: boolean;
  status: 'loading' | 'ready' | 'error';
  loadingOlder: boolean;
  error?: ErrorView;
}

/**
 * The audit log filtered by `text`, newest first: the first page, older pages
 * on demand (`beforeId`), live entries from `audit.appended`, undos as soon
 * as they are answered, and a reload after missed events.
 */
export function useAuditLog(text: string) {
  const [state, setState] = useState<AuditLogState>({ entries: [], hasMore: false, status: 'loading', loadingOlder: false });
  // A newer filter or reload makes older responses stale.
  const generation = useRef(0);
  const query = text.trim();

  const load = useCallback(async () => {
    const current = ++generation.current;
    setState((s) => ({ ...s, entries: [], status: 'loading', error: undefined }));
    try {
      const page = await call('audit.list', { limit: PAGE_SIZE, ...(query ? { text: query } : {}) });
      if (current === generation.current) {
        // Keep what arrived live while the page was loading; entries before a reload are dropped.
        setState((s) => ({ entries: mergeFirstPage(s.status === 'loading' ? s.entries : [], page.entries), hasMore: page.hasMore, status: 'ready', loadingOlder: false }));
      }
    } catch (err) {
      if (current === generation.current) setState((s) => ({ ...s, status: 'error', error: describeError(err) }));
    }
  }, [query]);

  useEffect(() => {
    void load();
    const bridge = getBridge();
    const offAppended = bridge.events['audit.appended']((entry) => setState((s) => ({ ...s, entries: mergeAppended(s.entries, entry, query) })));
    const offResync = bridge.onResync(() => void load());
    return () => {
      offAppended();
      offResync();
    };
  }, [load, query]);

  const loadOlder = async () => {
    const oldest = state.entries.at(-1);
    if (!oldest) return;
    const current = generation.current;
    setState((s) => ({ ...s, loadingOlder: true }));
    try {
      const page = await call('audit.list', { limit: PAGE_SIZE, beforeId: oldest.id, ...(query ? { text: query } : {}) });
      if (current === generation.current) setState((s) => ({ ...s, entries: appendOlder(s.entries, page.entries), hasMore: page.hasMore, loadingOlder: false }));
    } catch (err) {
      if (current === generation.current) setState((s) => ({ ...s, loadingOlder: false, error: describeError(err) }));
    }
  };

  /** Shows an undo's answer (the undoing entry) before its events arrive. */
  const showUndone = (undoing: AuditEntry) => setState((s) => ({ ...s, entries: applyUndo(s.entries, undoing, query) }));

  return { ...state, reload: load, loadOlder, showUndone };
}

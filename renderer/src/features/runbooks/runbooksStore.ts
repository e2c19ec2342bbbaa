import { create } from 'zustand';
import { navigate } from '../../shell/routes';

/** A runbook being written: its text as edited, and what it was when editing began. */
export interface RunbookDraft {
  /** Absent for a new runbook. */
  id?: string;
  /** The version the edit started from: a save made meanwhile by someone else is refused, not overwritten. */
  baseVersion?: number;
  /** What the draft is of, for headings: the runbook's title. */
  title: string;
  source: string;
  /** The text when editing began; the draft is unsaved while `source` differs. */
  original: string;
}

interface RunbooksState {
  /** The runbook shown on the Runbooks page. */
  selectedId: string | null;
  /** The edit under way. Kept here, not in the page, so leaving the page does not lose it. */
  draft: RunbookDraft | null;
  select(id: string | null): void;
  edit(draft: Omit<RunbookDraft, 'original'>): void;
  setSource(source: string): void;
  /** The draft was saved (or discarded): editing ends. */
  closeDraft(): void;
}

export const useRunbooks = create<RunbooksState>()((set) => ({
  selectedId: null,
  draft: null,
  select: (selectedId) => set({ selectedId }),
  edit: (draft) => set({ draft: { ...draft, original: draft.source } }),
  setSource: (source) => set((s) => (s.draft ? { draft: { ...s.draft, source } } : s)),
  closeDraft: () => set({ draft: null }),
}));

/** The draft has changes that are not saved. */
export const isDirty = (draft: RunbookDraft | null): boolean => draft !== null && draft.source !== draft.original;

/** What a new runbook starts as: front matter to fill in, and a checklist to follow. */
export const NEW_RUNBOOK = `---
title: New runbook
tags: []
resources: []
severity: medium
---
# New runbook

What this runbook is for, and when to use it.

## Steps

- [ ] First step

\`\`\`bash
kubectl get pods
\`\`\`
`;

/** Shows runbook `id` on the Runbooks page, from anywhere in the app. */
export function openRunbook(id: string): void {
  useRunbooks.getState().select(id);
  navigate('runbooks');
}

/** Opens the editor on a new runbook, from anywhere in the app; an unsaved draft is kept rather than replaced. */
export function newRunbook(): void {
  const { draft, edit } = useRunbooks.getState();
  if (!isDirty(draft)) edit({ title: 'New runbook', source: NEW_RUNBOOK });
  navigate('runbooks');
}

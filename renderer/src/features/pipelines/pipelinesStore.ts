import { create } from 'zustand';
import type { DryRunResult, Spec, SpecMeta } from '../../../../shared/contract';
import { navigate } from '../../shell/routes';
import { selectedConnection, useConnections } from '../connections/connectionsStore';

/** What a save sends besides the text's id and version: the spec as the user set it. */
export interface SpecFields {
  name: string;
  /** The Kubernetes connection it is applied to; absent until chosen. */
  connectionId?: string;
  /** Absent: the connection's default. */
  namespace?: string;
  text: string;
}

/** A dry run's answer, and the text it was asked about. */
export interface DryRunCheck {
  text: string;
  result: DryRunResult;
}

/** What the editor keeps beside a draft's fields, so History or another page and back finds them as they were. */
export interface DraftNotes {
  /** The save message being written. */
  message?: string;
  /** The user's own text from before a reload onto someone else's save, to copy. */
  earlier?: string;
  /** The last dry run. */
  checked?: DryRunCheck;
}

/** A spec being edited: its fields as edited, and what they were when editing began. */
export interface SpecDraft extends SpecFields, DraftNotes {
  /** Absent for a new spec. */
  id?: string;
  /** The version the edit started from: a save made meanwhile by someone else is refused, not overwritten. */
  baseVersion?: number;
  /** The fields when editing began (or at the last save); the draft is unsaved while they differ. */
  original: SpecFields;
  /** Which edit this is: kept through saves and reloads of the draft, new for another spec, so the editor's own state goes with it. */
  session: number;
}

/** What starts an edit: a draft's fields, and its session when it carries on one. */
export type DraftStart = Omit<SpecDraft, 'original' | 'session'> & { session?: number };

/** The page's views: the spec library, or the runs on the selected connection. */
export type PipelinesTab = 'specs' | 'runs';

/** The page's own dialogs, opened from the page or the palette. */
export type PipelinesDialog = 'import' | 'export' | 'git';

interface PipelinesState {
  /** The spec shown on the Pipelines page. */
  selectedId: string | null;
  /** The edit under way. Kept here, not in the page, so leaving the page does not lose it. */
  draft: SpecDraft | null;
  dialog: PipelinesDialog | null;
  tab: PipelinesTab;
  /** The spec pane shows the spec's history instead of its editor. */
  history: boolean;
  /** A spec to show once the user has said what becomes of the unsaved draft (`''`: a new spec). */
  pending: string | null;
  select(id: string | null): void;
  /** Starts editing `fields` afresh: they become the draft's original. */
  edit(draft: DraftStart): void;
  change(fields: Partial<SpecFields & DraftNotes>): void;
  /** Notes for edit `session` only: an answer that arrives after the user moved to another spec is not put on that one. */
  note(session: number, notes: DraftNotes): void;
  /**
   * `sent` was saved as `saved`: it becomes the draft's original, what was typed meanwhile stays unsaved, and the
   * spec is the one shown. Only while `sent`'s edit is still the draft: after a move to another spec, or a discard,
   * the answer is not put on whatever is edited now.
   */
  markSaved(sent: SpecDraft, saved: SpecMeta): void;
  closeDraft(): void;
  openDialog(dialog: PipelinesDialog | null): void;
  showTab(tab: PipelinesTab): void;
  showHistory(history: boolean): void;
  setPending(pending: string | null): void;
}

const fieldsOf = ({ name, connectionId, namespace, text }: SpecFields): SpecFields => ({ name, connectionId, namespace, text });

let sessions = 0;

export const usePipelines = create<PipelinesState>()((set) => ({
  selectedId: null,
  draft: null,
  dialog: null,
  tab: 'specs',
  history: false,
  pending: null,
  select: (selectedId) => set({ selectedId }),
  edit: (draft) => set({ draft: { ...draft, session: draft.session ?? ++sessions, original: fieldsOf(draft) } }),
  change: (fields) => set((s) => (s.draft ? { draft: { ...s.draft, ...fields } } : s)),
  note: (session, notes) => set((s) => (s.draft?.session === session ? { draft: { ...s.draft, ...notes } } : s)),
  markSaved: (sent, saved) =>
    set((s) => {
      if (s.draft?.session !== sent.session) return s;
      const original = { ...fieldsOf(sent), name: saved.name, connectionId: saved.connectionId, namespace: saved.namespace };
      // The services trim the name: the draft follows unless it was edited since; so does the message.
      const name = s.draft.name === sent.name ? saved.name : s.draft.name;
      const message = s.draft.message === sent.message ? undefined : s.draft.message;
      return { selectedId: saved.id, draft: { ...s.draft, name, message, id: saved.id, baseVersion: saved.version, original } };
    }),
  closeDraft: () => set({ draft: null }),
  openDialog: (dialog) => set({ dialog }),
  showTab: (tab) => set({ tab }),
  showHistory: (history) => set({ history }),
  setPending: (pending) => set({ pending }),
}));

// Unsaved changes are not left behind by closing the window, wherever in the app the user is.
window.addEventListener('beforeunload', (e) => {
  if (isDirty(usePipelines.getState().draft)) e.preventDefault();
});

/** The draft has changes that are not saved. */
export function isDirty(draft: SpecDraft | null): boolean {
  if (!draft) return false;
  const { original: o } = draft;
  return draft.text !== o.text || draft.name !== o.name || (draft.connectionId ?? '') !== (o.connectionId ?? '') || (draft.namespace ?? '') !== (o.namespace ?? '');
}

/** A draft of a spec as the library holds it now. */
export function draftOf(spec: Spec): DraftStart {
  return { id: spec.id, baseVersion: spec.version, name: spec.name, connectionId: spec.connectionId, namespace: spec.namespace, text: spec.text };
}

/** What a new spec starts as: a small Job that prints and exits. */
export const NEW_SPEC = `apiVersion: batch/v1
kind: Job
metadata:
  name: hello
spec:
  backoffLimit: 0
  ttlSecondsAfterFinished: 3600
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: hello
          image: busybox:1.36
          command: ["sh", "-c", "echo hello from Pilothouse"]
`;

/** Shows spec `id` on the Pipelines page, from anywhere in the app; with an unsaved draft, the page first asks whether to drop it. */
export function openSpec(id: string): void {
  const { draft, select, closeDraft, showHistory, setPending, showTab } = usePipelines.getState();
  showTab('specs');
  if (isDirty(draft)) setPending(id);
  else {
    closeDraft();
    select(id);
    showHistory(false);
  }
  navigate('pipelines');
}

/** Opens the editor on a new spec for the selected Kubernetes connection, from anywhere in the app; with an unsaved draft, the page first asks. */
export function newSpec(): void {
  const { draft, edit, select, showHistory, setPending, showTab } = usePipelines.getState();
  showTab('specs');
  if (isDirty(draft)) setPending('');
  else {
    const selected = selectedConnection(useConnections.getState());
    select(null);
    showHistory(false);
    edit({ name: 'new-pipeline', connectionId: selected?.kind === 'kubernetes' ? selected.id : undefined, text: NEW_SPEC });
  }
  navigate('pipelines');
}

/** Opens the import dialog on the Pipelines page, from anywhere in the app. */
export function importSpecs(): void {
  usePipelines.getState().openDialog('import');
  navigate('pipelines');
}

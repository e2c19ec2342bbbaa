import { vi } from 'vitest';
import type { Monaco } from './loadMonaco';

/** A range as Monaco gives it: 1-based lines and columns. */
interface FakeRange {
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

/** A marker as the fake keeps it, per owner. */
export interface FakeMarker extends FakeRange {
  message: string;
  severity: number;
}

/** A text model the fake made: its text, URI and language, and whether it was disposed. */
export interface FakeModel {
  uri: { path: string; toString(): string };
  language: string | undefined;
  getValue(): string;
  setValue(text: string): void;
  getLineCount(): number;
  getLineMaxColumn(line: number): number;
  isDisposed(): boolean;
  dispose(): void;
  /** Replaces `range` with `text`, as typing does, and tells the editors showing it. */
  edit(range: FakeRange, text: string): void;
}

/** One editor the fake created: its options, and its text as it is now. */
export interface FakeEditor {
  host: HTMLElement;
  options: Record<string, unknown>;
  model: FakeModel;
  value(): string;
  setValue: ReturnType<typeof vi.fn>;
  dispose: ReturnType<typeof vi.fn>;
  /** Runs the action bound to `keybinding` (e.g. `KeyMod.CtrlCmd | KeyCode.KeyS`), as a key press would. */
  press(keybinding: number): void;
  /** Replaces the whole text, as a paste over everything would. */
  type(text: string): void;
  /** Where the cursor was put, the line last revealed, and whether the editor took focus. */
  cursor: { position?: { lineNumber: number; column: number }; revealed?: number; focused: boolean };
}

/** One diff editor the fake created: its options and the two texts it shows. */
export interface FakeDiffEditor {
  host: HTMLElement;
  options: Record<string, unknown>;
  original(): string | undefined;
  modified(): string | undefined;
  dispose: ReturnType<typeof vi.fn>;
}

const KeyMod = { CtrlCmd: 1 << 11, Shift: 1 << 10, Alt: 1 << 9, WinCtrl: 1 << 8 };
const KeyCode = { KeyS: 49, Enter: 3, F8: 66 };
const MarkerSeverity = { Hint: 1, Info: 2, Warning: 4, Error: 8 };

/**
 * A stand-in for Monaco in jsdom, which cannot run it: `editor.create` puts the
 * text into the host element and records the options; models, markers,
 * keybound actions, the diff editor and the YAML schemas are kept for
 * assertions. Use it by mocking the loader:
 * `vi.mock('…/shell/monaco/loadMonaco', () => ({ loadMonaco: () => Promise.resolve(fake.monaco) }))`.
 */
export function createFakeMonaco() {
  const editors: FakeEditor[] = [];
  const diffEditors: FakeDiffEditor[] = [];
  const models: FakeModel[] = [];
  /** Markers by owner, then by model URI. */
  const markers = new Map<string, Map<string, FakeMarker[]>>();
  let modelCount = 0;

  const uri = (text: string) => {
    const path = text.replace(/^[a-z-]+:\/\//, '');
    return { path: path.startsWith('/') ? path : `/${path}`, toString: () => text };
  };

  const createModel = vi.fn((value: string, language?: string, at?: { toString(): string }) => {
    let text = value;
    let disposed = false;
    const listeners = new Set<(e: { changes: { range: FakeRange; text: string }[] }) => void>();
    const lines = () => text.split('\n');
    const model: FakeModel & { onChange(l: (e: { changes: { range: FakeRange; text: string }[] }) => void): () => void } = {
      uri: uri(at?.toString() ?? `inmemory://model/${++modelCount}`),
      language,
      getValue: () => text,
      setValue(next) {
        const old = lines();
        text = next;
        listeners.forEach((l) => l({ changes: [{ range: { startLineNumber: 1, startColumn: 1, endLineNumber: old.length, endColumn: old.at(-1)!.length + 1 }, text: next }] }));
      },
      getLineCount: () => lines().length,
      getLineMaxColumn: (line) => (lines()[line - 1]?.length ?? 0) + 1,
      isDisposed: () => disposed,
      dispose: () => void (disposed = true),
      edit(range, inserted) {
        const old = lines();
        const before = old.slice(0, range.startLineNumber - 1).join('\n') + (range.startLineNumber > 1 ? '\n' : '') + old[range.startLineNumber - 1].slice(0, range.startColumn - 1);
        const after = old[range.endLineNumber - 1].slice(range.endColumn - 1) + (range.endLineNumber < old.length ? '\n' : '') + old.slice(range.endLineNumber).join('\n');
        text = before + inserted + after;
        listeners.forEach((l) => l({ changes: [{ range, text: inserted }] }));
      },
      onChange(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    models.push(model);
    return model;
  });

  const editor = {
    create: vi.fn((host: HTMLElement, options: Record<string, unknown>) => {
      const model = (options.model as ReturnType<typeof createModel> | undefined) ?? createModel(String(options.value ?? ''), options.language as string | undefined);
      host.textContent = model.getValue();
      const actions: { keybindings?: number[]; run(): void }[] = [];
      const setValue = vi.fn((next: string) => model.setValue(next));
      const dispose = vi.fn();
      const cursor: FakeEditor['cursor'] = { focused: false };
      model.onChange(() => {
        host.textContent = model.getValue();
      });
      editors.push({
        cursor,
        host,
        options,
        model,
        value: () => model.getValue(),
        setValue,
        dispose,
        press: (key) => actions.filter((a) => a.keybindings?.includes(key)).forEach((a) => a.run()),
        type: (text) => model.setValue(text),
      });
      return {
        getValue: () => model.getValue(),
        setValue,
        getScrollTop: () => 0,
        setScrollTop: () => undefined,
        layout: () => undefined,
        updateOptions: (changed: Record<string, unknown>) => void Object.assign(options, changed),
        getModel: () => model,
        setPosition: (position: { lineNumber: number; column: number }) => void (cursor.position = position),
        revealLineInCenter: (line: number) => void (cursor.revealed = line),
        focus: () => void (cursor.focused = true),
        onDidChangeModelContent: (listener: (e: { changes: { range: FakeRange; text: string }[] }) => void) => ({ dispose: model.onChange(listener) }),
        addAction: (action: { keybindings?: number[]; run(): void }) => {
          actions.push(action);
          return { dispose: () => actions.splice(actions.indexOf(action), 1) };
        },
        dispose,
      };
    }),
    createModel,
    createDiffEditor: vi.fn((host: HTMLElement, options: Record<string, unknown>) => {
      let shown: { original: FakeModel; modified: FakeModel } | null = null;
      const dispose = vi.fn();
      diffEditors.push({ host, options, original: () => shown?.original.getValue(), modified: () => shown?.modified.getValue(), dispose });
      return {
        setModel: (next: { original: FakeModel; modified: FakeModel } | null) => {
          shown = next;
          host.textContent = next ? `${next.original.getValue()}\n---\n${next.modified.getValue()}` : '';
        },
        getModel: () => shown,
        updateOptions: (changed: Record<string, unknown>) => void Object.assign(options, changed),
        layout: () => undefined,
        dispose,
      };
    }),
    setModelMarkers: vi.fn((model: FakeModel, owner: string, list: FakeMarker[]) => {
      const byModel = markers.get(owner) ?? new Map<string, FakeMarker[]>();
      markers.set(owner, byModel.set(model.uri.toString(), list));
    }),
    defineTheme: vi.fn(),
    setTheme: vi.fn(),
    setModelLanguage: vi.fn(),
  };
  const yamlSchemas = { set: vi.fn() };
  const monaco = { editor, yamlSchemas, Uri: { parse: uri }, KeyMod, KeyCode, MarkerSeverity };
  return {
    monaco: monaco as unknown as Monaco,
    editor,
    editors,
    diffEditors,
    models,
    yamlSchemas,
    KeyMod,
    KeyCode,
    MarkerSeverity,
    /** The markers `owner` set on `model` last. */
    markers: (model: FakeModel, owner: string): FakeMarker[] => markers.get(owner)?.get(model.uri.toString()) ?? [],
  };
}

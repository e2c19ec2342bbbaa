import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { editor, IRange } from 'monaco-editor/esm/vs/editor/editor.api';
import type { SpecProblem, SpecSchema } from '../../../../shared/contract';
import { call } from '../../api/client';
import { describeError } from '../errorActions';
import { useDebouncedValue } from '../useDebouncedValue';
import { loadMonaco, type Monaco } from './loadMonaco';
import { kindsKey, scanSpecKinds } from './specKinds';
import { problemsOnText } from './problemLines';
import { useMonacoEditor } from './useMonacoEditor';
import './codeView.css';

/** The owner of the markers a dry run placed, apart from monaco-yaml's own. */
export const DRY_RUN_OWNER = 'pilothouse-dry-run';

/** How long typing rests before the kinds are looked for again. */
const SCAN_AFTER_MS = 300;
/** A change of more characters than this at once is a text that arrived whole, not typing. */
const WHOLE_TEXT_CHARS = 256;

interface YamlSpecEditorProps {
  value: string;
  onChange(text: string): void;
  /** Whose schemas validate the text; absent: the schemas bundled for core kinds. */
  connectionId?: string;
  /** A dry run's problems: markers on their lines until those lines change or other problems arrive. */
  problems?: SpecProblem[];
  /** The text `problems` were found in: edits made since it was sent move them to their lines now, or leave them out. */
  problemsText?: string;
  readOnly?: boolean;
  ariaLabel: string;
  /** Ctrl/Cmd+S. */
  onSave?(): void;
  /** Puts the cursor here, in view, and focuses the editor: a new object each time, so the same line can be asked for twice (a problem clicked in a list). */
  reveal?: { line: number; column?: number };
}

let editorCount = 0;

/** "3 h old", from when a cached schema was fetched. */
export function schemaAge(fetchedAt: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(fetchedAt)) / 60_000));
  if (minutes < 1) return 'fetched just now';
  if (minutes < 60) return `${minutes} min old`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h old`;
  return `${Math.floor(hours / 24)} days old`;
}

/** Where a kind's schema came from, as the notice strip says it. */
function sourceText(kind: SpecSchema['kinds'][number]): string {
  switch (kind.source) {
    case 'cluster':
      return 'Schema from the cluster';
    case 'cache':
      return `Schema from the cluster's cache${kind.fetchedAt ? `, ${schemaAge(kind.fetchedAt)}` : ''}`;
    case 'bundled':
      return 'Schema bundled with Pilothouse (core kinds)';
    case 'none':
      return 'No schema';
  }
}

/** The notice strip's lines: each kind without a schema and why, then the others grouped by where theirs came from. */
export function schemaNotices(kinds: SpecSchema['kinds']): { tone: 'warn' | 'info'; text: string }[] {
  const missing = kinds
    .filter((k) => k.source === 'none')
    .map((k) => ({
      tone: 'warn' as const,
      text: `No schema for ${k.apiVersion} ${k.kind}: ${k.notice ?? "the cluster doesn't serve it and none is cached"}; editing without validation`,
    }));
  const bySource = new Map<string, string[]>();
  for (const k of kinds.filter((k) => k.source !== 'none')) {
    const text = sourceText(k);
    bySource.set(text, [...(bySource.get(text) ?? []), `${k.apiVersion} ${k.kind}`]);
  }
  return [...missing, ...[...bySource].map(([text, names]) => ({ tone: 'info' as const, text: `${text} (${names.join(', ')})` }))];
}

/** The problems left after `changes` (in the old text's lines): those on changed lines go, those below move with the lines added or removed. */
export function problemsAfterEdit(problems: readonly SpecProblem[], changes: readonly { range: IRange; text: string }[]): SpecProblem[] {
  let kept = [...problems];
  // Bottom up, so each change's lines are still those of the text it was made to.
  for (const change of [...changes].sort((a, b) => b.range.startLineNumber - a.range.startLineNumber)) {
    const { startLineNumber: start, endLineNumber: end } = change.range;
    const delta = change.text.split('\n').length - 1 - (end - start);
    kept = kept.filter((p) => p.line < start || p.line > end).map((p) => (p.line > end ? { ...p, line: p.line + delta } : p));
  }
  return kept;
}

function toMarkers(monaco: Monaco, model: editor.ITextModel, problems: readonly SpecProblem[]): editor.IMarkerData[] {
  const lines = model.getLineCount();
  return problems.map((p) => {
    const line = Math.min(p.line, lines);
    const startColumn = Math.min(p.column ?? 1, model.getLineMaxColumn(line));
    return {
      startLineNumber: line,
      startColumn,
      endLineNumber: line,
      endColumn: p.column === undefined ? model.getLineMaxColumn(line) : startColumn + 1,
      message: p.field ? `${p.field}: ${p.message}` : p.message,
      severity: p.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
      source: 'dry run',
    };
  });
}

/**
 * A YAML spec in Monaco, validated, completed and documented from the
 * connection's own schema for the kinds it holds (found by a light scan of
 * its lines once typing rests, and asked for when they change), with a strip
 * saying where each kind's schema came from or that it has none. A dry run's
 * problems are markers on their lines. A plain text area stands in if
 * Monaco cannot load, so a spec can always be edited.
 */
export function YamlSpecEditor({ value, onChange, connectionId, problems, problemsText, readOnly = false, ariaLabel, onSave, reveal }: YamlSpecEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const [modelUri] = useState(() => `file:///pilothouse/editor-${++editorCount}.yaml`);
  const latest = useRef({ value, onChange, onSave, readOnly, ariaLabel });
  useLayoutEffect(() => {
    latest.current = { value, onChange, onSave, readOnly, ariaLabel };
  });
  const { mounted, failed } = useMonacoEditor(host, loadMonaco, (monaco) => ({
    model: monaco.editor.createModel(latest.current.value, 'yaml', monaco.Uri.parse(modelUri)),
    ariaLabel: latest.current.ariaLabel,
    readOnly: latest.current.readOnly,
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    lineNumbersMinChars: 4,
    fontSize: 12.5,
    tabSize: 2,
    quickSuggestions: { other: true, comments: false, strings: true },
  }));

  // The dry run's problems as they stand after the edits since.
  const live = useRef<SpecProblem[]>([]);
  const showProblems = (next: SpecProblem[]) => {
    live.current = next;
    const model = mounted?.editor.getModel();
    if (mounted && model) mounted.monaco.editor.setModelMarkers(model, DRY_RUN_OWNER, toMarkers(mounted.monaco, model, next));
  };
  const showRef = useRef(showProblems);
  useLayoutEffect(() => {
    showRef.current = showProblems;
  });

  useEffect(() => {
    if (!mounted) return;
    const changed = mounted.editor.onDidChangeModelContent((e) => {
      if (live.current.length) showRef.current(problemsAfterEdit(live.current, e.changes));
      const text = mounted.editor.getValue();
      if (text !== latest.current.value) latest.current.onChange(text);
    });
    const save = mounted.editor.addAction({
      id: 'pilothouse.save',
      label: 'Save',
      keybindings: [mounted.monaco.KeyMod.CtrlCmd | mounted.monaco.KeyCode.KeyS],
      run: () => latest.current.onSave?.(),
    });
    return () => {
      changed.dispose();
      save.dispose();
    };
  }, [mounted]);

  useEffect(() => {
    if (mounted && mounted.editor.getValue() !== value) mounted.editor.setValue(value);
  }, [mounted, value]);

  useEffect(() => {
    mounted?.editor.updateOptions({ readOnly, ariaLabel });
  }, [mounted, readOnly, ariaLabel]);

  // Placed on the text as it is when they arrive (the user may have typed while the dry run ran); edits after move them above.
  const problemsAbout = useRef(problemsText);
  useLayoutEffect(() => {
    problemsAbout.current = problemsText;
  });
  useEffect(() => {
    const text = mounted?.editor.getValue();
    const about = problemsAbout.current;
    showRef.current(problems && text !== undefined && about !== undefined ? problemsOnText(problems, about, text) : (problems ?? []));
  }, [mounted, problems]);

  useEffect(() => {
    if (!mounted || !reveal) return;
    mounted.editor.setPosition({ lineNumber: reveal.line, column: reveal.column ?? 1 });
    mounted.editor.revealLineInCenter(reveal.line);
    mounted.editor.focus();
  }, [mounted, reveal]);

  // The kinds, once typing rests; the schema is asked for only when they (or the connection) change.
  // A text that arrives whole (a spec opened, a paste) is scanned at once: only typing waits.
  const [arrived, setArrived] = useState(value);
  if (Math.abs(value.length - arrived.length) > WHOLE_TEXT_CHARS && value !== arrived) setArrived(value);
  const settled = useDebouncedValue(value, SCAN_AFTER_MS);
  const [kinds, setKinds] = useState(() => scanSpecKinds(value));
  useEffect(() => {
    const next = scanSpecKinds(settled === value ? settled : arrived);
    setKinds((shown) => (kindsKey(shown) === kindsKey(next) ? shown : next));
    // `value` is read only to tell which of the two is newer.
  }, [settled, arrived]);

  const [schema, setSchema] = useState<{ kinds: SpecSchema['kinds']; error?: string }>({ kinds: [] });
  useEffect(() => {
    if (!mounted) return;
    if (kinds.length === 0) {
      mounted.monaco.yamlSchemas.set(modelUri, undefined);
      setSchema({ kinds: [] });
      return;
    }
    let current = true;
    call('pipelines.schema', { ...(connectionId ? { connectionId } : {}), kinds }).then(
      (answer) => {
        if (!current) return;
        mounted.monaco.yamlSchemas.set(modelUri, answer.schema);
        setSchema({ kinds: answer.kinds });
      },
      (err: unknown) => {
        if (!current) return;
        mounted.monaco.yamlSchemas.set(modelUri, undefined);
        setSchema({ kinds: [], error: describeError(err).message });
      },
    );
    return () => {
      current = false;
    };
  }, [mounted, connectionId, kinds, modelUri]);

  // The schema goes with the model.
  useEffect(() => () => mounted?.monaco.yamlSchemas.set(modelUri, undefined), [mounted, modelUri]);

  const notices = schemaNotices(schema.kinds);
  return (
    <div className="yaml-spec-editor">
      {(notices.length > 0 || schema.error) && (
        <ul className="yaml-spec-notices" aria-label="Schemas">
          {schema.error && <li className="yaml-spec-notice-warn">Could not load the schema ({schema.error}); editing without validation</li>}
          {notices.map((n) => (
            <li key={n.text} className={n.tone === 'warn' ? 'yaml-spec-notice-warn' : 'muted'}>
              {n.text}
            </li>
          ))}
        </ul>
      )}
      <div className="code-view">
        <div ref={host} className="code-view-editor" hidden={!mounted} />
        {failed && (
          <textarea className="code-view-fallback" aria-label={ariaLabel} spellCheck={false} readOnly={readOnly} value={value} onChange={(e) => onChange(e.target.value)} />
        )}
        {!mounted && !failed && <p className="muted yaml-spec-loading">Loading the editor…</p>}
      </div>
    </div>
  );
}

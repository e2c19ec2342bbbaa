import { act, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ParamsIn, SpecProblem, SpecSchema } from '../../../../shared/contract';
import { setBridge } from '../../api/client';
import { createFakeBridge, ok, type FakeBridge } from '../../test/fakeBridge';
import { createFakeMonaco } from './fakeMonaco';
import { loadMonaco } from './loadMonaco';
import { lineMapping, problemsOnText } from './problemLines';
import { DRY_RUN_OWNER, problemsAfterEdit, schemaAge, YamlSpecEditor } from './YamlSpecEditor';
import { scanSpecKinds } from './specKinds';

vi.mock('./loadMonaco', () => ({ loadMonaco: vi.fn() }));

const DEPLOYMENT = ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', 'spec:', '  replicas: 2', ''].join('\n');
const WORKFLOW = ['---', 'apiVersion: argoproj.io/v1alpha1', 'kind: Workflow', 'metadata:', '  generateName: train-', ''].join('\n');

const schemaAnswer = (kinds: SpecSchema['kinds']): SpecSchema => ({ schema: { definitions: {}, allOf: kinds.map((k) => ({ if: { properties: { kind: { const: k.kind } } } })) }, kinds });

/** The editor as a parent holds it: the text in state, Ctrl+S counted. */
function Harness({ initial, problems, problemsText, onSave }: { initial: string; problems?: SpecProblem[]; problemsText?: string; onSave?: () => void }) {
  const [text, setText] = useState(initial);
  return (
    <>
      <YamlSpecEditor value={text} onChange={setText} connectionId="k-prod" problems={problems} problemsText={problemsText} ariaLabel="Spec" onSave={onSave} />
      <output aria-label="Parent's text">{text}</output>
    </>
  );
}

let fake: FakeBridge;
let monaco: ReturnType<typeof createFakeMonaco>;
const schemaCalls = () => fake.method('pipelines.schema').mock.calls.map(([p]) => p as ParamsIn<'pipelines.schema'>);

beforeEach(() => {
  monaco = createFakeMonaco();
  vi.mocked(loadMonaco).mockResolvedValue(monaco.monaco);
  fake = createFakeBridge({
    'pipelines.schema': (p) =>
      ok(
        schemaAnswer(
          p.kinds.map((k) =>
            k.kind === 'Workflow'
              ? { ...k, source: 'none', notice: 'the cluster serves no kind Workflow in argoproj.io/v1alpha1' }
              : { ...k, source: 'cache', fetchedAt: new Date(Date.now() - 3 * 3600_000 - 60_000).toISOString() },
          ),
        ),
      ),
  });
  setBridge(fake.bridge);
});

afterEach(() => vi.useRealTimers());

describe('YamlSpecEditor', () => {
  it('asks for the schema of the kinds it holds once typing rests, and again only when they change', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const onSave = vi.fn();
    const { unmount } = render(<Harness initial={DEPLOYMENT} onSave={onSave} />);
    await waitFor(() => expect(monaco.editors).toHaveLength(1));
    const [editor] = monaco.editors;
    // One model per editor, at a path of its own for its schema.
    expect(editor.model.uri.toString()).toMatch(/^file:\/\/\/pilothouse\/editor-\d+\.yaml$/);
    expect(editor.model.language).toBe('yaml');
    expect(editor.options.ariaLabel).toBe('Spec');

    await waitFor(() => expect(schemaCalls()).toEqual([{ connectionId: 'k-prod', kinds: [{ apiVersion: 'apps/v1', kind: 'Deployment' }] }]));
    await waitFor(() => expect(monaco.yamlSchemas.set).toHaveBeenLastCalledWith(editor.model.uri.toString(), expect.objectContaining({ allOf: [expect.anything()] })));
    expect(screen.getByRole('list', { name: 'Schemas' }).textContent).toBe("Schema from the cluster's cache, 3 h old (apps/v1 Deployment)");

    // Typing that keeps the kinds asks nothing.
    act(() => editor.type(DEPLOYMENT.replace('replicas: 2', 'replicas: 3')));
    expect(screen.getByLabelText("Parent's text").textContent).toContain('replicas: 3');
    await act(async () => vi.advanceTimersByTime(400));
    expect(schemaCalls()).toHaveLength(1);

    // A new kind, typed in pieces: asked once, after the typing rests.
    act(() => editor.type(DEPLOYMENT + WORKFLOW.slice(0, 30)));
    await act(async () => vi.advanceTimersByTime(100));
    act(() => editor.type(DEPLOYMENT + WORKFLOW));
    await act(async () => vi.advanceTimersByTime(200));
    expect(schemaCalls()).toHaveLength(1);
    await act(async () => vi.advanceTimersByTime(200));
    await waitFor(() => expect(schemaCalls()).toHaveLength(2));
    expect(schemaCalls()[1].kinds).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow' },
    ]);
    await waitFor(() =>
      expect([...screen.getByRole('list', { name: 'Schemas' }).children].map((li) => li.textContent)).toEqual([
        'No schema for argoproj.io/v1alpha1 Workflow: the cluster serves no kind Workflow in argoproj.io/v1alpha1; editing without validation',
        "Schema from the cluster's cache, 3 h old (apps/v1 Deployment)",
      ]),
    );

    editor.press(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS);
    expect(onSave).toHaveBeenCalledTimes(1);

    unmount();
    expect(editor.dispose).toHaveBeenCalled();
    expect(editor.model.isDisposed()).toBe(true);
    expect(monaco.yamlSchemas.set).toHaveBeenLastCalledWith(editor.model.uri.toString(), undefined);
  });

  it("shows a dry run's problems as markers on their lines until those lines change or new problems arrive", async () => {
    const problems: SpecProblem[] = [
      { line: 2, message: 'kind is required', severity: 'error' },
      { line: 6, column: 13, field: 'spec.replicas', message: 'must be an integer', severity: 'error' },
    ];
    const { rerender } = render(<Harness initial={DEPLOYMENT} problems={problems} />);
    await waitFor(() => expect(monaco.editors).toHaveLength(1));
    const [editor] = monaco.editors;
    await waitFor(() => expect(monaco.markers(editor.model, DRY_RUN_OWNER)).toHaveLength(2));
    expect(monaco.markers(editor.model, DRY_RUN_OWNER)).toEqual([
      expect.objectContaining({ startLineNumber: 2, startColumn: 1, endColumn: 17, message: 'kind is required', severity: monaco.MarkerSeverity.Error }),
      expect.objectContaining({ startLineNumber: 6, startColumn: 13, endColumn: 14, message: 'spec.replicas: must be an integer' }),
    ]);

    // A line added above line 6 and line 2 edited: the first goes, the second moves down.
    act(() => editor.model.edit({ startLineNumber: 2, startColumn: 7, endLineNumber: 2, endColumn: 17 }, 'Deployment\n# added'));
    expect(monaco.markers(editor.model, DRY_RUN_OWNER)).toEqual([expect.objectContaining({ startLineNumber: 7, message: 'spec.replicas: must be an integer' })]);

    rerender(<Harness initial={DEPLOYMENT} problems={[{ line: 1, message: 'unknown apiVersion', severity: 'warning' }]} />);
    await waitFor(() => expect(monaco.markers(editor.model, DRY_RUN_OWNER)).toEqual([expect.objectContaining({ startLineNumber: 1, severity: monaco.MarkerSeverity.Warning })]));
  });

  it('puts the cursor on a line asked for, in view and focused, each time it is asked', async () => {
    const { rerender } = render(<YamlSpecEditor value={DEPLOYMENT} onChange={() => undefined} ariaLabel="Spec" reveal={{ line: 6, column: 3 }} />);
    await waitFor(() => expect(monaco.editors[0]?.cursor.revealed).toBe(6));
    const [editor] = monaco.editors;
    expect(editor.cursor).toEqual({ position: { lineNumber: 6, column: 3 }, revealed: 6, focused: true });
    editor.cursor.revealed = undefined;
    rerender(<YamlSpecEditor value={DEPLOYMENT} onChange={() => undefined} ariaLabel="Spec" reveal={{ line: 6 }} />);
    await waitFor(() => expect(editor.cursor.revealed).toBe(6));
    expect(editor.cursor.position).toEqual({ lineNumber: 6, column: 1 });
  });

  it('edits in a plain text area when Monaco cannot load', async () => {
    vi.mocked(loadMonaco).mockRejectedValue(new Error('Failed to fetch dynamically imported module'));
    render(<Harness initial={DEPLOYMENT} />);
    const area = await screen.findByRole('textbox', { name: 'Spec' });
    expect((area as HTMLTextAreaElement).value).toBe(DEPLOYMENT);
  });
});

describe('the kinds scan', () => {
  it('takes only top-level apiVersion and kind, per document, quoted or commented', () => {
    const text = ['apiVersion: "batch/v1"  # a job', "kind: 'Job'", 'spec:', '  template:', '    kind: Nested', '---', 'kind: ConfigMap', 'apiVersion: v1', '---', 'kind: Orphan', '---', 'apiVersion: batch/v1', 'kind: Job'].join('\n');
    expect(scanSpecKinds(text)).toEqual([
      { apiVersion: 'batch/v1', kind: 'Job' },
      { apiVersion: 'v1', kind: 'ConfigMap' },
    ]);
  });

  it('moves problems below an edit by the lines it added or removed', () => {
    const p = (line: number): SpecProblem => ({ line, message: `l${line}`, severity: 'error' });
    expect(problemsAfterEdit([p(1), p(3), p(5)], [{ range: { startLineNumber: 2, startColumn: 1, endLineNumber: 3, endColumn: 1 }, text: '' }]).map((x) => x.line)).toEqual([1, 4]);
  });

  it('places lines of a text on the same text edited: moved around one edited stretch, none inside it', () => {
    const about = ['a', 'b', 'c', 'd', 'e'].join('\n');
    expect([1, 2, 3, 4, 5].map(lineMapping(about, ['a', 'b', 'C', 'C2', 'd', 'e'].join('\n')))).toEqual([1, 2, undefined, 5, 6]);
    // Two stretches edited: the lines between them go with them, rather than be guessed.
    expect([1, 2, 3, 4, 5].map(lineMapping(about, ['# new', 'a', 'b', 'C', 'd', 'e'].join('\n')))).toEqual([undefined, undefined, undefined, 5, 6]);
    expect([1, 5].map(lineMapping(about, about))).toEqual([1, 5]);
    // Lines only added: none lost.
    expect([1, 2, 3].map(lineMapping('a\nb\nc', 'a\nx\ny\nb\nc'))).toEqual([1, 4, 5]);
    const p = (line: number): SpecProblem => ({ line, message: `l${line}`, severity: 'error' });
    expect(problemsOnText([p(2), p(3), p(5)], about, 'a\nb\nX\nd\ne').map((x) => x.line)).toEqual([2, 5]);
  });

  it('places problems on the text as it is when they arrive, from the text they were found in', async () => {
    const { rerender } = render(<Harness initial={DEPLOYMENT} />);
    await waitFor(() => expect(monaco.editors).toHaveLength(1));
    const [editor] = monaco.editors;
    await waitFor(() => expect(editor.host.hidden).toBe(false));
    const sent = editor.value();
    act(() => editor.model.edit({ startLineNumber: 1, startColumn: 1, endLineNumber: 1, endColumn: 1 }, '# one\n# two\n'));
    rerender(<Harness initial={DEPLOYMENT} problems={[{ line: 2, message: 'kind', severity: 'error' }]} problemsText={sent} />);
    expect(monaco.markers(editor.model, DRY_RUN_OWNER).map((m) => m.startLineNumber)).toEqual([4]);
  });

  it('says how old a cached schema is', () => {
    const now = Date.parse('2026-12-04T12:00:00Z');
    expect(schemaAge('2026-12-04T11:59:30Z', now)).toBe('fetched just now');
    expect(schemaAge('2026-12-04T11:40:00Z', now)).toBe('20 min old');
    expect(schemaAge('2026-12-04T09:00:00Z', now)).toBe('3 h old');
    expect(schemaAge('2026-12-01T12:00:00Z', now)).toBe('3 days old');
  });
});

import { act, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { initialThemeState, useTheme } from '../theme';
import { CodeView } from './CodeView';
import { createFakeMonaco } from './fakeMonaco';
import { loadMonaco, type Monaco } from './loadMonaco';

vi.mock('./loadMonaco', () => ({ loadMonaco: vi.fn() }));

/** Lets the test decide when (and whether) Monaco arrives. */
function pendingMonaco() {
  let arrive: (monaco: Monaco) => void = () => undefined;
  let fail: (err: Error) => void = () => undefined;
  vi.mocked(loadMonaco).mockReturnValue(
    new Promise<Monaco>((resolve, reject) => {
      arrive = resolve;
      fail = reject;
    }),
  );
  return { arrive: (monaco: Monaco) => act(async () => arrive(monaco)), fail: (err: Error) => act(async () => fail(err)) };
}

beforeEach(() => {
  localStorage.clear();
  useTheme.setState({ ...initialThemeState(), chosen: 'light' });
});

describe('CodeView', () => {
  it('shows the text at once, then in a read-only editor once Monaco has loaded, following the theme', async () => {
    const loading = pendingMonaco();
    const fake = createFakeMonaco();
    const { rerender, unmount } = render(<CodeView value={'a: 1\n'} language="yaml" label="YAML of pod web" />);
    const pre = screen.getByLabelText('YAML of pod web');
    expect(pre.tagName).toBe('PRE');
    expect(pre.textContent).toBe('a: 1\n');

    // The text changed while Monaco loaded: the editor starts with the newer text.
    rerender(<CodeView value={'a: 2\n'} language="yaml" label="YAML of pod web" />);
    await loading.arrive(fake.monaco);
    expect(screen.queryByText('a: 2', { selector: 'pre' })).toBeNull();
    expect(fake.editors).toHaveLength(1);
    const [editor] = fake.editors;
    expect(editor.options).toMatchObject({ value: 'a: 2\n', language: 'yaml', ariaLabel: 'YAML of pod web', readOnly: true, domReadOnly: true });
    expect(editor.host.hidden).toBe(false);
    expect(editor.host.textContent).toBe('a: 2\n');
    expect(fake.editor.setTheme).toHaveBeenLastCalledWith('pilothouse-light');

    rerender(<CodeView value={'a: 3\n'} language="yaml" label="YAML of pod web" />);
    expect(editor.setValue).toHaveBeenCalledWith('a: 3\n');
    expect(fake.editors).toHaveLength(1);

    act(() => useTheme.getState().toggle());
    expect(fake.editor.defineTheme).toHaveBeenLastCalledWith('pilothouse-dark', expect.objectContaining({ base: 'vs-dark' }));
    expect(fake.editor.setTheme).toHaveBeenLastCalledWith('pilothouse-dark');

    unmount();
    expect(editor.dispose).toHaveBeenCalled();
  });

  it('keeps the plain text when Monaco cannot load', async () => {
    const loading = pendingMonaco();
    render(<CodeView value={'kind: Pod\n'} language="yaml" label="YAML" />);
    await loading.fail(new Error('Failed to fetch dynamically imported module'));
    expect(screen.getByLabelText('YAML').tagName).toBe('PRE');
    expect(screen.getByLabelText('YAML').textContent).toBe('kind: Pod\n');
  });

  it('creates no editor when unmounted before Monaco arrives', async () => {
    const loading = pendingMonaco();
    const fake = createFakeMonaco();
    const { unmount } = render(<CodeView value="x" language="yaml" label="YAML" />);
    unmount();
    await loading.arrive(fake.monaco);
    expect(fake.editor.create).not.toHaveBeenCalled();
  });
});

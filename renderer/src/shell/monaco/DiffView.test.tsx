import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { DiffView } from './DiffView';
import { createFakeMonaco } from './fakeMonaco';
import { loadMonaco } from './loadMonaco';

vi.mock('./loadMonaco', () => ({ loadMonaco: vi.fn() }));

describe('DiffView', () => {
  it('shows both texts in a read-only YAML diff editor, side by side or inline, and follows new texts', async () => {
    const monaco = createFakeMonaco();
    vi.mocked(loadMonaco).mockResolvedValue(monaco.monaco);
    const user = userEvent.setup();
    const { rerender, unmount } = render(<DiffView original={'replicas: 2\n'} modified={'replicas: 3\n'} originalLabel="Live object" modifiedLabel="After the apply" />);
    // Plain until Monaco is there.
    expect(screen.getByLabelText('Live object').textContent).toBe('replicas: 2\n');

    await waitFor(() => expect(monaco.diffEditors).toHaveLength(1));
    const [diff] = monaco.diffEditors;
    expect(diff.options).toMatchObject({ readOnly: true, originalEditable: false, renderSideBySide: true });
    expect([diff.original(), diff.modified()]).toEqual(['replicas: 2\n', 'replicas: 3\n']);
    expect(monaco.models.map((m) => m.language)).toEqual(['yaml', 'yaml']);
    expect(screen.getByText('Live object').tagName).toBe('STRONG');
    expect(screen.getByText('After the apply').tagName).toBe('STRONG');

    await user.click(screen.getByRole('checkbox', { name: 'Inline' }));
    expect(diff.options.renderSideBySide).toBe(false);

    rerender(<DiffView original={'replicas: 2\n'} modified={'replicas: 4\n'} originalLabel="Live object" modifiedLabel="After the apply" />);
    expect(diff.modified()).toBe('replicas: 4\n');
    expect(monaco.diffEditors).toHaveLength(1);

    unmount();
    expect(diff.dispose).toHaveBeenCalled();
    expect(monaco.models.every((m) => m.isDisposed())).toBe(true);
  });

  it('stays side by side however narrow it is, so the two labels above are the two sides; Inline labels the one view', async () => {
    const monaco = createFakeMonaco();
    vi.mocked(loadMonaco).mockResolvedValue(monaco.monaco);
    const user = userEvent.setup();
    const { container } = render(<DiffView original={'a: 1\n'} modified={'a: 2\n'} originalLabel="Live object" modifiedLabel="After the apply" />);
    await waitFor(() => expect(monaco.diffEditors).toHaveLength(1));
    const [diff] = monaco.diffEditors;
    // Monaco's default turns side by side into inline under 900 px, under labels that still say left and right.
    expect(diff.options).toMatchObject({ renderSideBySide: true, useInlineViewWhenSpaceIsLimited: false });
    const labels = () => container.querySelector('.diff-view-labels')!;
    expect(labels().classList.contains('inline')).toBe(false);
    expect(labels().children).toHaveLength(2);

    await user.click(screen.getByRole('checkbox', { name: 'Inline' }));
    expect(diff.options.renderSideBySide).toBe(false);
    expect(labels().classList.contains('inline')).toBe(true);
    expect(labels().textContent).toBe('Live object → After the apply');

    await user.click(screen.getByRole('checkbox', { name: 'Inline' }));
    expect(diff.options).toMatchObject({ renderSideBySide: true, useInlineViewWhenSpaceIsLimited: false });
    expect(labels().children).toHaveLength(2);
  });
});

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
});

import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { RESIZE_STEP } from '../../ui/ColumnResizer';
import { emitRows, grid, podRow, renderInspector, watchId } from './testKit';
import { STATUS_MAX_WIDTH } from './tableColumns';

/** The grid's column tracks in order, e.g. "minmax(220px, 3fr)" or "236px". */
const tracks = (label: string) => grid(label).style.getPropertyValue('--vt-cols').match(/minmax\([^)]*\)|\d+(\.\d+)?px/g) ?? [];

/** The track of the column titled `title`. */
const trackOf = (label: string, title: string) => tracks(label)[Number(screen.getByRole('columnheader', { name: title }).getAttribute('aria-colindex')) - 1];

/** The least width (px) of a track. */
const leastWidth = (track: string) => Number(/(\d+(?:\.\d+)?)px/.exec(track)![1]);

const cellOf = (name: string, title: string) => {
  const row = within(grid('Pods'))
    .getAllByRole('row')
    .find((r) => r.getAttribute('aria-rowindex') !== '1' && r.textContent?.includes(name))!;
  const column = screen.getByRole('columnheader', { name: title }).getAttribute('aria-colindex');
  return row.querySelector(`[role=gridcell][aria-colindex="${column}"]`)!;
};

async function podsWith(...rows: ReturnType<typeof podRow>[]) {
  const view = renderInspector();
  const id = await watchId(view.fake);
  emitRows(view.fake, id, { reset: true, upserts: rows });
  return { ...view, id };
}

describe('resource grid columns', () => {
  it('keeps the generated end of long pod names in view, and the whole name in the cell', async () => {
    await podsWith(podRow('web-frontend-9b5fb97bc-x7k2p'), podRow('web-frontend-9b5fb97bc-q4r8z'));
    const cell = cellOf('x7k2p', 'Name');
    expect(cell.querySelector('.mid-ellipsis-end')?.textContent).toBe('9b5fb97bc-x7k2p');
    expect(cell.textContent).toBe('web-frontend-9b5fb97bc-x7k2p');
    expect(cell.getAttribute('title')).toBe('web-frontend-9b5fb97bc-x7k2p');
    expect(cellOf('q4r8z', 'Name').querySelector('.mid-ellipsis-end')?.textContent).toBe('9b5fb97bc-q4r8z');
  });

  it('pins the leading name column, header and cells, and no other', async () => {
    await podsWith(podRow('web-1'));
    expect(screen.getByRole('columnheader', { name: 'Name' }).classList).toContain('vt-pinned');
    expect(cellOf('web-1', 'Name').classList).toContain('vt-pinned');
    expect(cellOf('web-1', 'Status').classList).not.toContain('vt-pinned');
    expect(screen.getByRole('columnheader', { name: 'Namespace' }).classList).not.toContain('vt-pinned');
  });

  it('sizes a column from the keyboard, remembers it per resource, and gives it back its automatic width', async () => {
    const user = userEvent.setup();
    await podsWith(podRow('web-1'));
    const auto = trackOf('Pods', 'Name');
    expect(auto).toMatch(/^minmax\(220px/);

    const handle = screen.getByRole('separator', { name: 'Resize Name' });
    handle.focus();
    await user.keyboard('{ArrowRight}{ArrowRight}');
    // Without layout the header measures 0: the automatic least width is where sizing starts.
    expect(trackOf('Pods', 'Name')).toBe(`${220 + 2 * RESIZE_STEP}px`);
    expect(handle.getAttribute('aria-valuenow')).toBe(String(220 + 2 * RESIZE_STEP));
    await user.keyboard('{ArrowLeft}');
    expect(trackOf('Pods', 'Name')).toBe(`${220 + RESIZE_STEP}px`);
    expect(JSON.parse(localStorage.getItem('pilothouse.columnWidths./pods')!)).toEqual({ name: 220 + RESIZE_STEP });
    // The table's own keys did not act on them: no row was selected.
    expect(within(grid('Pods')).queryAllByRole('row').filter((r) => r.getAttribute('aria-selected') === 'true')).toHaveLength(0);

    // Leave and come back: the width was kept; Nodes have their own.
    await user.click(screen.getByRole('button', { name: 'Nodes' }));
    await waitFor(() => expect(trackOf('Nodes', 'Name')).toMatch(/^minmax\(220px/));
    await user.click(screen.getByRole('button', { name: 'Pods' }));
    await waitFor(() => expect(trackOf('Pods', 'Name')).toBe(`${220 + RESIZE_STEP}px`));

    fireEvent.doubleClick(screen.getByRole('separator', { name: 'Resize Name' }));
    expect(trackOf('Pods', 'Name')).toBe(auto);
    expect(localStorage.getItem('pilothouse.columnWidths./pods')).toBeNull();
  });

  it('sizes a column by dragging its header edge, until the button is released', async () => {
    await podsWith(podRow('web-1'));
    const handle = screen.getByRole('separator', { name: 'Resize Name' });
    // jsdom has no pointer capture; Chromium keeps the drag on the handle with it.
    handle.setPointerCapture = vi.fn();
    fireEvent.pointerDown(handle, { button: 0, pointerId: 1, clientX: 300 });
    fireEvent.pointerMove(handle, { pointerId: 1, clientX: 360 });
    expect(trackOf('Pods', 'Name')).toBe('280px');
    // Shown while dragging, kept only where the drag ends.
    expect(localStorage.getItem('pilothouse.columnWidths./pods')).toBeNull();
    fireEvent.pointerMove(handle, { pointerId: 1, clientX: 100 });
    expect(trackOf('Pods', 'Name')).toBe('48px');
    fireEvent.pointerUp(handle, { pointerId: 1, clientX: 100 });
    fireEvent.pointerMove(handle, { pointerId: 1, clientX: 500 });
    expect(trackOf('Pods', 'Name')).toBe('48px');
    expect(JSON.parse(localStorage.getItem('pilothouse.columnWidths./pods')!)).toEqual({ name: 48 });
    expect(handle.setPointerCapture).toHaveBeenCalledWith(1);
  });

  it('does not size a column below the least width', async () => {
    const user = userEvent.setup();
    await podsWith(podRow('web-1'));
    screen.getByRole('separator', { name: 'Resize Age' }).focus();
    await user.keyboard('{Shift>}{ArrowLeft}{ArrowLeft}{ArrowLeft}{/Shift}');
    expect(trackOf('Pods', 'Age')).toBe('48px');
  });

  it('widens the status column to its longest badge, so no badge is cut', async () => {
    const { fake, id } = await podsWith(podRow('web-1'));
    const narrow = leastWidth(trackOf('Pods', 'Status'));

    emitRows(fake, id, { upserts: [podRow('web-2', { status: 'Running (0/1 ready)' }), podRow('web-3', { status: 'Init:CreateContainerConfigError' })] });
    const wide = leastWidth(trackOf('Pods', 'Status'));
    // At least 7 px a character at the badge's 11.5 px semibold, with room for its padding.
    expect(wide).toBeGreaterThanOrEqual('Init:CreateContainerConfigError'.length * 7 + 12);
    expect(wide).toBeGreaterThan(narrow);
    // Where the user narrows it anyway, the whole status is in the cell's title.
    expect(cellOf('web-3', 'Status').getAttribute('title')).toBe('Init:CreateContainerConfigError');

    // Gone with the row that needed it.
    emitRows(fake, id, { deletes: ['uid-default-web-3'] });
    expect(leastWidth(trackOf('Pods', 'Status'))).toBeLessThan(wide);

    // A whole condition message in a status (a CRD's Status column) does not push every other column off screen.
    const message = 'kustomization path not found: stat /tmp/kustomization-1234/clusters/production/apps: no such file or directory; '.repeat(2);
    emitRows(fake, id, { upserts: [podRow('web-4', { status: message })] });
    expect(leastWidth(trackOf('Pods', 'Status'))).toBe(STATUS_MAX_WIDTH);
    expect(cellOf('web-4', 'Status').getAttribute('title')).toBe(message);
  });
});

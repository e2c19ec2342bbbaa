import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ContextMenu } from './ContextMenu';

const entries = [
  { id: 'scale', label: 'Scale' },
  { id: 'restart', label: 'Restart', disabled: true, reason: 'You may not restart this deployment.' },
  { id: 'delete', label: 'Delete', danger: true },
];

function renderMenu(at = { x: 100, y: 100 }) {
  const onPick = vi.fn();
  const onClose = vi.fn();
  render(
    <>
      <button type="button">elsewhere</button>
      <ContextMenu label="Actions on deployment web" at={at} entries={entries} onPick={onPick} onClose={onClose} />
    </>,
  );
  return { onPick, onClose, menu: screen.getByRole('menu', { name: 'Actions on deployment web' }) };
}

const active = (menu: HTMLElement) => document.getElementById(menu.getAttribute('aria-activedescendant')!)?.textContent;

afterEach(() => vi.restoreAllMocks());

describe('context menu', () => {
  it('moves with the arrows, wrapping, and takes the entry with Enter; a disabled one is not taken', async () => {
    const user = userEvent.setup();
    const { onPick, menu } = renderMenu();
    expect(document.activeElement).toBe(menu);
    expect(screen.getAllByRole('menuitem').map((m) => m.textContent)).toEqual(['Scale', 'Restart', 'Delete']);
    expect(active(menu)).toBe('Scale');
    await user.keyboard('{ArrowUp}');
    expect(active(menu)).toBe('Delete');
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(active(menu)).toBe('Restart');
    await user.keyboard('{Enter}');
    expect(onPick).not.toHaveBeenCalled();
    await user.keyboard('{End}{Enter}');
    expect(onPick).toHaveBeenCalledWith('delete');
  });

  it('closes with Esc and on a click elsewhere', async () => {
    const user = userEvent.setup();
    const first = renderMenu();
    await user.keyboard('{Escape}');
    expect(first.onClose).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole('button', { name: 'elsewhere' }));
    expect(first.onClose).toHaveBeenCalledTimes(2);
  });

  it('opens the other way near the window’s right and bottom edges, so nothing is cut off', () => {
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({ width: 200, height: 90 } as DOMRect);
    const { menu } = renderMenu({ x: window.innerWidth - 50, y: window.innerHeight - 20 });
    expect(menu.style.left).toBe(`${window.innerWidth - 250}px`);
    expect(menu.style.top).toBe(`${window.innerHeight - 110}px`);
  });
});

import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { Modal } from './Modal';

function Harness({ onCloseInner = () => undefined }: { onCloseInner?: () => void }) {
  const [open, setOpen] = useState(false);
  const [inner, setInner] = useState(false);
  return (
    <>
      <button onClick={() => setOpen(true)}>Open</button>
      {open && (
        <Modal label="Outer" onClose={() => setOpen(false)}>
          <button>First</button>
          <button onClick={() => setInner(true)}>Open inner</button>
          {inner && (
            <Modal
              label="Inner"
              onClose={() => {
                onCloseInner();
                setInner(false);
              }}
            >
              <button>Inner button</button>
            </Modal>
          )}
        </Modal>
      )}
    </>
  );
}

describe('Modal', () => {
  it('moves focus in, keeps Tab inside, closes on Esc and gives focus back', async () => {
    const user = userEvent.setup();
    render(<Harness />);
    const opener = screen.getByRole('button', { name: 'Open' });
    await user.click(opener);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'First' }));
    await user.tab();
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'First' }));
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Open inner' }));

    // Focus lost to the page (its element was removed) comes back in with Tab.
    (document.activeElement as HTMLElement).blur();
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'First' }));

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('lets only the innermost of stacked dialogs handle Esc', async () => {
    const user = userEvent.setup();
    const onCloseInner = vi.fn();
    render(<Harness onCloseInner={onCloseInner} />);
    await user.click(screen.getByRole('button', { name: 'Open' }));
    await user.click(screen.getByRole('button', { name: 'Open inner' }));
    await user.keyboard('{Escape}');
    expect(onCloseInner).toHaveBeenCalledOnce();
    expect(screen.getByRole('dialog', { name: 'Outer' })).toBeTruthy();
    expect(screen.queryByRole('dialog', { name: 'Inner' })).toBeNull();
  });
});

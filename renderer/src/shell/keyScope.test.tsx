import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commandKey, KeyScope, useScopeKeys, type KeyBindings } from './keyScope';
import { useUi } from './uiStore';

/** A keydown as the browser would dispatch it on `target`. */
function press(target: EventTarget, key: string, init: KeyboardEventInit = {}): KeyboardEvent {
  const e = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(e);
  return e;
}

/** The name commandKey gives a press on `target`, read while the event is dispatched. */
function nameOf(target: Element, key: string, init: KeyboardEventInit = {}): string | null {
  let name: string | null = null;
  const read = (e: Event) => (name = commandKey(e as KeyboardEvent));
  target.addEventListener('keydown', read);
  press(target, key, init);
  target.removeEventListener('keydown', read);
  return name;
}

afterEach(() => {
  document.body.innerHTML = '';
  useUi.setState({ dialog: null, paletteOpen: false });
});

describe('commandKey', () => {
  it('names plain keys as typed and Ctrl chords by their letter, whatever Caps Lock says', () => {
    const div = document.body.appendChild(document.createElement('div'));
    expect(['j', 'G', '/', 'Enter', 'ArrowDown'].map((k) => nameOf(div, k))).toEqual(['j', 'G', '/', 'Enter', 'ArrowDown']);
    expect(nameOf(div, 'd', { ctrlKey: true })).toBe('Control+d');
    expect(nameOf(div, 'D', { ctrlKey: true })).toBe('Control+d');
    expect(nameOf(div, 'D', { ctrlKey: true, shiftKey: true })).toBe('Control+Shift+d');
    // Caps Lock on: `s` arrives as "S" and Shift+g as "g"; the commands are those of the keys pressed.
    expect(nameOf(div, 'S', { modifierCapsLock: true })).toBe('s');
    expect(nameOf(div, 'g', { modifierCapsLock: true, shiftKey: true })).toBe('G');
    // macOS: Shift does not undo Caps Lock, so Shift+g arrives as "G".
    expect(nameOf(div, 'G', { modifierCapsLock: true, shiftKey: true })).toBe('G');
    expect(nameOf(div, '/', { modifierCapsLock: true })).toBe('/');
    expect(nameOf(div, 'Enter', { modifierCapsLock: true })).toBe('Enter');
  });

  it('leaves Alt and Cmd keys to the system, and keys already taken or mid-composition alone', () => {
    const div = document.body.appendChild(document.createElement('div'));
    expect(nameOf(div, 'f', { altKey: true })).toBeNull();
    expect(nameOf(div, 'r', { metaKey: true })).toBeNull();
    expect(nameOf(div, 'k', { isComposing: true })).toBeNull();
    div.addEventListener('keydown', (e) => e.preventDefault(), { capture: true });
    expect(nameOf(div, 'j')).toBeNull();
  });

  it('gives no command from a field but Esc, and no single key from a button, select or link', () => {
    document.body.innerHTML = `
      <input aria-label="text" /><textarea aria-label="area"></textarea><div contenteditable="true" aria-label="editable"></div>
      <button type="button">Scale</button><select aria-label="tail"><option>1</option></select><a href="#x">link</a>
      <div role="tab" tabindex="0">Logs</div><div contenteditable="false" tabindex="0" aria-label="plain"></div>`;
    for (const field of [screen.getByRole('textbox', { name: 'text' }), screen.getByRole('textbox', { name: 'area' }), screen.getByLabelText('editable')]) {
      expect(nameOf(field, 'j')).toBeNull();
      expect(nameOf(field, 'd', { ctrlKey: true })).toBeNull();
      expect(nameOf(field, 'Escape')).toBe('Escape');
    }
    for (const control of [screen.getByRole('button'), screen.getByRole('combobox'), screen.getByRole('link'), screen.getByRole('tab')]) {
      expect(nameOf(control, 'f')).toBeNull();
      expect(nameOf(control, 'Enter')).toBeNull();
      expect(nameOf(control, 'Escape')).toBe('Escape');
    }
    expect(nameOf(screen.getByRole('button'), 'd', { ctrlKey: true })).toBe('Control+d');
    expect(nameOf(screen.getByLabelText('plain'), 'f')).toBe('f');
  });

  it("gives no command from inside Monaco's editor, whatever element it focuses (an EditContext div in Chromium)", () => {
    document.body.innerHTML = `<div class="monaco-editor"><div class="native-edit-context" tabindex="0" aria-label="yaml"></div></div>`;
    const editor = screen.getByLabelText('yaml');
    for (const key of ['j', 'G', '/', 's', 'f']) expect(nameOf(editor, key)).toBeNull();
    expect(nameOf(editor, 'Escape')).toBe('Escape');
  });

  it('gives none while a dialog or the palette is open', () => {
    const div = document.body.appendChild(document.createElement('div'));
    useUi.setState({ paletteOpen: true });
    expect(nameOf(div, 'j')).toBeNull();
    useUi.setState({ paletteOpen: false });
    document.body.appendChild(document.createElement('div')).setAttribute('aria-modal', 'true');
    expect(nameOf(div, 'j')).toBeNull();
  });
});

function Added({ keys }: { keys: KeyBindings }) {
  useScopeKeys(keys);
  return null;
}

describe('KeyScope', () => {
  it('gives a key to the innermost part that takes it, and no part around it nor the window sees it', async () => {
    const user = userEvent.setup();
    const outer = { '/': vi.fn(), o: vi.fn(), j: vi.fn() };
    const inner = { '/': vi.fn(), j: vi.fn(() => false as const) };
    const added = { o: vi.fn() };
    const reachedWindow = vi.fn();
    window.addEventListener('keydown', reachedWindow);
    try {
      render(
        <KeyScope keys={outer} data-testid="outer">
          <Added keys={added} />
          <KeyScope keys={inner} tabIndex={-1} data-testid="inner">
            <button type="button">Follow</button>
          </KeyScope>
        </KeyScope>,
      );
      screen.getByTestId('inner').focus();
      await user.keyboard('/');
      expect(inner['/']).toHaveBeenCalledTimes(1);
      expect(outer['/']).not.toHaveBeenCalled();
      expect(reachedWindow).not.toHaveBeenCalled();

      // Declined by the inner part: the outer one has it.
      await user.keyboard('j');
      expect(inner.j).toHaveBeenCalledTimes(1);
      expect(outer.j).toHaveBeenCalledTimes(1);

      // Not the inner part's: the outer part's own keys come before those added to it.
      await user.keyboard('o');
      expect(outer.o).toHaveBeenCalledTimes(1);
      expect(added.o).not.toHaveBeenCalled();

      // Nobody's: it goes on to the window.
      await user.keyboard('x');
      expect(reachedWindow).toHaveBeenCalledTimes(1);

      // On a button a single key is the button's.
      screen.getByRole('button').focus();
      await user.keyboard('/jo');
      expect([inner['/'], outer['/'], outer.o].map((f) => f.mock.calls.length)).toEqual([1, 0, 1]);
    } finally {
      window.removeEventListener('keydown', reachedWindow);
    }
  });

  it('runs keys added from inside, and drops them when their part goes', async () => {
    const user = userEvent.setup();
    const added = { s: vi.fn() };
    const { rerender } = render(
      <KeyScope keys={{}} tabIndex={-1} data-testid="scope">
        <Added keys={added} />
      </KeyScope>,
    );
    screen.getByTestId('scope').focus();
    await user.keyboard('s');
    expect(added.s).toHaveBeenCalledTimes(1);
    rerender(<KeyScope keys={{}} tabIndex={-1} data-testid="scope" />);
    await user.keyboard('s');
    expect(added.s).toHaveBeenCalledTimes(1);
  });

  it('takes keys pressed with nothing focused when it is the page’s part, and no others from outside', async () => {
    const user = userEvent.setup();
    const keys = { j: vi.fn() };
    render(
      <>
        <ul role="listbox" tabIndex={-1} aria-label="Connections" />
        <KeyScope keys={keys} page />
      </>,
    );
    await user.keyboard('j');
    expect(keys.j).toHaveBeenCalledTimes(1);
    screen.getByRole('listbox').focus();
    await user.keyboard('j');
    expect(keys.j).toHaveBeenCalledTimes(1);
  });
});

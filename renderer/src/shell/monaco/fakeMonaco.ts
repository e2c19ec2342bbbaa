import { vi } from 'vitest';
import type { Monaco } from './loadMonaco';

/** One editor the fake created: its options, and its text as it is now. */
export interface FakeEditor {
  host: HTMLElement;
  options: Record<string, unknown>;
  value(): string;
  setValue: ReturnType<typeof vi.fn>;
  dispose: ReturnType<typeof vi.fn>;
}

/**
 * A stand-in for Monaco in jsdom, which cannot run it: `editor.create` puts the
 * text into the host element and records the options. Use it by mocking the
 * loader: `vi.mock('…/shell/monaco/loadMonaco', () => ({ loadMonaco: () => Promise.resolve(fake.monaco) }))`.
 */
export function createFakeMonaco() {
  const editors: FakeEditor[] = [];
  const editor = {
    create: vi.fn((host: HTMLElement, options: Record<string, unknown>) => {
      let text = String(options.value ?? '');
      host.textContent = text;
      const setValue = vi.fn((next: string) => {
        text = next;
        host.textContent = next;
      });
      const dispose = vi.fn();
      editors.push({ host, options, value: () => text, setValue, dispose });
      return {
        getValue: () => text,
        setValue,
        getScrollTop: () => 0,
        setScrollTop: () => undefined,
        layout: () => undefined,
        updateOptions: (changed: Record<string, unknown>) => void Object.assign(options, changed),
        getModel: () => ({ dispose: () => undefined }),
        dispose,
      };
    }),
    defineTheme: vi.fn(),
    setTheme: vi.fn(),
    setModelLanguage: vi.fn(),
  };
  return { monaco: { editor } as unknown as Monaco, editor, editors };
}

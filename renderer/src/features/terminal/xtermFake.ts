/**
 * Stand-ins for @xterm/xterm and its addons in DOM tests, where jsdom cannot
 * lay a terminal out: `vi.mock('@xterm/xterm', () => import('./xtermFake'))`.
 * They record what the view does and let a test type, resize and finish writes.
 */
type Listener<T> = (value: T) => void;

function emitter<T>() {
  const listeners = new Set<Listener<T>>();
  return {
    on: (fn: Listener<T>) => {
      listeners.add(fn);
      return { dispose: () => void listeners.delete(fn) };
    },
    fire: (value: T) => listeners.forEach((fn) => fn(value)),
  };
}

export class Terminal {
  /** Every terminal made, newest last. */
  static instances: Terminal[] = [];
  /** False: writes wait for {@link Terminal.finishWrites}, as a busy renderer's would. */
  static writesFinish = true;
  cols = 100;
  rows = 30;
  options: Record<string, unknown>;
  unicode = { activeVersion: '6' };
  addons: unknown[] = [];
  /** What was written, with "<reset>" where the screen was reset. */
  written: string[] = [];
  pendingWrites: (() => void)[] = [];
  element: HTMLElement | undefined;
  disposed = false;
  focused = 0;
  selection = '';
  keyHandler: ((e: KeyboardEvent) => boolean) | undefined;
  private data = emitter<string>();
  private resized = emitter<{ cols: number; rows: number }>();

  constructor(options: Record<string, unknown> = {}) {
    this.options = { ...options };
    Terminal.instances.push(this);
  }
  loadAddon(addon: unknown) {
    this.addons.push(addon);
  }
  open(el: HTMLElement) {
    this.element = el;
  }
  write(data: string, done?: () => void) {
    this.written.push(data);
    if (Terminal.writesFinish) done?.();
    else if (done) this.pendingWrites.push(done);
  }
  finishWrites() {
    for (const done of this.pendingWrites.splice(0)) done();
  }
  reset() {
    this.written.push('<reset>');
  }
  onData = (fn: Listener<string>) => this.data.on(fn);
  onResize = (fn: Listener<{ cols: number; rows: number }>) => this.resized.on(fn);
  attachCustomKeyEventHandler(fn: (e: KeyboardEvent) => boolean) {
    this.keyHandler = fn;
  }
  hasSelection = () => this.selection !== '';
  getSelection = () => this.selection;
  focus() {
    this.focused++;
  }
  dispose() {
    this.disposed = true;
  }
  /** As if the user typed or pasted `text`. */
  type(text: string) {
    this.data.fire(text);
  }
  /** As if the fit addon sized the grid anew. */
  resize(cols: number, rows: number) {
    this.cols = cols;
    this.rows = rows;
    this.resized.fire({ cols, rows });
  }
  /** The web-links addon's handler. */
  linkHandler() {
    return this.addons.find((a): a is WebLinksAddon => a instanceof WebLinksAddon)?.handler;
  }
  search() {
    return this.addons.find((a): a is SearchAddon => a instanceof SearchAddon);
  }
}

class Addon {
  activate() {}
  dispose() {}
}

export class FitAddon extends Addon {
  fits = 0;
  fit() {
    this.fits++;
  }
}

export class SearchAddon extends Addon {
  found: string[] = [];
  findNext(text: string) {
    this.found.push(text);
    return text !== 'absent';
  }
  findPrevious(text: string) {
    return this.findNext(text);
  }
  clearDecorations() {}
}

export class WebLinksAddon extends Addon {
  constructor(readonly handler?: (event: MouseEvent, uri: string) => void) {
    super();
  }
}

export class Unicode11Addon extends Addon {}

import type { AppCommandId } from '../../shared/appCommands';
import type { HostMessage, ServicesConfig, ServicesMessage } from '../services/process/protocol';
import type { SessionInfo, SessionPort } from '../services/rpc/sessionServer';
import type { SessionFrame } from '../services/rpc/streamHub';

/**
 * V8 options of the services process, whichever host starts it. It relays
 * 10 MiB frames, parses 10k-pod lists and keeps queued kubeconfig texts; with
 * V8's defaults (sized for throughput) its heap grew to ~200 MB of which most
 * was garbage awaiting collection. A small young generation and slower heap
 * growth collect it sooner: peak RSS under bench/responsiveness's load fell
 * ~70 MB, with no slower list, log or preview there.
 */
export const SERVICES_V8_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=20'];

/** The services process as its host drives it: a forked child in browser mode, a utilityProcess in Electron. */
export interface ServicesChild {
  /** `transfer` carries a MessagePort (Electron). */
  send(msg: HostMessage, transfer?: unknown[]): void;
  onMessage(listener: (msg: ServicesMessage) => void): void;
  /** The process ended, for whatever reason. */
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
  readonly pid?: number;
}

export interface ServicesHostOptions {
  spawn(): ServicesChild;
  config: ServicesConfig;
  /** Host-side notes (start, crash, restart); never carries a frame's content. */
  log(message: string, fields?: Record<string, unknown>): void;
  /** The native file picker, where the host has one; a folder picker when `folder`. */
  chooseFile?(title: string, folder: boolean): Promise<string | undefined>;
  /** Shows an OS notification, where the host can; `title` and `body` are plain text, checked and capped. */
  notify?(title: string, body: string): void;
  /** Prints a self-contained HTML report (no script) to a PDF file the person picks; resolves with its path, or none when they cancelled. */
  savePdf?(html: string, fileName: string): Promise<string | undefined>;
  /** Waits before each restart after a crash; the count resets once the process has run for a minute. */
  restartDelaysMs?: number[];
  /** The services keep failing and will not be restarted again: tell the person (`message` is for them). */
  onGiveUp?(message: string): void;
}

/** A session whose frames the host carries (browser mode). */
interface RelayedSession {
  info: SessionInfo;
  port: SessionPort;
}

const STABLE_AFTER_MS = 60_000;
/** Messages held for a services process that is (re)starting, before the sessions that sent them are closed. */
const MAX_QUEUED = 10_000;
/** A notification's text beyond these is cut: the OS shows little more anyway. */
const NOTE_TITLE_MAX = 200;
const NOTE_BODY_MAX = 1_000;
/** The largest report the host prints (Chromium loads it as a base64 data: URL, refused past 2 MiB); a drill's report with a long timeline is tens of KB. */
const PDF_HTML_MAX = 1.5 * 1024 * 1024;
/** At most this many OS notifications in {@link NOTE_WINDOW_MS}: a burst of trips must not bury the desktop; the toasts and the tray keep them all. */
const NOTES_PER_WINDOW = 5;
const NOTE_WINDOW_MS = 60_000;

/** `text` cut to `max` UTF-16 units without splitting a surrogate pair. */
function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/**
 * Starts the services process, relays sessions to it, and restarts it when
 * it dies: relayed sessions are closed so their UIs reconnect (and refetch
 * what they show); sessions on their own ports are told to reattach through
 * {@link onRestart}. Holds no domain logic: frames pass through unread.
 */
export class ServicesHost {
  private child: ServicesChild | undefined;
  private ready = false;
  private closing = false;
  private readonly queue: { msg: HostMessage; transfer?: unknown[] }[] = [];
  private readonly relayed = new Map<string, RelayedSession>();
  private readonly restartListeners = new Set<() => void>();
  private crashes = 0;
  private startedAt = 0;
  private firstStart: { resolve: () => void; reject: (err: Error) => void } | undefined;
  private lastFailure: string | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: ServicesHostOptions) {}

  /** Starts the services; resolves once they are ready, rejects with their reason if they cannot start. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.firstStart = { resolve, reject };
      this.spawn();
    });
  }

  /** Process id of the services now (tests, benchmarks). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** A relayed session opens: its frames go through {@link receive}, and the services' come back on `port`. */
  open(session: string, info: SessionInfo, port: SessionPort): void {
    this.relayed.set(session, { info, port });
    this.post({ t: 'open', session, info });
  }

  /** A session whose frames travel on a MessagePort of its own, handed to the services (Electron). */
  openOnPort(session: string, info: SessionInfo, messagePort: unknown): void {
    this.post({ t: 'open', session, info }, [messagePort]);
  }

  receive(session: string, frame: SessionFrame): void {
    if (this.relayed.has(session)) this.post({ t: 'frame', session, frame });
  }

  end(session: string): void {
    this.relayed.delete(session);
    this.post({ t: 'end', session });
  }

  /** The menu asked the UI for something. */
  command(command: AppCommandId): void {
    this.post({ t: 'command', command });
  }

  /** Called after the services restarted, for sessions on their own ports to reattach. */
  onRestart(listener: () => void): () => void {
    this.restartListeners.add(listener);
    return () => this.restartListeners.delete(listener);
  }

  /** Closes the services (their areas and the data file), killing them if they don't exit within `graceMs`. */
  async close(graceMs = 3_000): Promise<void> {
    this.closing = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve();
      }, graceMs);
      child.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      child.send({ t: 'shutdown' });
    });
  }

  private spawn(): void {
    this.ready = false;
    const child = this.options.spawn();
    this.child = child;
    this.startedAt = Date.now();
    child.onMessage((msg) => this.fromServices(child, msg));
    child.onExit((code) => this.exited(child, code));
    child.send({ t: 'init', config: this.options.config });
  }

  private fromServices(child: ServicesChild, msg: ServicesMessage): void {
    if (child !== this.child) return;
    switch (msg.t) {
      case 'ready': {
        this.ready = true;
        for (const { msg: queued, transfer } of this.queue.splice(0)) child.send(queued, transfer);
        const first = this.firstStart;
        this.firstStart = undefined;
        if (first) first.resolve();
        else for (const listener of this.restartListeners) listener();
        return;
      }
      case 'failed':
        this.options.log('the services process could not start', { reason: msg.message });
        this.lastFailure = msg.message;
        // At launch the reason goes to whoever started Pilothouse; a restart that fails is retried like a crash.
        if (this.firstStart) {
          this.firstStart.reject(new Error(msg.message));
          this.firstStart = undefined;
          this.closing = true;
        }
        return;
      case 'frame':
        return this.relayed.get(msg.session)?.port.send(msg.frame);
      case 'close': {
        const session = this.relayed.get(msg.session);
        this.relayed.delete(msg.session);
        return session?.port.close(msg.code, msg.reason);
      }
      case 'chooseFile': {
        const answer = (value?: string) => child.send({ t: 'reply', id: msg.id, ...(value ? { value } : {}) });
        if (!this.options.chooseFile) return answer();
        this.options.chooseFile(msg.title, msg.folder === true).then(answer, () => answer());
        return;
      }
      case 'savePdf': {
        const answer = (reply: { value?: string; error?: string }) => child.send({ t: 'reply', id: msg.id, ...reply });
        // Checked like any message: two strings, the report capped, the suggested name a plain file name.
        const { html, fileName } = msg;
        if (!this.options.savePdf || typeof html !== 'string' || typeof fileName !== 'string' || !/^[\w.-]{1,120}\.pdf$/.test(fileName)) {
          return answer({ error: 'This report cannot be saved as PDF here' });
        }
        if (html.length > PDF_HTML_MAX) return answer({ error: 'The report is too large to print as PDF; export it as HTML and print that from a browser' });
        this.options.savePdf(html, fileName).then(
          (value) => answer(value ? { value } : {}),
          (err: unknown) => answer({ error: `The PDF could not be saved (${err instanceof Error ? err.message : 'unknown error'})` }),
        );
        return;
      }
      case 'notify':
        // Checked like any message: only two strings, capped, reach the OS.
        if (typeof msg.title !== 'string' || typeof msg.body !== 'string') return;
        if (!this.noteAllowed()) {
          this.options.log('an OS notification was dropped: too many in the last minute', { title: capText(msg.title, NOTE_TITLE_MAX) });
          return;
        }
        this.options.notify?.(capText(msg.title, NOTE_TITLE_MAX), capText(msg.body, NOTE_BODY_MAX));
        return;
    }
  }

  /** When the last notifications were shown, oldest first. */
  private readonly notesShown: number[] = [];

  private noteAllowed(now = Date.now()): boolean {
    while (this.notesShown.length && now - this.notesShown[0] >= NOTE_WINDOW_MS) this.notesShown.shift();
    if (this.notesShown.length >= NOTES_PER_WINDOW) return false;
    this.notesShown.push(now);
    return true;
  }

  private exited(child: ServicesChild, code: number | null): void {
    if (child !== this.child) return;
    this.child = undefined;
    this.ready = false;
    if (this.closing) return;
    this.options.log('the services process ended; restarting it', { code });
    // Relayed UIs reconnect (1012: service restart) and refetch; their old sessions died with the process.
    for (const session of this.relayed.values()) session.port.close(1012, 'The Pilothouse services restarted');
    this.relayed.clear();
    this.queue.length = 0;
    if (Date.now() - this.startedAt > STABLE_AFTER_MS) this.crashes = 0;
    const delays = this.options.restartDelaysMs ?? [0, 500, 1_000, 2_000, 5_000];
    if (this.crashes >= delays.length) {
      const message = `The Pilothouse services keep stopping${this.lastFailure ? `: ${this.lastFailure}` : ''}. See the log, then restart Pilothouse.`;
      this.options.log('the services process keeps failing; not restarting it again', { crashes: this.crashes });
      this.closing = true;
      this.firstStart?.reject(new Error(message));
      this.firstStart = undefined;
      this.options.onGiveUp?.(message);
      return;
    }
    this.restartTimer = setTimeout(() => this.spawn(), delays[this.crashes++]);
  }

  private post(msg: HostMessage, transfer?: unknown[]): void {
    if (this.child && this.ready) return this.child.send(msg, transfer);
    if (this.closing) return;
    this.queue.push({ msg, ...(transfer ? { transfer } : {}) });
    if (this.queue.length > MAX_QUEUED) {
      // The services are not coming back soon enough: let the UIs reconnect later rather than hold their frames.
      this.queue.length = 0;
      for (const session of this.relayed.values()) session.port.close(1013, 'The Pilothouse services are not answering; try again');
      this.relayed.clear();
    }
  }
}

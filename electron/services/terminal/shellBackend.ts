/** What a terminal session drives, whether a local pty or a container's exec. */
export interface ShellBackend {
  input(data: string): void;
  resize(cols: number, rows: number): void;
  /** Stop reading output (the window is behind); the shell's writes are held back. */
  pause(): void;
  resume(): void;
  /** Hang up: the shell ends, and `exit` or `failed` is told. */
  kill(): void;
}

/** What a backend tells its session. */
export interface ShellListener {
  /** Output, in whole UTF-8 characters. */
  data(text: string): void;
  exit(exitCode: number, signal?: string): void;
  /** It ended without an exit code (the host died, the connection dropped): why, for a person. */
  failed(message: string): void;
}

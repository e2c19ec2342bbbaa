import type { AppCommandId } from '../../../shared/appCommands';
import type { AppInfo } from '../../../shared/contract';
import type { SessionInfo } from '../rpc/sessionServer';
import type { SessionFrame } from '../rpc/streamHub';

/**
 * How the services process seals secrets: a key the host unsealed (desktop,
 * OS keychain), a key file it reads itself, or not at all this time, and why.
 */
export type SecretsConfig =
  | { kind: 'key'; key: Uint8Array; description: string }
  | { kind: 'keyFile'; file: string }
  | { kind: 'unavailable'; reason: string };

/** What the host tells the services process before anything else. */
export interface ServicesConfig {
  mode: AppInfo['mode'];
  version: string;
  dataDir: string;
  secrets: SecretsConfig;
  /** better_sqlite3.node for this runtime, when it is not the default build. */
  sqliteBinding?: string;
  /** The host can show a native file picker (desktop). */
  nativeFileDialog: boolean;
  /** The host can print an HTML report to a PDF file the person picks (desktop): the services send `savePdf` messages. */
  pdfExport?: boolean;
  /** The host shows OS notifications (desktop): the services send `notify` messages. */
  nativeNotifications?: boolean;
  /** Also log to stderr. */
  logToStderr?: boolean;
}

/** Host → services process. */
export type HostMessage =
  | { t: 'init'; config: ServicesConfig }
  /** A UI session opened; its frames arrive as `frame` messages, or on a MessagePort sent with this message (Electron). */
  | { t: 'open'; session: string; info: SessionInfo }
  | { t: 'frame'; session: string; frame: SessionFrame }
  | { t: 'end'; session: string }
  | { t: 'command'; command: AppCommandId }
  /** The answer to `chooseFile` or `savePdf`: the path, none when the person cancelled, or why it failed (a sentence for a person). */
  | { t: 'reply'; id: number; value?: string; error?: string }
  /** Close every area and exit. */
  | { t: 'shutdown' };

/** Services process → host. */
export type ServicesMessage =
  | { t: 'ready' }
  /** Start-up failed; the message is for a person. */
  | { t: 'failed'; message: string }
  | { t: 'frame'; session: string; frame: SessionFrame }
  | { t: 'close'; session: string; code: number; reason: string }
  /** The services need the host's native file picker. */
  | { t: 'chooseFile'; id: number; title: string; folder?: boolean }
  /** The services need the host to print a self-contained HTML report (no script) to a PDF file the person picks; `fileName` is the suggested name. */
  | { t: 'savePdf'; id: number; html: string; fileName: string }
  /** An OS notification for the person (a guarded rollout rolled back); plain text. */
  | { t: 'notify'; title: string; body: string };

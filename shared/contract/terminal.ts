import { z } from 'zod';
import { defineArea, Empty, method } from './area';
import { KubeName, KubeNamespace } from './kubeResources';

/** A terminal session's id, as the services name it. */
export const TerminalId = z.string().regex(/^t[0-9]{1,9}$/);

/** The terminal grid: what the shell is told on start and on every resize. */
export const TerminalSize = z.object({
  cols: z.number().int().min(2).max(1000),
  rows: z.number().int().min(1).max(500),
});
export type TerminalSize = z.infer<typeof TerminalSize>;

/** An absolute path the user typed (a shell, a working directory); no NUL, bounded. */
const UserPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'must be an absolute path')
  .refine((p) => !p.includes('\0'), 'must not contain a NUL character');

/**
 * What a terminal runs. `local`: the user's shell on this machine, bound to a
 * connection when one is given (KUBECONFIG to a private file holding just that
 * context, or the AWS profile's variables). `exec`: a shell in a container,
 * through the pod's exec subresource; `command` absent picks one as kubectl
 * users do (bash when the image has it, else /bin/sh).
 */
/** Whether a terminal can be bound to a connection of this kind: a cluster (KUBECONFIG) or an AWS account (its variables); a Prometheus endpoint gives a shell nothing. */
export const bindsTerminal = (kind: string): boolean => kind === 'kubernetes' || kind === 'aws';

export const TerminalTarget = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('local'),
      connectionId: z.string().min(1).max(64).optional(),
      /** The shell to start; the saved setting, else `$SHELL`, else /bin/sh. */
      shell: UserPath.optional(),
      /** Where it starts; the saved setting, else the home directory. */
      cwd: UserPath.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('exec'),
      connectionId: z.string().min(1).max(64),
      namespace: KubeNamespace,
      pod: KubeName,
      container: z.string().min(1).max(63),
      command: z.array(z.string().min(1).max(4096)).min(1).max(64).optional(),
    })
    .strict(),
]);
export type TerminalTarget = z.infer<typeof TerminalTarget>;

/** One terminal session, as every window lists it. */
export const TerminalSession = z.object({
  id: TerminalId,
  kind: z.enum(['local', 'exec']),
  /** For the tab: "zsh", "payments-7d9f/app". */
  title: z.string(),
  connectionId: z.string().optional(),
  connectionName: z.string().optional(),
  /** Exec sessions: where the shell runs. */
  container: z.object({ namespace: z.string(), pod: z.string(), container: z.string() }).optional(),
  state: z.enum(['starting', 'running', 'exited', 'failed']),
  /** How the shell ended: its exit code, or the signal that ended it. */
  exitCode: z.number().int().optional(),
  signal: z.string().optional(),
  /** Why it could not start, or why it failed, for a person. */
  error: z.string().optional(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  /** A window reads its output now. */
  attached: z.boolean(),
  size: TerminalSize,
});
export type TerminalSession = z.infer<typeof TerminalSession>;

/**
 * One message of a terminal's output stream (`terminal.output`, private to
 * the window that attached). `replay` comes first, once: the session's recent
 * output, for a window that (re)attaches. `data` is output as it comes, in
 * whole UTF-8 characters. `exit` comes last, when the shell has ended.
 */
export const TerminalOutput = z.discriminatedUnion('t', [
  z.object({ t: z.literal('replay'), data: z.string() }),
  z.object({ t: z.literal('data'), data: z.string() }),
  z.object({ t: z.literal('exit'), session: TerminalSession }),
]);
export type TerminalOutput = z.infer<typeof TerminalOutput>;

/** Terminal preferences, kept in the data file. */
export const TerminalSettings = z.object({
  /** The shell new local terminals start; absent: `$SHELL`, else /bin/sh. */
  shell: UserPath.optional(),
  /** Where new local terminals start; absent: the home directory. */
  cwd: UserPath.optional(),
  fontSize: z.number().int().min(8).max(32).default(13),
  /** Lines kept above the screen in each terminal. */
  scrollback: z.number().int().min(100).max(100_000).default(5000),
});
export type TerminalSettings = z.infer<typeof TerminalSettings>;

/** The settings with what the services resolved for absent ones, for display. */
export const TerminalSettingsView = z.object({
  settings: TerminalSettings,
  /** The shell a local terminal would start now. */
  defaultShell: z.string(),
});

const ById = z.object({ id: TerminalId }).strict();

/** The terminal area: shells bound to a connection, shells in containers, their output as private streams. */
export const terminalContract = defineArea('terminal', {
  methods: {
    /** Starts a session; a local one runs in the pty host process, an exec one through the apiserver. Exec sessions are audited. */
    'terminal.open': method(z.object({ target: TerminalTarget, size: TerminalSize }).strict(), TerminalSession),
    /**
     * Reads a session's output in this window: opens a `terminal.output`
     * stream that starts with the recent output. A window that attached
     * before stops reading it (its stream ends).
     */
    'terminal.attach': method(ById, z.object({ stream: z.string(), session: TerminalSession })),
    /** Keystrokes and pasted text for the shell. */
    'terminal.input': method(z.object({ id: TerminalId, data: z.string().min(1).max(65_536) }).strict(), z.object({})),
    'terminal.resize': method(z.object({ id: TerminalId, size: TerminalSize }).strict(), z.object({})),
    /**
     * Types a command into the session and runs it, audited with where it
     * came from (a runbook's code block). The UI confirms first.
     */
    'terminal.run': method(
      z
        .object({
          id: TerminalId,
          command: z.string().min(1).max(65_536),
          runbook: z.object({ id: z.string().max(64), title: z.string().max(300) }).strict().optional(),
        })
        .strict(),
      z.object({}),
    ),
    /** Ends the session (the shell is hung up on) and forgets it. */
    'terminal.close': method(ById, z.object({})),
    'terminal.list': method(Empty, z.array(TerminalSession)),
    'terminal.settings': method(Empty, TerminalSettingsView),
    'terminal.saveSettings': method(TerminalSettings.strict(), TerminalSettingsView),
  },
  events: {
    /** Sessions started, ended, were attached or closed. */
    'terminal.changed': z.object({ sessions: z.array(TerminalSession) }),
  },
  streams: {
    'terminal.output': TerminalOutput,
  },
});

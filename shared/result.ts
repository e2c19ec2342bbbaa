import { z } from 'zod';

/**
 * Error codes a person can act on. Each has a matching fix suggested by the UI
 * (see renderer/src/shell/errorActions.ts).
 */
export const errorCodes = [
  'VALIDATION',
  'NOT_FOUND',
  'NAME_CONFLICT',
  'CONFLICT',
  'FILE_TOO_LARGE',
  'NOT_TEXT',
  'FILE_UNREADABLE',
  'YAML_INVALID',
  'KUBECONFIG_INVALID',
  'AWS_CONFIG_INVALID',
  'NOTHING_TO_IMPORT',
  'UNREACHABLE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'TLS',
  'TIMEOUT',
  'UNSUPPORTED',
  'SECRETS_UNAVAILABLE',
  /** A backup archive does not match what was written: a file changed, missing or added, or a path that leaves it. */
  'ARCHIVE_INVALID',
  /** A drill ran to its end and failed: a check failed, or its RTO or RPO missed its target. */
  'DRILL_FAILED',
  /** Too much of this work is in hand already (e.g. files being read); try again when it finishes. */
  'BUSY',
  'INTERNAL',
] as const;

/** A machine-readable error code. */
export const ErrorCode = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** An error as it crosses the contract: never carries a secret. */
export const AppErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Where the problem is, for input errors: "~/.kube/config", line 14, field "users[2].user". */
  location: z
    .object({ file: z.string(), line: z.number().int().optional(), column: z.number().int().optional(), field: z.string().optional() })
    .optional(),
});
export type AppErrorShape = z.infer<typeof AppErrorShape>;

/** The outcome of every contract call. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape };

/** Schema of a {@link Result} wrapping `value`. */
export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: AppErrorShape }),
  ]);
}

/** An error thrown inside services and turned into `{ ok: false }` at the boundary. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly location?: AppErrorShape['location'],
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** The wire shape of this error. */
  toShape(): AppErrorShape {
    return { code: this.code, message: this.message, ...(this.location ? { location: this.location } : {}) };
  }
}

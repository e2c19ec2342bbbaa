import type { AppErrorShape, ErrorCode } from '../../../shared/result';
import { CallError } from '../api/client';

/** The fixes the UI can offer; each screen supplies the ones that make sense where the error happened. */
export type FixKind = 'rename' | 'retest' | 'reimport' | 'chooseFile' | 'refresh';

/** What to run for each fix, given by the code that made the failing call. */
export type FixHandlers = Partial<Record<FixKind, () => void>>;

const fixLabels: Record<FixKind, string> = {
  rename: 'Choose another name',
  retest: 'Test again',
  reimport: 'Re-import credentials',
  chooseFile: 'Choose another file',
  refresh: 'Refresh',
};

/** A short title for every error code, and the fix that addresses it, if there is one. */
export const errorAdvice: Record<ErrorCode, { title: string; fix?: FixKind }> = {
  VALIDATION: { title: 'Check what you entered' },
  NOT_FOUND: { title: 'No longer there', fix: 'refresh' },
  NAME_CONFLICT: { title: 'Name already used', fix: 'rename' },
  CONFLICT: { title: 'Changed meanwhile', fix: 'refresh' },
  FILE_TOO_LARGE: { title: 'File too large', fix: 'chooseFile' },
  NOT_TEXT: { title: 'Not a text file', fix: 'chooseFile' },
  FILE_UNREADABLE: { title: 'Cannot read the file', fix: 'chooseFile' },
  YAML_INVALID: { title: 'Invalid YAML', fix: 'chooseFile' },
  KUBECONFIG_INVALID: { title: 'Invalid kubeconfig', fix: 'chooseFile' },
  AWS_CONFIG_INVALID: { title: 'Invalid AWS config', fix: 'chooseFile' },
  NOTHING_TO_IMPORT: { title: 'Nothing to import', fix: 'chooseFile' },
  UNREACHABLE: { title: 'Cannot reach the server', fix: 'retest' },
  UNAUTHORIZED: { title: 'Credentials rejected', fix: 'reimport' },
  FORBIDDEN: { title: 'Not permitted' },
  TLS: { title: 'TLS verification failed', fix: 'reimport' },
  TIMEOUT: { title: 'Timed out', fix: 'retest' },
  UNSUPPORTED: { title: 'Not supported here' },
  SECRETS_UNAVAILABLE: { title: 'Secret storage unavailable' },
  ARCHIVE_INVALID: { title: 'The backup archive was changed or damaged' },
  DRILL_FAILED: { title: 'The drill failed' },
  BUSY: { title: 'Busy: try again shortly' },
  INTERNAL: { title: 'Something went wrong' },
};

/** An error ready to show: title, message, where in the input, and the fix button if one applies. */
export interface ErrorView {
  code: ErrorCode;
  title: string;
  message: string;
  location?: string;
  action?: { label: string; run: () => void };
}

/** "~/.kube/config, line 14, field users[2].user". */
export function formatLocation(location: NonNullable<AppErrorShape['location']>): string {
  return [location.file, location.line !== undefined && `line ${location.line}`, location.field && `field ${location.field}`].filter(Boolean).join(', ');
}

/** The contract error inside a failure; anything else is a bug in the UI, shown as INTERNAL. */
export function toErrorShape(err: unknown): AppErrorShape {
  if (err instanceof CallError) return err.error;
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

/** Turns a failure into what the user sees, offering the fix only when the caller can perform it. */
export function describeError(err: unknown, fixes: FixHandlers = {}): ErrorView {
  const shape = toErrorShape(err);
  const advice = errorAdvice[shape.code];
  const run = advice.fix && fixes[advice.fix];
  return {
    code: shape.code,
    title: advice.title,
    message: shape.message,
    ...(shape.location ? { location: formatLocation(shape.location) } : {}),
    ...(advice.fix && run ? { action: { label: fixLabels[advice.fix], run } } : {}),
  };
}

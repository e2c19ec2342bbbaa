import { AppError, type AppErrorShape } from '../../../shared/result';

/**
 * Why a whole AWS file could not be imported. (Size, text and YAML problems
 * are raised by ../yaml/safeYaml.ts, kubeconfig shape problems through it.)
 */
export type ImportErrorCode = 'AWS_CONFIG_INVALID';

/**
 * A whole-file import failure, with a message a person can act on and, where
 * known, the file, line, column and field at fault. Messages never contain a
 * secret value (token, key, password); they name fields and lines instead.
 *
 * Extends {@link AppError} so the RPC boundary turns it into `{ ok: false }`
 * with its code and location intact.
 */
export class ImportError extends AppError {
  constructor(
    override readonly code: ImportErrorCode,
    message: string,
    override readonly location?: NonNullable<AppErrorShape['location']>,
  ) {
    super(code, message, location);
    this.name = 'ImportError';
  }
}

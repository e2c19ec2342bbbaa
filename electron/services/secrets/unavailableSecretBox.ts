import { AppError } from '../../../shared/result';
import type { SecretBox } from './secretBox';

/**
 * The secret store could not be opened this time (the OS keychain is locked
 * or was reset): the app still starts, lists and audits, and every sealing
 * or opening of a credential says why it cannot and what to do.
 */
export class UnavailableSecretBox implements SecretBox {
  readonly description: string;

  constructor(private readonly reason: string) {
    this.description = `unavailable: ${reason}`;
  }

  seal(): Buffer {
    throw new AppError('SECRETS_UNAVAILABLE', this.reason);
  }

  open(): string {
    throw new AppError('SECRETS_UNAVAILABLE', this.reason);
  }
}

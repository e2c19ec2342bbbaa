import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/result';
import { LOST_CONTACT_MS, silenceBudget } from './lostContact';

describe('following a change through a silent cluster', () => {
  it('tolerates silence until the budget is spent in a row, then says the change was applied and its outcome unknown', () => {
    let t = 0;
    const silence = silenceBudget(() => t);
    const refused = new AppError('UNREACHABLE', 'https://10.0.0.1:6443 refused the connection');
    silence.failed(refused, 'the rollback of web to revision 1', 'its rollout completed');
    t = LOST_CONTACT_MS - 1;
    silence.failed(refused, 'the rollback of web to revision 1', 'its rollout completed');
    // An answer starts the count again.
    silence.answered();
    t += LOST_CONTACT_MS - 1;
    silence.failed(new AppError('TIMEOUT', 'no answer'), 'x', 'y');
    t += LOST_CONTACT_MS;
    expect(() => silence.failed(refused, 'the rollback of web to revision 1', 'its rollout completed', 'Undo it from the audit log')).toThrow(
      'Lost contact with the cluster while following the rollout (https://10.0.0.1:6443 refused the connection): the rollback of web to revision 1 was applied; whether its rollout completed is not known. Undo it from the audit log',
    );
  });

  it('throws on at once what is not silence: a refusal, a deletion, a programming error', () => {
    const silence = silenceBudget(() => 0);
    for (const err of [new AppError('FORBIDDEN', 'no'), new AppError('NOT_FOUND', 'gone'), new TypeError('bug')]) expect(() => silence.failed(err, 'a', 'b')).toThrow(err);
  });
});

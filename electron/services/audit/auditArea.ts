import { auditContract } from '../../../shared/contract';
import { AppError, type Result } from '../../../shared/result';
import type { ServiceArea } from '../app/serviceArea';
import type { Logger } from '../logging/logger';
import type { EventHub } from '../rpc/eventHub';
import type { CallContext } from '../rpc/dispatch';
import type { Database } from '../store/database';
import { createAuditService, type AuditService } from './auditService';

export interface AuditAreaDeps {
  db: Database;
  hub: EventHub;
  log: Logger;
  /** Makes a contract call as `ctx` (the undo of an entry is one), validated like any other. */
  call(method: string, params: unknown, ctx: CallContext): Promise<Result<unknown>>;
}

/** The audit area: the log of changes and their undo. */
export function createAuditArea({ db, hub, log, call }: AuditAreaDeps): ServiceArea<typeof auditContract> & { service: AuditService } {
  const service = createAuditService(db, hub, log);
  return {
    contract: auditContract,
    service,
    handlers: {
      'audit.list': (query) => service.list(query),
      // The undo goes through the contract like any other call: validated, then audited by its own area.
      'audit.undo': ({ id }, ctx) =>
        service.undo(id, async (step) => {
          const result = await call(step.method, step.params, ctx);
          if (!result.ok) throw new AppError(result.error.code, result.error.message);
        }),
    },
    endSession: () => {},
    close: () => {},
  };
}

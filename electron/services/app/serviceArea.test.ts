import { describe, expect, it } from 'vitest';
import { appContract, auditContract, methodNames } from '../../../shared/contract';
import { createTestServices } from '../../../test/support/services';
import { combineHandlers, type ServiceArea } from './serviceArea';

const noop = { endSession: () => {}, close: () => {} };

describe('service areas', () => {
  it('combine into one handler per contract method', () => {
    const { services } = createTestServices();
    try {
      expect(Object.keys(services.handlers).sort()).toEqual([...methodNames].sort());
    } finally {
      services.close();
    }
  });

  it('refuse an area whose handlers leave out a method of its contract', () => {
    const partial = { contract: auditContract, handlers: { 'audit.list': () => ({ entries: [], hasMore: false }) }, ...noop } as unknown as ServiceArea;
    expect(() => combineHandlers([partial])).toThrow(/area "audit" does not serve its contract: missing \[audit.undo\]/);
  });

  it('refuse a handler its contract does not declare', () => {
    const extra = { contract: appContract, handlers: { 'app.info': () => ({}), 'app.shell': () => ({}) }, ...noop } as unknown as ServiceArea;
    expect(() => combineHandlers([extra])).toThrow(/not in the contract \[app.shell\]/);
  });

  it('refuse the same area listed twice', () => {
    const app = { contract: appContract, handlers: { 'app.info': () => ({}) }, ...noop } as unknown as ServiceArea;
    expect(() => combineHandlers([app, app])).toThrow(/served by two areas/);
  });
});

import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger';
import { createSpendArea } from './spendArea';
import { migratedDb, recordedCostExplorer } from './testKit';

const ungrouped = { ResultsByTime: [{ TimePeriod: { Start: '2026-11-01', End: '2026-11-02' }, Total: { UnblendedCost: { Amount: '10', Unit: 'USD' } }, Groups: [], Estimated: false }] };
const query = { connectionId: 'aws-1', start: '2026-11-01', end: '2026-11-02', granularity: 'DAILY', metric: 'UnblendedCost' } as const;

function setup() {
  const listeners = new Set<(id: string) => void>();
  const recorded = recordedCostExplorer([{ status: 200, body: ungrouped }, { status: 200, body: ungrouped }]);
  const db = migratedDb();
  const area = createSpendArea({
    db,
    connections: {
      awsAccessOf: () => ({ credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x'.repeat(40) }), region: 'us-east-1' }),
      onCredentialsGone: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    log: createLogger(),
    testing: { now: () => Date.parse('2026-12-04T12:00:00Z'), requestHandler: recorded.handler },
  });
  const cachedRows = () => (db.prepare('SELECT count(*) AS n FROM spend_cache WHERE connection_id = ?').get('aws-1') as { n: number }).n;
  return { area, listeners, recorded, cachedRows };
}

describe('spend area (review #19)', () => {
  it("drops a connection's cached costs when its credentials are replaced or it is deleted: the same id may be another account now", async () => {
    const { area, listeners, recorded, cachedRows } = setup();
    await area.service.costs(query);
    expect(cachedRows()).toBe(1);
    for (const l of listeners) l('aws-2');
    expect(cachedRows()).toBe(1);
    for (const l of listeners) l('aws-1');
    expect(cachedRows()).toBe(0);
    expect(await area.service.costs(query)).toMatchObject({ fromCache: false });
    expect(recorded.sent).toHaveLength(2);
  });

  it('stops listening and stops its requests when closed', async () => {
    const { area, listeners } = setup();
    expect(listeners.size).toBe(1);
    await area.close();
    expect(listeners.size).toBe(0);
    await expect(area.service.costs(query)).rejects.toMatchObject({ code: 'TIMEOUT' });
  });
});

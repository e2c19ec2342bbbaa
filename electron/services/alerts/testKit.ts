/**
 * Test kit: the alerts service on a data file in memory, with its sources as
 * functions a test sets (overdue drills read from a real drills store on the
 * same file), a fake clock, the audit log, and what it announced and
 * notified.
 */
import Database from 'better-sqlite3';
import type { ConnectionSummary, GpuIdle, GpuIdleReport } from '../../../shared/contract';
import { AlertsChanged } from '../../../shared/contract/alerts';
import { createAuditService } from '../audit/auditService';
import { createDrillStore } from '../drills/drillStore';
import { createLogger } from '../logging/logger';
import { EventHub } from '../rpc/eventHub';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import type { AlertSources } from './alertRules';
import { overdueDrillSource } from './alertSources';
import { createAlertsService, type AlertsServiceDeps } from './alertsService';

/** A data file in memory with every migration applied, as the app opens it. */
export function alertsDb(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations);
  return db;
}

/** The stored connections the rules refer to. */
export const CONNECTIONS: ConnectionSummary[] = [
  { id: 'k-prod', kind: 'kubernetes', name: 'prod' },
  { id: 'p-prod', kind: 'prometheus', name: 'prod metrics' },
  { id: 'aws-1', kind: 'aws', name: 'billing' },
] as ConnectionSummary[];

/** An idle GPU of the report, H200 priced at $10/h unless said. */
export function idleGpu(over: Partial<GpuIdle> = {}): GpuIdle {
  return {
    node: 'gpu-h200-2',
    gpu: '0',
    uuid: 'GPU-0',
    modelName: 'NVIDIA H200',
    namespace: 'team-a',
    pod: 'research-notebook-0',
    ownerKind: 'StatefulSet',
    ownerName: 'research-notebook',
    team: 'a',
    instanceType: 'p5en.48xlarge',
    avgUtilPct: 0.4,
    hourlyUsd: 10,
    costOverWindowUsd: 240,
    priceBasis: 'p5en.48xlarge',
    ...over,
  };
}

/** An idle report holding `gpus`. */
export function idleReportOf(gpus: GpuIdle[]): GpuIdleReport {
  return {
    gpus,
    suggestions: [],
    totals: { idleGpus: gpus.length, heldGpus: gpus.length, hourlyUsd: 0, costOverWindowUsd: 0, unpriced: 0 },
    window: { start: 0, end: 86_400, hours: 24 },
    thresholdPct: 10,
    podAccess: { status: 'listed' },
  };
}

const unset = (what: string) => () => Promise.reject(new Error(`the test did not set the ${what} source`));

/** The service with every source a test may replace, a clock at `clock.now`, and what it said. */
export function alertsKit(options: Partial<Pick<AlertsServiceDeps, 'ruleTimeoutMs' | 'connections' | 'firstDelayMs' | 'intervalMs'>> & { sources?: Partial<AlertSources>; db?: Database.Database } = {}) {
  const db = options.db ?? alertsDb();
  const log = createLogger();
  const audit = createAuditService(db, new EventHub(log), log);
  const clock = { now: Date.parse('2026-12-04T12:00:00Z') };
  const announced: AlertsChanged[] = [];
  const notes: { title: string; body: string }[] = [];
  const connections = options.connections ?? { list: () => CONNECTIONS };
  const drills = createDrillStore(db);
  const sources: AlertSources = { idleGpus: unset('idle GPU'), dailyCosts: unset('daily cost'), gpuNodes: unset('GPU node'), overdueDrills: overdueDrillSource(drills, connections), ...options.sources };
  const service = createAlertsService({
    db,
    // Each call reads the kit's current sources, so a test can swap one between evaluations.
    sources: {
      idleGpus: (p, s) => sources.idleGpus(p, s),
      dailyCosts: (p, s) => sources.dailyCosts(p, s),
      gpuNodes: (id, s) => sources.gpuNodes(id, s),
      overdueDrills: (id, now) => sources.overdueDrills(id, now),
    },
    audit,
    connections,
    log,
    notify: (note) => notes.push(note),
    // Every payload is checked against the contract, as the hub would.
    announce: (changed) => announced.push(AlertsChanged.parse(changed)),
    // Not by the timer unless a test says: evaluations are asked for.
    firstDelayMs: options.firstDelayMs ?? 1e9,
    now: () => clock.now,
    ...(options.ruleTimeoutMs !== undefined ? { ruleTimeoutMs: options.ruleTimeoutMs } : {}),
    ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
  });
  return { db, audit, service, clock, sources, drills, announced, notes };
}

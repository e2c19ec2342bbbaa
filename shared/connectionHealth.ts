import type { Health, HealthStatus } from './contract';

/** The health a connection shows, and whether the open views (rather than the last Test) decided it. */
export interface ShownHealth {
  status: HealthStatus;
  message?: string;
  /** Set when what the open views saw is newer than the last Test and changes what it said. */
  live?: NonNullable<Health['live']>;
}

/**
 * The health to show: the last Test's, unless the open views saw something
 * newer that contradicts it. A server that stopped answering is unreachable
 * whatever the last Test said; one that answers again (or for the first
 * time) is ok where the Test had said unreachable or nothing yet. What the
 * Test found of credentials and permissions stands: live traffic does not
 * check those.
 */
export function shownHealth(health: Health): ShownHealth {
  const { live } = health;
  const base = { status: health.status, ...(health.message ? { message: health.message } : {}) };
  if (!live || (health.checkedAt && Date.parse(live.at) < Date.parse(health.checkedAt))) return base;
  if (!live.reachable) return { status: 'unreachable', ...(live.message ? { message: live.message } : {}), live };
  if (health.status === 'unreachable' || health.status === 'unknown') return { status: 'ok', live };
  return base;
}

import { describe, expect, it } from 'vitest';
import { isBuiltinProductionLabel, isProduction, markOf, productionLabel } from './production';

describe('production connections', () => {
  it.each<Record<string, string>>([{ env: 'prod' }, { env: 'production' }, { env: 'prd' }, { environment: 'production' }, { environment: 'prod' }, { stage: 'prod' }, { stage: 'production' }, { tier: 'prod' }])('are marked by %o', (labels) => {
    expect(isProduction(labels)).toBe(true);
  });

  it('are recognised whatever the case of key and value, and named as written', () => {
    expect(productionLabel({ team: 'shop', Env: 'PROD' })).toBe('Env=PROD');
    expect(productionLabel({ ENVIRONMENT: 'Production' })).toBe('ENVIRONMENT=Production');
  });

  it('are not marked by other pairs, values or prefixed keys', () => {
    const others: Record<string, string>[] = [{}, { env: 'staging' }, { env: 'prod-like' }, { tier: 'production-ish' }, { environment: 'pre-production' }, { 'example.com/env': 'prod' }, { prod: 'env' }, { env: 'preprod' }, { stage: 'prd-canary' }, { team: 'prod' }];
    for (const labels of others) {
      expect(isProduction(labels)).toBe(false);
    }
  });

  it('are also marked by the pairs the user marked, compared without regard to case', () => {
    const marked = new Set([markOf('Cluster-Tier', 'Critical')]);
    expect(productionLabel({ 'cluster-tier': 'critical' }, marked)).toBe('cluster-tier=critical');
    expect(productionLabel({ 'CLUSTER-TIER': 'CRITICAL' }, marked)).toBe('CLUSTER-TIER=CRITICAL');
    expect(isProduction({ 'cluster-tier': 'standard' }, marked)).toBe(false);
    expect(isProduction({ 'cluster-tier': 'critical' })).toBe(false);
    expect(isBuiltinProductionLabel('Stage', 'PRD')).toBe(true);
  });
});

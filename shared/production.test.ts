import { describe, expect, it } from 'vitest';
import { isProduction, productionLabel } from './production';

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
});

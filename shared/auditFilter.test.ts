import { describe, expect, it } from 'vitest';
import { entryReferenceOf } from './auditFilter';

describe('audit filter', () => {
  it('reads "#12" as a reference to entry 12, and anything else as text', () => {
    expect(entryReferenceOf('#12')).toBe(12);
    expect(entryReferenceOf('  #7 ')).toBe(7);
    expect(entryReferenceOf('12')).toBeUndefined();
    expect(entryReferenceOf('#12 scale')).toBeUndefined();
    expect(entryReferenceOf('#')).toBeUndefined();
    expect(entryReferenceOf('#1234567890123456')).toBeUndefined();
  });
});

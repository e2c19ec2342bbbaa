import { expect, it } from 'vitest';
import { accessModesText, pvStatus, pvStorageClass } from './storage';

it("access modes in kubectl's order, whatever order the object lists them in", () => {
  expect(accessModesText(['ReadWriteMany', 'ReadWriteOncePod', 'ReadWriteOnce', 'ReadWriteOnce'])).toBe('RWO,RWX,RWOP');
  expect(accessModesText([])).toBeNull();
  expect(accessModesText()).toBeNull();
});

it('a volume being deleted is Terminating; its class comes from the field, else the old annotation', () => {
  expect(pvStatus({ metadata: { deletionTimestamp: '2026-01-10T08:00:00Z' }, status: { phase: 'Released' } })).toBe('Terminating');
  expect(pvStatus({ status: { phase: 'Bound' } })).toBe('Bound');
  expect(pvStorageClass({ spec: { storageClassName: 'gp3' } })).toBe('gp3');
  expect(pvStorageClass({ metadata: { annotations: { 'volume.beta.kubernetes.io/storage-class': 'standard' } }, spec: {} })).toBe('standard');
  expect(pvStorageClass({ spec: {} })).toBeNull();
});

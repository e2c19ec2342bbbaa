import { describe, expect, it } from 'vitest';
import { endpointsVerdict, switchPatch } from './blueGreen';

describe('switchPatch', () => {
  it('tests the Service is the one read and still picks the slot read, then replaces that slot value only', () => {
    expect(switchPatch({ metadata: { uid: 'u1' }, spec: { selector: { app: 'web', slot: 'blue' } } }, 'slot', 'blue', 'green')).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'u1' },
      { op: 'test', path: '/spec/selector/slot', value: 'blue' },
      { op: 'replace', path: '/spec/selector/slot', value: 'green' },
    ]);
  });

  it('escapes a slot key with a slash', () => {
    expect(switchPatch({ metadata: { uid: 'u1' } }, 'example.com/slot', 'a', 'b')[1]).toEqual({ op: 'test', path: '/spec/selector/example.com~1slot', value: 'a' });
  });
});

describe('endpointsVerdict', () => {
  const slotOf = new Map([
    ['blue-1', 'blue'],
    ['green-1', 'green'],
    ['green-2', 'green'],
  ]);
  const endpoint = (pod: string, ready = true) => ({ addresses: ['10.0.0.1'], conditions: { ready }, targetRef: { kind: 'Pod', name: pod } });

  it('done when every endpoint is a target pod and one is ready', () => {
    expect(endpointsVerdict([{ endpoints: [endpoint('green-1'), endpoint('green-2', false)] }], slotOf, 'green')).toEqual({ done: true, ready: 1, message: '1 ready endpoint, all pods of green' });
  });

  it('not done while an endpoint is a pod of the old slot, or of no slot', () => {
    expect(endpointsVerdict([{ endpoints: [endpoint('green-1')] }, { endpoints: [endpoint('blue-1')] }], slotOf, 'green')).toMatchObject({ done: false, message: '1 of 2 endpoints still point to pods of blue' });
    expect(endpointsVerdict([{ endpoints: [endpoint('stray')] }], slotOf, 'green')).toMatchObject({ done: false, message: '1 of 1 endpoints still point to pods of no slot' });
  });

  it('not done with no ready endpoint', () => {
    expect(endpointsVerdict([{ endpoints: null }], slotOf, 'green')).toMatchObject({ done: false, message: 'no ready endpoint yet' });
    expect(endpointsVerdict([{ endpoints: [endpoint('green-1', false)] }], slotOf, 'green')).toMatchObject({ done: false, ready: 0 });
  });
});

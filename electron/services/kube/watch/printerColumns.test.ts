import { describe, expect, it } from 'vitest';
import { evaluate, parseJsonPath, printerColumnsOf, printerColumnsShape } from './printerColumns';

const at = '2026-01-10T08:00:00Z';

describe('JSONPath subset', () => {
  const obj = {
    metadata: { labels: { 'app.kubernetes.io/name': 'trainer' } },
    spec: { containers: [{ image: 'a:1' }, { image: 'b:2' }], replicas: 3 },
    status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Synced', status: 'False' }] },
  };
  const run = (path: string) => evaluate(parseJsonPath(path)!, obj);

  it('fields, indexes and wildcards', () => {
    expect(run('.spec.replicas')).toEqual([3]);
    expect(run('.spec.containers[1].image')).toEqual(['b:2']);
    expect(run('.spec.containers[*].image')).toEqual(['a:1', 'b:2']);
    expect(run('{.spec.replicas}')).toEqual([3]);
  });

  it('filters on a field value', () => {
    expect(run('.status.conditions[?(@.type=="Ready")].status')).toEqual(['True']);
    expect(run(".status.conditions[?(@.type=='Synced')].status")).toEqual(['False']);
  });

  it('escaped dots and quoted keys', () => {
    expect(run('.metadata.labels.app\\.kubernetes\\.io/name')).toEqual(['trainer']);
    expect(run(".metadata.labels['app.kubernetes.io/name']")).toEqual(['trainer']);
  });

  it('missing values are nothing; unsupported syntax is refused', () => {
    expect(run('.status.phase')).toEqual([]);
    expect(parseJsonPath('.spec..containers')).toBeUndefined();
    expect(parseJsonPath('.items[1:3]')).toBeUndefined();
    expect(parseJsonPath('spec')).toBeUndefined();
  });
});

describe('CRD printer columns', () => {
  const crd = {
    spec: {
      versions: [
        {
          name: 'v1alpha1',
          additionalPrinterColumns: [
            { name: 'Model', type: 'string', jsonPath: '.spec.model' },
            { name: 'Detail', type: 'string', jsonPath: '.status.message', priority: 1 },
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: 'Started', type: 'date', jsonPath: '.status.startTime' },
            { name: 'Bad', type: 'string', jsonPath: '.spec.items[0:2]' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
        },
        { name: 'v1', additionalPrinterColumns: [{ name: 'Other', type: 'string', jsonPath: '.x' }] },
      ],
    },
  };

  it('takes the default (priority 0) columns of the version, without Age', () => {
    expect(printerColumnsOf(crd, 'v1alpha1').map((c) => c.name)).toEqual(['Model', 'Ready', 'Started', 'Bad']);
    expect(printerColumnsOf(crd, 'v9')).toEqual([]);
    expect(printerColumnsOf(undefined, 'v1')).toEqual([]);
  });

  it('drops columns whose path it cannot evaluate and types the rest', () => {
    const shape = printerColumnsShape(printerColumnsOf(crd, 'v1alpha1'));
    expect(shape.columns.map((c) => [c.title, c.kind])).toEqual([
      ['Model', 'text'],
      ['Ready', 'status'],
      ['Started', 'age'],
    ]);
    const obj = { spec: { model: 'llama' }, status: { startTime: at, conditions: [{ type: 'Ready', status: 'True' }] } };
    expect(shape.cells(obj)).toEqual(['llama', 'True', at]);
    expect(shape.cells({})).toEqual([null, null, null]);
  });
});

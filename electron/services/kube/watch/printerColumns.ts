/**
 * A CRD's `additionalPrinterColumns` (what `kubectl get` shows for it) as row
 * cells, with the subset of kubectl's JSONPath that CRDs use in practice:
 * `.a.b`, `[n]`, `[*]`, `['key']` and `[?(@.field=="value")]`.
 */
import type { Column } from '../../../../shared/contract';
import type { KubeObject } from '../model';
import type { CellValue } from './rowShapes';

/** One entry of a CRD version's `additionalPrinterColumns`. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  priority?: number;
}

interface CrdObject {
  spec?: { versions?: { name: string; additionalPrinterColumns?: PrinterColumn[] }[] };
}

/**
 * The columns `kubectl get` shows by default for `version` of a CRD: priority
 * 0 only, without the creation timestamp (every shape ends with Age).
 */
export function printerColumnsOf(crd: unknown, version: string): PrinterColumn[] {
  const v = (crd as CrdObject | undefined)?.spec?.versions?.find((x) => x.name === version);
  return (v?.additionalPrinterColumns ?? []).filter(
    (c) => typeof c.name === 'string' && typeof c.jsonPath === 'string' && !c.priority && c.jsonPath.trim() !== '.metadata.creationTimestamp',
  );
}

type Step = { field: string } | { index: number } | { all: true } | { where: string[]; equals: string };

/** Parses `.a.b[0].c[?(@.type=="Ready")].status`; undefined for anything outside the subset. */
export function parseJsonPath(path: string): Step[] | undefined {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1).trim();
  if (p.startsWith('$')) p = p.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < p.length) {
    if (p[i] === '.') {
      i++;
      let field = '';
      while (i < p.length && p[i] !== '.' && p[i] !== '[') {
        // `\.` keeps a dot inside a key (label keys like app\.kubernetes\.io/name).
        if (p[i] === '\\' && p[i + 1] === '.') i++;
        field += p[i++];
      }
      if (!field) return undefined;
      steps.push({ field });
    } else if (p[i] === '[') {
      const end = p.indexOf(']', i);
      if (end < 0) return undefined;
      const inner = p.slice(i + 1, end).trim();
      i = end + 1;
      const filter = /^\?\(@((?:\.[\w-]+)+)\s*==\s*(["'])(.*)\2\)$/.exec(inner);
      if (inner === '*') steps.push({ all: true });
      else if (/^\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else if (/^(["']).*\1$/.test(inner)) steps.push({ field: inner.slice(1, -1) });
      else if (filter) steps.push({ where: filter[1].slice(1).split('.'), equals: filter[3] });
      else return undefined;
    } else {
      return undefined;
    }
  }
  return steps.length ? steps : undefined;
}

function get(value: unknown, key: string | number): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[key] : undefined;
}

/** Every value `steps` reach from `root`. */
export function evaluate(steps: Step[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if ('field' in step) next.push(get(v, step.field));
      else if ('index' in step) next.push(Array.isArray(v) ? v[step.index] : undefined);
      else if (Array.isArray(v)) {
        next.push(...('all' in step ? v : v.filter((item) => String(step.where.reduce<unknown>(get, item)) === step.equals)));
      }
    }
    current = next.filter((v) => v !== undefined && v !== null);
  }
  return current;
}

function kindOf(c: PrinterColumn): Column['kind'] {
  if (c.type === 'integer' || c.type === 'number') return 'number';
  if (c.type === 'date') return 'age';
  return /^(status|phase|state|ready)$/i.test(c.name) ? 'status' : 'text';
}

function cellOf(values: unknown[], kind: Column['kind']): CellValue {
  if (!values.length) return null;
  if (kind === 'number' && values.length === 1 && typeof values[0] === 'number') return values[0];
  const text = values.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(',');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Columns and cells for the printer columns whose paths we can evaluate (others are left out). */
export function printerColumnsShape(columns: PrinterColumn[]): { columns: Column[]; cells(obj: KubeObject): CellValue[] } {
  const usable = columns.flatMap((c, i) => {
    const steps = parseJsonPath(c.jsonPath);
    return steps ? [{ column: { id: `crd${i}:${c.name}`, title: c.name, kind: kindOf(c) }, steps }] : [];
  });
  return {
    columns: usable.map((u) => u.column),
    cells: (obj) => usable.map((u) => cellOf(evaluate(u.steps, obj), u.column.kind)),
  };
}

import { z } from 'zod';

/** One request/response method: what it takes and what it answers. */
export interface MethodSpec {
  params: z.ZodType;
  result: z.ZodType;
}

/** Declares a method of an area's contract. */
export function method<P extends z.ZodType, R extends z.ZodType>(params: P, result: R) {
  return { params, result };
}

/** No params. */
export const Empty = z.object({}).strict();

/**
 * One area's part of the contract (connections, kube, audit, tasks…): its
 * methods and events, every key named `<area>.<verb>`.
 */
export interface AreaContract<N extends string = string> {
  name: N;
  methods: { [K in `${N}.${string}`]: MethodSpec };
  events: { [K in `${N}.${string}`]: z.ZodType };
}

/** Declares an area's contract; the type system holds every key to the `<area>.` prefix. */
export function defineArea<
  const N extends string,
  const M extends { [K in `${N}.${string}`]: MethodSpec },
  const E extends { [K in `${N}.${string}`]: z.ZodType } = Record<`${N}.${string}`, never>,
>(name: N, parts: { methods: M; events?: E }): { name: N; methods: M; events: E } {
  const events = (parts.events ?? {}) as E;
  for (const key of [...Object.keys(parts.methods), ...Object.keys(events)]) {
    if (!key.startsWith(`${name}.`)) throw new Error(`contract key "${key}" does not belong to area "${name}"`);
  }
  return { name, methods: parts.methods, events };
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The whole contract from its areas: one map of methods, one of events; a name used twice is an error. */
export function combineAreas<const A extends readonly AreaContract[]>(areas: A) {
  const methods: Record<string, MethodSpec> = {};
  const events: Record<string, z.ZodType> = {};
  const names = new Set<string>();
  for (const area of areas) {
    if (names.has(area.name)) throw new Error(`area "${area.name}" is listed twice`);
    names.add(area.name);
    Object.assign(methods, area.methods);
    Object.assign(events, area.events);
  }
  return {
    methods: methods as UnionToIntersection<A[number]['methods']>,
    events: events as UnionToIntersection<A[number]['events']>,
  };
}

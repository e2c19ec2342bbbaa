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
 * One area's part of the contract (connections, kube, audit, tasks…), every
 * key named `<area>.<verb>`: its methods; its events, which the hub fans out
 * to every window; and its private streams, whose messages go to the one
 * session that opened them (pod logs, terminal output).
 */
export interface AreaContract<N extends string = string> {
  name: N;
  methods: { [K in `${N}.${string}`]: MethodSpec };
  events: { [K in `${N}.${string}`]: z.ZodType };
  streams: { [K in `${N}.${string}`]: z.ZodType };
}

type Keyed<N extends string, T> = { [K in `${N}.${string}`]: T };

/** Declares an area's contract; the type system holds every key to the `<area>.` prefix. */
export function defineArea<
  const N extends string,
  const M extends Keyed<N, MethodSpec>,
  const E extends Keyed<N, z.ZodType> = Record<`${N}.${string}`, never>,
  const S extends Keyed<N, z.ZodType> = Record<`${N}.${string}`, never>,
>(name: N, parts: { methods: M; events?: E; streams?: S }): { name: N; methods: M; events: E; streams: S } {
  const events = (parts.events ?? {}) as E;
  const streams = (parts.streams ?? {}) as S;
  for (const key of [...Object.keys(parts.methods), ...Object.keys(events), ...Object.keys(streams)]) {
    if (!key.startsWith(`${name}.`)) throw new Error(`contract key "${key}" does not belong to area "${name}"`);
  }
  return { name, methods: parts.methods, events, streams };
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The whole contract from its areas: one map each of methods, events and streams; an area listed twice is an error. */
export function combineAreas<const A extends readonly AreaContract[]>(areas: A) {
  const methods: Record<string, MethodSpec> = {};
  const events: Record<string, z.ZodType> = {};
  const streams: Record<string, z.ZodType> = {};
  const names = new Set<string>();
  for (const area of areas) {
    if (names.has(area.name)) throw new Error(`area "${area.name}" is listed twice`);
    names.add(area.name);
    Object.assign(methods, area.methods);
    Object.assign(events, area.events);
    Object.assign(streams, area.streams);
  }
  return {
    methods: methods as UnionToIntersection<A[number]['methods']>,
    events: events as UnionToIntersection<A[number]['events']>,
    streams: streams as UnionToIntersection<A[number]['streams']>,
  };
}

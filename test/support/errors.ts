import { expect } from 'vitest';

/** What `fn` throws, checked to be an instance of `type` (AppError, ImportError…); fails when it throws nothing. */
export function thrownBy<E extends Error>(type: abstract new (...args: never[]) => E, fn: () => unknown): E {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(type);
    return err as E;
  }
  throw new Error(`expected ${type.name} to be thrown`);
}

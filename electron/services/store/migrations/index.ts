import { migration001 } from './001_initial';
import type { Migration } from './types';

/** Every migration, in order. Append; never edit one that has shipped. */
export const migrations: Migration[] = [migration001];

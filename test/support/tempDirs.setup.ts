import { afterAll } from 'vitest';
import { removeMadeTempDirs } from './tempDirs';

// Each test file's temp dirs go with it.
afterAll(removeMadeTempDirs);

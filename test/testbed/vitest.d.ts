import type { TestbedInfo } from './index';

declare module 'vitest' {
  /** What test/testbed/globalSetup.ts provides: `inject('testbed')`. */
  export interface ProvidedContext {
    testbed: TestbedInfo;
  }
}

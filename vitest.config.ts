import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/**
 * Four projects: unit tests beside the code (Node for electron/ and shared/,
 * jsdom for the renderer), integration tests against the real local test bed,
 * and end-to-end tests driving system Chromium against browser mode.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          // Under test/, `*.unit.test.ts` tests the test tooling itself, without the bed.
          include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'test/hostile/**/*.test.ts', 'test/**/*.unit.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          setupFiles: ['test/support/tempDirs.setup.ts'],
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'dom',
          environment: 'jsdom',
          include: ['renderer/**/*.test.{ts,tsx}'],
          setupFiles: ['renderer/src/test/setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          environment: 'node',
          include: ['test/integration/**/*.test.ts', 'test/testbed/**/*.test.ts', 'electron/**/*.int.test.ts'],
          exclude: ['**/*.unit.test.ts', '**/node_modules/**'],
          globalSetup: ['test/testbed/globalSetup.ts'],
          setupFiles: ['test/support/tempDirs.setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/testbed/globalSetup.ts', 'test/e2e/globalSetup.ts'],
          setupFiles: ['test/support/tempDirs.setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
          // A poll waits on a browser and a real cluster: vitest's 1 s default fails first loads on a busy 2-core machine.
          expect: { poll: { timeout: 15_000 } },
          fileParallelism: false,
          // After the other projects: end-to-end tests pause the secondary cluster's apiserver, which the integration tests use.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});

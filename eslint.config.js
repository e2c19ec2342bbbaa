import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Node-only packages: the renderer and shared/ run in a browser sandbox and must not import them. */
const nodeOnly = ['electron', 'fs', 'path', 'child_process', 'os', 'crypto', 'net', 'http', 'https', 'better-sqlite3', 'node-pty', 'ws', '@kubernetes/client-node'];
const nodeOnlyPatterns = ['node:*', '@aws-sdk/*', '**/electron/**', '@kubernetes/*'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**', 'native/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Layering (like VS Code's code-layering rule): renderer = browser, shared = common.
    files: ['renderer/**/*.{ts,tsx}', 'shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeOnly.map((name) => ({ name, message: 'renderer/ and shared/ run without Node: go through the contract.' })),
          patterns: [{ group: nodeOnlyPatterns, message: 'renderer/ and shared/ run without Node: go through the contract.' }],
        },
      ],
    },
  },
  {
    // shared/ may not reach into the renderer either: it is the common layer.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeOnly.map((name) => ({ name, message: 'shared/ is pure TypeScript.' })),
          patterns: [{ group: [...nodeOnlyPatterns, '**/renderer/**', 'react', 'zustand'], message: 'shared/ is pure TypeScript: zod and small pure libraries only.' }],
        },
      ],
    },
  },
  {
    // Services run in plain Node (browser mode, tests): Electron arrives only through adapters.
    files: ['electron/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'electron/services must run in plain Node: take an adapter from the composition root.' }],
          patterns: [{ group: ['**/electron/main/**', '**/main/*', '**/renderer/**'], message: 'Services do not depend on the shell or the UI.' }],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', '*.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
  },
);

import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // @kubernetes/client-node is bundled: as ~1,000 ESM files it took 0.6–1 s to load, blocking the services' loop, on the
      // way to a fresh launch's first rows; as one chunk it loads in ~0.25 s without blocking (bench/inspector).
      externalizeDeps: { exclude: ['@kubernetes/client-node'] },
      rollupOptions: {
        // Beside the main process: the browser-mode host, the services process both hosts start, its parse worker (kubeconfig and AWS
        // files, large Prometheus answers), its Helm release decode worker, and the pty host process that owns every local shell.
        input: {
          index: resolve('electron/main/index.ts'),
          server: resolve('electron/server/index.ts'),
          services: resolve('electron/services/process/servicesProcess.ts'),
          parseWorker: resolve('electron/services/connections/parseWorker.ts'),
          releaseWorker: resolve('electron/services/helm/releaseWorker.ts'),
          schemaWorker: resolve('electron/services/pipelines/schemas/schemaWorker.ts'),
          specParseWorker: resolve('electron/services/pipelines/specParseWorker.ts'),
          ptyHost: resolve('electron/services/terminal/ptyHost.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads can only require 'electron': bundle everything else into one CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [
      react(),
      {
        // Vite's dev server injects inline scripts for hot reload, which the CSP forbids; builds keep it.
        name: 'strip-csp-in-dev',
        apply: 'serve',
        transformIndexHtml: (html: string) => html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/, ''),
      },
    ],
    build: {
      outDir: resolve('out/renderer'),
      // electron-vite leaves output unminified by default; the UI is what every start has to parse.
      minify: true,
      rollupOptions: { input: resolve('renderer/index.html') },
    },
  },
});

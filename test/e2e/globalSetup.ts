import type { TestProject } from 'vitest/node';
import { ensureBuilt, requireChromium } from './app';

/** Builds the app once and checks for Chromium before any end-to-end test runs. */
export default function setup(_project: TestProject): void {
  requireChromium();
  ensureBuilt();
}

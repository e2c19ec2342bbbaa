/**
 * vitest globalSetup for the integration and end-to-end projects: starts the
 * test bed (or reuses a healthy one from `state.json`, which it then leaves
 * running), seeds it, provides its {@link TestbedInfo} as `inject('testbed')`,
 * and stops it after the run only if it started it.
 *
 * Several projects in one vitest process share one bed: the start and the
 * reference count live on `globalThis`, since each project may load this
 * module through its own module runner.
 */
import type { TestProject } from 'vitest/node';
import {
  checkPrerequisites,
  defaultCostAndUsageResults,
  readTestbedState,
  resetMoto,
  seedCostExplorer,
  seedTestbed,
  startTestbed,
  stopTestbed,
  type TestbedInfo,
} from './index';

interface SharedBed {
  refs: number;
  ready: Promise<{ info: TestbedInfo; startedHere: boolean }>;
}

const KEY = Symbol.for('pilothouse.testbed.shared');
const registry = globalThis as typeof globalThis & { [KEY]?: SharedBed };

async function bringUp(): Promise<{ info: TestbedInfo; startedHere: boolean }> {
  const log = (l: string) => console.log(`[testbed] ${l}`);
  const before = readTestbedState();
  const info = await startTestbed({ log });
  // A reused bed keeps its endpoints; a recreated one gets fresh ports.
  const startedHere = before?.moto.endpoint !== info.moto.endpoint;
  await seedTestbed(info.clusters.primary.kubeconfigs.admin, { log });
  await resetMoto(info.moto);
  await seedCostExplorer(info.moto, defaultCostAndUsageResults());
  return { info, startedHere };
}

/** Starts or joins the shared bed for `project` and returns the matching teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // End-to-end projects drive system Chromium; fail now rather than mid-run.
  checkPrerequisites({ chromium: project.name.includes('e2e') });
  let shared = registry[KEY];
  if (!shared) {
    shared = { refs: 0, ready: bringUp() };
    registry[KEY] = shared;
  }
  shared.refs++;
  let bed: Awaited<SharedBed['ready']>;
  try {
    bed = await shared.ready;
  } catch (e) {
    shared.refs--;
    if (shared.refs === 0) delete registry[KEY];
    throw e;
  }
  project.provide('testbed', bed.info);
  return async () => {
    shared.refs--;
    if (shared.refs > 0) return;
    delete registry[KEY];
    if (bed.startedHere) await stopTestbed();
  };
}

/**
 * The one contract between the UI and the services, put together from its
 * areas: each area's file declares its methods and events. Both transports
 * (Electron IPC and the browser-mode WebSocket) validate params on the way in
 * and results on the way out against these schemas.
 */
import type { z } from 'zod';
import { alertsContract } from './alerts';
import { appContract } from './app';
import { combineAreas } from './area';
import { auditContract } from './audit';
import { connectionsContract } from './connections';
import { drillsContract } from './drills';
import { gpuContract } from './gpu';
import { helmContract } from './helm';
import { kubeContract } from './kube';
import { pipelineRunsContract } from './pipelineRuns';
import { pipelinesContract } from './pipelines';
import { portForwardsContract } from './portForwards';
import { rolloutsContract } from './rollouts';
import { runbooksContract } from './runbooks';
import { spendContract } from './spend';
import { tasksContract } from './tasks';
import { terminalContract } from './terminal';

export * from './alerts';
export * from './app';
export * from './audit';
export * from './connections';
export * from './drills';
export * from './gpu';
export * from './helm';
export * from './kube';
export * from './kubeLogs';
export * from './kubeObjects';
export * from './kubeOverview';
export * from './kubeResources';
export * from './pipelineRuns';
export * from './pipelines';
export * from './portForwards';
export * from './rollouts';
export * from './runbooks';
export * from './spend';
export * from './tasks';
export * from './terminal';

/** Every area's contract, in the order the services build them. */
export const areaContracts = [appContract, connectionsContract, auditContract, kubeContract, portForwardsContract, tasksContract, rolloutsContract, helmContract, terminalContract, runbooksContract, spendContract, gpuContract, alertsContract, pipelinesContract, pipelineRunsContract, drillsContract] as const;

const contract = combineAreas(areaContracts);

/** Every request/response method: `area.verb`. */
export const methods = contract.methods;
/** Every event: the hub delivers them to every window in batches, with acknowledgement. */
export const events = contract.events;
/** Every kind of private stream: messages go to the opening session only, acknowledged by bytes. */
export const streams = contract.streams;

export type Methods = typeof methods;
export type MethodName = keyof Methods & string;
export type EventName = keyof typeof events & string;
/** What a caller passes (defaults may be omitted). */
export type ParamsIn<M extends MethodName> = z.input<Methods[M]['params']>;
/** What a handler receives (defaults applied). */
export type ParamsOf<M extends MethodName> = z.output<Methods[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;
export type StreamName = keyof typeof streams & string;
export type StreamPayload<S extends StreamName> = z.output<(typeof streams)[S]>;

/** Method names, in a stable order, for building typed clients. */
export const methodNames = Object.keys(methods) as MethodName[];
/** Event names, in a stable order, for building typed subscriptions. */
export const eventNames = Object.keys(events) as EventName[];

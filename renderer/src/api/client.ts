import type { PilothouseBridge } from '../../../shared/bridge';
import type { MethodName, ParamsIn, ResultOf } from '../../../shared/contract';
import type { AppErrorShape, Result } from '../../../shared/result';
import { createWebSocketBridge } from './wsBridge';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    pilothouse?: PilothouseBridge;
  }
}

let bridge: PilothouseBridge | undefined;

/** The bridge for this runtime: the preload's in the desktop app, a WebSocket in browser mode. */
export function getBridge(): PilothouseBridge {
  bridge ??= window.pilothouse ?? createWebSocketBridge();
  return bridge;
}

/** Replaces the bridge (tests). */
export function setBridge(b: PilothouseBridge): void {
  bridge = b;
}

/** A failed call, carrying the contract error for the UI to show with its fix. */
export class CallError extends Error {
  constructor(readonly error: AppErrorShape) {
    super(error.message);
  }
}

/** Calls a contract method and returns its value, or throws {@link CallError}. */
export async function call<M extends MethodName>(method: M, params: ParamsIn<M>): Promise<ResultOf<M>> {
  // Indexing the mapped type by a generic key loses the link between params and result; restore it.
  const fn = getBridge().methods[method] as unknown as (p: ParamsIn<M>) => Promise<Result<ResultOf<M>>>;
  const result = await fn(params);
  if (!result.ok) throw new CallError(result.error);
  return result.value;
}

import type { WatchState } from '../../../../shared/contract';
import type { AppErrorShape, ErrorCode } from '../../../../shared/result';
import { errorAdvice } from '../../shell/errorActions';

/** Where a table's watch stands, as the status bar says it. */
export type DisplayPhase = WatchState['phase'] | 'opening';

/** What went wrong and what the user can do about it. */
export interface WatchProblem {
  code: ErrorCode;
  title: string;
  message: string;
  /** Open the re-import dialog: the credentials were rejected. */
  reimport: boolean;
  /** Run the connection's Test: it says whether the server is reachable and who we are. */
  test: boolean;
  /** Open the watch again; not offered while the services are already retrying. */
  retry: boolean;
  /** Watch one namespace instead: listing across all of them was refused. */
  scope: boolean;
}

/** The status bar's view of a watch. */
export interface WatchStatus {
  phase: DisplayPhase;
  problem?: WatchProblem;
  /** The server went silent: the rows are as of this time (ISO). */
  staleSince?: string;
  /** When the next try starts (ISO). */
  retryAt?: string;
}

const PHASE_CODE: Partial<Record<DisplayPhase, ErrorCode>> = {
  reconnecting: 'UNREACHABLE',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  error: 'INTERNAL',
};

const CODE_PHASE: Partial<Record<ErrorCode, DisplayPhase>> = { UNAUTHORIZED: 'unauthorized', FORBIDDEN: 'forbidden' };

/** Said when the services give no message of their own. */
const FALLBACK_MESSAGE: Partial<Record<DisplayPhase, string>> = {
  reconnecting: 'Lost the connection to the API server; retrying.',
  unauthorized: 'The API server rejected the stored credentials.',
  forbidden: 'Your identity may not list this resource here.',
  error: 'The watch stopped.',
};

function problemOf(phase: DisplayPhase, code: ErrorCode, message: string | undefined, namespaced: boolean): WatchProblem {
  const { title, fix } = errorAdvice[code];
  return {
    code,
    title,
    message: message || FALLBACK_MESSAGE[phase] || title,
    reimport: fix === 'reimport',
    test: fix === 'retest' || code === 'INTERNAL',
    retry: phase !== 'reconnecting',
    scope: code === 'FORBIDDEN' && namespaced,
  };
}

/**
 * Combines the failure of `kube.watch` itself (if any) with the state carried
 * by the watch's latest event (null until the first one).
 */
export function watchStatus(state: WatchState | null, failure: AppErrorShape | null, namespaced: boolean): WatchStatus {
  if (failure) {
    const phase = CODE_PHASE[failure.code] ?? 'error';
    return { phase, problem: problemOf(phase, failure.code, failure.message, namespaced) };
  }
  if (!state) return { phase: 'opening' };
  const code = PHASE_CODE[state.phase];
  const timing = { ...(state.staleSince ? { staleSince: state.staleSince } : {}), ...(state.retryAt ? { retryAt: state.retryAt } : {}) };
  return code ? { phase: state.phase, problem: problemOf(state.phase, code, state.message, namespaced), ...timing } : { phase: state.phase, ...timing };
}

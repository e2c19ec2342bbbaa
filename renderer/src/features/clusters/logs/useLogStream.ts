import { useEffect, useState } from 'react';
import type { LogTarget } from '../../../../../shared/contract';
import type { AppErrorShape } from '../../../../../shared/result';
import { call, getBridge } from '../../../api/client';
import { subscribeStream } from '../../../api/streamSubscription';
import { toErrorShape } from '../../../shell/errorActions';
import type { LogBuffer } from './logBuffer';

/** The log to stream, and how many lines from its end to start with. */
export type LogStreamTarget = LogTarget & { tailLines: number };

/** The open stream behind a log view. */
export interface LogStream {
  /** Why `kube.openLogs` itself failed, if it did. */
  failure: AppErrorShape | null;
  /** Opens the stream again, from a clear buffer. */
  reopen(): void;
}

function closeStream(streamId: string): void {
  // Nothing to do if it fails: the stream is gone with the services, which is what we wanted.
  call('kube.closeLogs', { streamId }).catch(() => undefined);
}

/**
 * Keeps `buffer` fed with one log stream: `kube.openLogs` on mount and
 * whenever the target changes (clearing the buffer: the new stream starts
 * with its own tail), `kube.closeLogs` on leave. Only events of the current
 * stream are applied; those of a stream already closed are ignored. After
 * missed events the stream is opened again, as its lines can no longer be
 * trusted to be complete (and, in browser mode, the services may have ended it).
 */
export function useLogStream(buffer: LogBuffer, target: LogStreamTarget | null): LogStream {
  const [failure, setFailure] = useState<AppErrorShape | null>(null);
  const [generation, setGeneration] = useState(0);
  const { connectionId, namespace, pod, container, previous, timestamps, tailLines } = target ?? {};

  useEffect(() => {
    if (connectionId === undefined || namespace === undefined || pod === undefined || container === undefined) return;
    buffer.clear();
    setFailure(null);
    return subscribeStream({
      event: 'kube.logLines',
      idOf: (event) => event.streamId,
      open: () => call('kube.openLogs', { connectionId, namespace, pod, container, previous, timestamps, follow: true, tailLines }),
      idOfOpened: (result) => result.streamId,
      close: closeStream,
      apply: (event) => buffer.apply(event),
      onFailed: (err) => setFailure(toErrorShape(err)),
    });
  }, [buffer, connectionId, namespace, pod, container, previous, timestamps, tailLines, generation]);

  useEffect(() => getBridge().onResync(() => setGeneration((g) => g + 1)), []);

  return { failure, reopen: () => setGeneration((g) => g + 1) };
}

import { useEffect, useState } from 'react';
import type { LogTarget } from '../../../../../shared/contract';
import type { AppErrorShape } from '../../../../../shared/result';
import { call, getBridge } from '../../../api/client';
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

/**
 * Keeps `buffer` fed with one log stream: `kube.openLogs` on mount and
 * whenever the target changes (clearing the buffer: the new stream starts
 * with its own tail), then reads the private `kube.logs` stream it names
 * until the view leaves, which closes it. The stream is its own, apart from
 * the shared events: a window that falls behind on tables keeps its log.
 * Only a lost connection (the services restarted, the tunnel dropped) ends
 * it, and then it is opened again.
 */
export function useLogStream(buffer: LogBuffer, target: LogStreamTarget | null): LogStream {
  const [failure, setFailure] = useState<AppErrorShape | null>(null);
  const [generation, setGeneration] = useState(0);
  const { connectionId, namespace, pod, container, previous, timestamps, tailLines } = target ?? {};

  useEffect(() => {
    if (connectionId === undefined || namespace === undefined || pod === undefined || container === undefined) return;
    buffer.clear();
    setFailure(null);
    let left = false;
    let stopReading: (() => void) | undefined;
    call('kube.openLogs', { connectionId, namespace, pod, container, previous, timestamps, follow: true, tailLines }).then(
      ({ streamId }) => {
        // Reading and stopping at once closes a stream whose view has already gone.
        stopReading = getBridge().stream('kube.logs', streamId, {
          message: (lines) => buffer.apply(lines),
          end: (error) => {
            if (error?.code === 'UNREACHABLE') setGeneration((g) => g + 1);
            else if (error) buffer.apply({ lines: [], state: { phase: 'error', message: error.message } });
          },
        });
        if (left) stopReading();
      },
      (err: unknown) => {
        if (!left) setFailure(toErrorShape(err));
      },
    );
    return () => {
      left = true;
      stopReading?.();
    };
  }, [buffer, connectionId, namespace, pod, container, previous, timestamps, tailLines, generation]);

  return { failure, reopen: () => setGeneration((g) => g + 1) };
}

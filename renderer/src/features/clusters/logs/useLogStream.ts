import { useEffect, useState } from 'react';
import type { LogLinesEvent, LogTarget } from '../../../../../shared/contract';
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
    const bridge = getBridge();
    let streamId: string | undefined;
    let pending = true;
    let closed = false;
    // Events can overtake the answer of kube.openLogs; hold them until the id is known.
    const early: LogLinesEvent[] = [];
    const offLines = bridge.events['kube.logLines']((event) => {
      if (pending) early.push(event);
      else if (event.streamId === streamId) buffer.apply(event);
    });

    buffer.clear();
    setFailure(null);
    call('kube.openLogs', { connectionId, namespace, pod, container, previous, timestamps, follow: true, tailLines }).then(
      (result) => {
        pending = false;
        if (closed) return closeStream(result.streamId);
        streamId = result.streamId;
        for (const event of early.splice(0)) if (event.streamId === streamId) buffer.apply(event);
      },
      (err: unknown) => {
        pending = false;
        early.length = 0;
        if (!closed) setFailure(toErrorShape(err));
      },
    );
    return () => {
      closed = true;
      offLines();
      if (streamId !== undefined) closeStream(streamId);
    };
  }, [buffer, connectionId, namespace, pod, container, previous, timestamps, tailLines, generation]);

  useEffect(() => getBridge().onResync(() => setGeneration((g) => g + 1)), []);

  return { failure, reopen: () => setGeneration((g) => g + 1) };
}

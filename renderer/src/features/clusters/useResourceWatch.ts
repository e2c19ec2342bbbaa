import { useEffect, useRef, useState } from 'react';
import type { ResourceRef, ResultOf } from '../../../../shared/contract';
import type { AppErrorShape } from '../../../../shared/result';
import { call, getBridge } from '../../api/client';
import { subscribeStream } from '../../api/streamSubscription';
import { toErrorShape } from '../../shell/errorActions';
import type { RowStore } from './rowStore';

/** What `kube.watch` answered: the watch id, its columns and whether the resource is namespaced. */
export type OpenedWatch = ResultOf<'kube.watch'>;

/** The open watch behind a table. */
export interface ResourceWatch {
  /** The latest answer of `kube.watch`; kept while the watch re-opens, so the table keeps its columns. */
  opened: OpenedWatch | null;
  /** Why `kube.watch` itself failed, if it did. */
  failure: AppErrorShape | null;
  /** Opens the watch again (after a failure, or when asked to). */
  reopen(): void;
}

function unwatch(watchId: string): void {
  // Nothing to do if it fails: the watch is gone with the connection or the services, which is what we wanted.
  call('kube.unwatch', { watchId }).catch(() => undefined);
}

/**
 * Keeps `store` fed with one live list: `kube.watch` on mount and whenever
 * the connection, resource or namespace changes, `kube.unwatch` on leave, and
 * a fresh watch after missed events (`onResync`). Rows of the previous watch
 * stay on screen until the new one's first event replaces them.
 */
export function useResourceWatch(store: RowStore, connectionId: string, ref: ResourceRef, namespace?: string): ResourceWatch {
  const [opened, setOpened] = useState<OpenedWatch | null>(null);
  const [failure, setFailure] = useState<AppErrorShape | null>(null);
  const [generation, setGeneration] = useState(0);
  const scope = useRef(namespace);
  const { group, version, resource } = ref;

  useEffect(() => {
    if (scope.current !== namespace) {
      scope.current = namespace;
      store.clear();
    } else {
      store.reopening();
    }
    setFailure(null);
    return subscribeStream({
      event: 'kube.rows',
      idOf: (event) => event.watchId,
      open: () => call('kube.watch', { connectionId, resource: { group, version, resource }, ...(namespace ? { namespace } : {}) }),
      idOfOpened: (result) => result.watchId,
      close: unwatch,
      apply: (event) => store.apply(event),
      onOpened: (result) => setOpened(result),
      onFailed: (err) => setFailure(toErrorShape(err)),
    });
  }, [store, connectionId, group, version, resource, namespace, generation]);

  useEffect(() => getBridge().onResync(() => setGeneration((g) => g + 1)), []);

  return { opened, failure, reopen: () => setGeneration((g) => g + 1) };
}

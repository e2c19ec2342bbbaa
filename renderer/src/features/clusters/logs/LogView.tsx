import { useCallback, useEffect, useId, useImperativeHandle, useMemo, useRef, useState, useSyncExternalStore, type KeyboardEvent, type ReactElement, type Ref } from 'react';
import type { ContainerInfo } from '../../../../../shared/contract';
import type { AppErrorShape } from '../../../../../shared/result';
import { call, CallError } from '../../../api/client';
import { describeError, type ErrorView } from '../../../shell/errorActions';
import { ErrorNotice } from '../../../shell/ErrorNotice';
import { formatBytes } from '../../../shell/format';
import { isControl, KeyScope, type KeyBindings } from '../../../shell/keyScope';
import { LogLine } from './LogLine';
import { LOG_CAPACITY, LOG_MAX_CHARS, LogBuffer } from './logBuffer';
import { LINE_HEIGHT, logRows } from './logRows';
import { saveTextFile } from './saveFile';
import { useLogStream, type LogStreamTarget } from './useLogStream';
import { PROBE_CHARS, useLogViewport, useLogWindow } from './useLogWindow';
import './logs.css';

/** What the detail pane may ask of its log view. */
export interface LogViewHandle {
  /** Puts focus on the lines, where the log's keys work. */
  focusLines(): void;
}

export interface LogViewProps {
  connectionId: string;
  namespace: string;
  pod: string;
  containers: ContainerInfo[];
  ref?: Ref<LogViewHandle>;
}

/** Lines from the end of the log to start with. */
const TAIL_CHOICES = [1_000, 10_000, LOG_CAPACITY] as const;
const DEFAULT_TAIL = 10_000;

const KIND_GROUPS: { kind: ContainerInfo['kind']; label: string }[] = [
  { kind: 'init', label: 'Init containers' },
  { kind: 'main', label: 'Containers' },
  { kind: 'ephemeral', label: 'Ephemeral containers' },
];

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** The container shown first: the first main container (the app, usually), else whatever there is. */
const defaultContainer = (containers: readonly ContainerInfo[]) => containers.find((c) => c.kind === 'main') ?? containers[0];

/** "app — running · 3 restarts". */
const containerLabel = (c: ContainerInfo) => `${c.name} — ${c.state}${c.restartCount ? ` · ${plural(c.restartCount, 'restart')}` : ''}`;

/**
 * Re-renders on buffer changes at most once per animation frame: a chatty pod
 * delivers batch after batch, and drawing each would spend the frame budget
 * for nothing the eye could see. While the window is hidden nothing is drawn
 * and the bounded buffer keeps taking lines.
 */
function useFramedVersion(buffer: LogBuffer): number {
  const subscribe = useCallback(
    (notify: () => void) => {
      let frame = 0;
      const off = buffer.subscribe(() => {
        frame ||= requestAnimationFrame(() => {
          frame = 0;
          notify();
        });
      });
      return () => {
        off();
        cancelAnimationFrame(frame);
      };
    },
    [buffer],
  );
  return useSyncExternalStore(subscribe, buffer.getVersion);
}

interface DownloadState {
  busy: boolean;
  note?: string;
  error?: ErrorView;
}

/**
 * The logs of one pod, k9s-style: pick a container (or its previous
 * instance), follow the stream, search it, save it. Lines live in a bounded
 * ring outside React; only the lines in view are in the DOM.
 */
export function LogView({ connectionId, namespace, pod, containers, ref }: LogViewProps) {
  const [buffer] = useState(() => new LogBuffer());
  const version = useFramedVersion(buffer);
  const ids = useId();

  const [containerName, setContainerName] = useState(() => defaultContainer(containers)?.name);
  const container = containers.find((c) => c.name === containerName) ?? defaultContainer(containers);
  const [wantPrevious, setWantPrevious] = useState(false);
  const previous = wantPrevious && !!container?.hasPrevious;
  const [follow, setFollow] = useState(true);
  const [timestamps, setTimestamps] = useState(false);
  const [wrap, setWrap] = useState(false);
  const [tailLines, setTailLines] = useState<number>(DEFAULT_TAIL);
  const [query, setQuery] = useState('');
  const [onlyMatching, setOnlyMatching] = useState(false);
  /** Seq of the match the search is on. */
  const [currentMatch, setCurrentMatch] = useState<number | null>(null);
  const [download, setDownload] = useState<DownloadState>({ busy: false });

  const target: LogStreamTarget | null = container ? { connectionId, namespace, pod, container: container.name, previous, timestamps, tailLines } : null;
  const stream = useLogStream(buffer, target);

  const viewport = useLogViewport();
  const columns = wrap ? viewport.columns : Infinity;
  // `version` stands for the buffer's contents, which the rows are read from.
  const rows = useMemo(() => logRows(buffer, onlyMatching, columns), [buffer, version, onlyMatching, columns]);
  const win = useLogWindow(viewport, rows, follow);
  const highlight = useMemo(() => (buffer.searchPattern ? new RegExp(buffer.searchPattern.source, 'gi') : null), [buffer.searchPattern]);
  const searchRef = useRef<HTMLInputElement>(null);
  useImperativeHandle(ref, () => ({ focusLines: () => viewport.ref.current?.focus() }), [viewport.ref]);

  /** Starts the view afresh, at its bottom: for a new stream, or after Clear. */
  const restart = () => {
    setCurrentMatch(null);
    setDownload({ busy: false });
    win.toBottom();
  };
  const streamKey = target && JSON.stringify(target);
  const shownKey = useRef(streamKey);
  // Whatever changed the stream (a control here, or another pod selected in the inspector).
  useEffect(() => {
    if (shownKey.current === streamKey) return;
    shownKey.current = streamKey;
    restart();
  });

  const matchCount = buffer.matchCount;
  const currentIndex = currentMatch === null ? -1 : buffer.matchesBefore(currentMatch);
  const current = currentIndex >= 0 && currentIndex < matchCount && buffer.matchAt(currentIndex) === currentMatch ? currentIndex : -1;

  /** Goes to the next (`1`) or previous (`-1`) match: after the current one, or else from the top of the view. */
  const jump = (dir: 1 | -1) => {
    const n = buffer.matchCount;
    if (!n) return;
    let k: number;
    if (current >= 0) k = current + dir;
    else {
      const fromSeq = rows.count ? rows.seqAt(rows.indexAt(viewport.ref.current?.scrollTop ?? 0)) : buffer.next;
      k = buffer.matchesBefore(fromSeq) - (dir === 1 ? 0 : 1);
    }
    const seq = buffer.matchAt((k + n) % n);
    setCurrentMatch(seq);
    win.reveal(rows.indexOf(seq));
  };

  const toggleFollow = () => {
    setFollow(!follow);
    if (!follow) win.toBottom();
  };

  const onSearch = (text: string) => {
    setQuery(text);
    buffer.search(text);
    setCurrentMatch(null);
  };

  const onDownload = async () => {
    if (!container) return;
    setDownload({ busy: true });
    try {
      const file = await call('kube.downloadLogs', { connectionId, namespace, pod, container: container.name, previous, timestamps });
      saveTextFile(file.fileName, file.text);
      setDownload({
        busy: false,
        note: file.truncated
          ? `Saved ${file.fileName}: only the last ${formatBytes(file.bytes)}, the log is longer`
          : `Saved ${file.fileName} (${formatBytes(file.bytes)})`,
      });
    } catch (err) {
      setDownload({ busy: false, error: describeError(err) });
    }
  };

  // The log's own keys, anywhere in it but on its controls; the rest go on to the inspector around it (tab letters, actions).
  const logKeys: KeyBindings = {
    '/': () => searchRef.current?.focus(),
    n: () => jump(1),
    N: () => jump(-1),
    j: () => win.scrollBy(LINE_HEIGHT),
    ArrowDown: () => win.scrollBy(LINE_HEIGHT),
    k: () => win.scrollBy(-LINE_HEIGHT),
    ArrowUp: () => win.scrollBy(-LINE_HEIGHT),
    g: win.toTop,
    Home: win.toTop,
    G: win.toBottom,
    End: win.toBottom,
    // From the search and the options back to the lines; from the lines Esc goes on (the inspector closes the pane).
    Escape: (e) => {
      if (!isControl(e.target)) return false;
      viewport.ref.current?.focus();
    },
  };

  const onSearchKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      jump(e.shiftKey ? -1 : 1);
    }
  };

  if (!container) return <p className="muted">This pod has no containers.</p>;

  const failure = stream.failure ? describeLogFailure(stream.failure, previous, { reopen: stream.reopen, showCurrent: () => setWantPrevious(false) }) : null;
  const phase = failure ? 'error' : (buffer.state?.phase ?? 'connecting');
  const message = failure ? undefined : buffer.state?.message;
  const filtered = onlyMatching && !!buffer.searchPattern;
  const visible: ReactElement[] = [];
  for (let i = win.start; i < win.end; i++) {
    const seq = rows.seqAt(i);
    const entry = buffer.entry(seq);
    visible.push(
      <LogLine
        key={seq}
        text={entry.kind === 'line' ? entry.text : ''}
        skipped={entry.kind === 'skipped' ? entry.count : 0}
        highlight={highlight}
        timestamps={timestamps}
        current={seq === currentMatch}
        height={rows.height(i)}
      />,
    );
  }
  const previousReason = container.hasPrevious ? undefined : `${container.name} has no previous instance: it has not restarted.`;
  const logName = `Logs of ${pod}, container ${container.name}${previous ? ' (previous instance)' : ''}`;

  return (
    // Focusable, so a click anywhere in the view (its status line, say) gives it the keys.
    <KeyScope keys={logKeys} className="log-view" tabIndex={-1}>
      <div className="toolbar log-toolbar" role="group" aria-label="Log options">
        <label className="log-field">
          <span>Container</span>
          <select value={container.name} onChange={(e) => setContainerName(e.target.value)}>
            {KIND_GROUPS.map(({ kind, label }) => {
              const ofKind = containers.filter((c) => c.kind === kind);
              return (
                ofKind.length > 0 && (
                  <optgroup key={kind} label={label}>
                    {ofKind.map((c) => (
                      <option key={c.name} value={c.name}>
                        {containerLabel(c)}
                      </option>
                    ))}
                  </optgroup>
                )
              );
            })}
          </select>
        </label>
        <button
          type="button"
          aria-pressed={previous}
          disabled={!container.hasPrevious}
          title={previousReason ?? 'The logs of the instance before the last restart'}
          aria-describedby={previousReason ? `${ids}-previous` : undefined}
          onClick={() => setWantPrevious(!previous)}
        >
          Previous
        </button>
        {previousReason && (
          <span id={`${ids}-previous`} className="visually-hidden">
            {previousReason}
          </span>
        )}
        <label className="log-field">
          <span>Tail</span>
          <select value={tailLines} onChange={(e) => setTailLines(Number(e.target.value))}>
            {TAIL_CHOICES.map((n) => (
              <option key={n} value={n}>
                last {n.toLocaleString()} lines
              </option>
            ))}
          </select>
        </label>
        <span className="log-group">
          <button type="button" aria-pressed={follow} title="Keep the newest line in view" onClick={toggleFollow}>
            Follow
          </button>
          <button type="button" aria-pressed={timestamps} onClick={() => setTimestamps(!timestamps)}>
            Timestamps
          </button>
          <button type="button" aria-pressed={wrap} onClick={() => setWrap(!wrap)}>
            Wrap
          </button>
        </span>
        <span className="log-group log-search">
          <input
            ref={searchRef}
            type="search"
            className="filter"
            aria-label="Search the log"
            aria-keyshortcuts="/"
            aria-describedby={`${ids}-count`}
            placeholder="Search  /"
            spellCheck={false}
            value={query}
            onChange={(e) => onSearch(e.target.value)}
            onKeyDown={onSearchKeyDown}
          />
          <span id={`${ids}-count`} className="log-count" aria-live="polite">
            {query && (matchCount === 0 ? 'No matches' : current >= 0 ? `${(current + 1).toLocaleString()} of ${matchCount.toLocaleString()}` : plural(matchCount, 'match', 'matches'))}
          </span>
          <button type="button" aria-label="Previous match" aria-keyshortcuts="Shift+N" disabled={!matchCount} onClick={() => jump(-1)}>
            ↑
          </button>
          <button type="button" aria-label="Next match" aria-keyshortcuts="N" disabled={!matchCount} onClick={() => jump(1)}>
            ↓
          </button>
          <button type="button" aria-pressed={onlyMatching} onClick={() => setOnlyMatching(!onlyMatching)}>
            Only matching
          </button>
        </span>
        <span className="log-group">
          <button type="button" onClick={() => void onDownload()} disabled={download.busy}>
            {download.busy ? 'Downloading…' : 'Download'}
          </button>
          <button type="button" onClick={() => {
              buffer.clear(true);
              restart();
            }}>
            Clear
          </button>
        </span>
      </div>
      {download.error && <ErrorNotice error={download.error} />}

      <div className="log-frame">
        <div
          ref={viewport.ref}
          className={wrap ? 'log-scroll wrap' : 'log-scroll'}
          role="log"
          aria-label={logName}
          // The log's own announcements would read out thousands of lines: the status line below speaks for it.
          aria-live="off"
          aria-busy={phase === 'connecting'}
          aria-keyshortcuts="/ n Shift+N j k g Shift+G"
          tabIndex={0}
          onScroll={win.onScroll}
        >
          <div className="log-body" style={{ height: rows.total, minWidth: wrap ? undefined : `max(100%, ${buffer.widest}ch + 20px)` }}>
            <div style={{ transform: `translateY(${rows.top(win.start)}px)` }}>{visible}</div>
          </div>
          <span ref={viewport.probeRef} className="log-probe" aria-hidden="true">
            {'0'.repeat(PROBE_CHARS)}
          </span>
          {!rows.count && (
            <p className="log-empty muted">
              {filtered && buffer.size ? 'No lines match the search.' : phase === 'ended' ? 'The log is empty.' : phase === 'connecting' ? 'Waiting for the log…' : ''}
            </p>
          )}
        </div>
        {!win.autoScroll && win.unseen > 0 && (
          <button type="button" className="log-jump primary" onClick={win.toBottom}>
            {plural(win.unseen, 'new line')} — jump to bottom
          </button>
        )}
      </div>

      {failure ? (
        <div className="log-failure">
          <ErrorNotice error={failure} />
          {!failure.action && (
            <button type="button" onClick={stream.reopen}>
              Retry
            </button>
          )}
        </div>
      ) : (
        <LogStatus
          phase={phase}
          message={message}
          previous={previous}
          lines={buffer.size}
          shown={filtered ? rows.count : undefined}
          evicted={buffer.evicted}
          onRetry={() => {
            stream.reopen();
            restart();
          }}
        />
      )}
      {download.note && (
        <p className="log-note muted" aria-live="polite">
          {download.note}
        </p>
      )}
    </KeyScope>
  );
}

type Phase = 'connecting' | 'streaming' | 'reconnecting' | 'ended' | 'error';

interface LogStatusProps {
  phase: Phase;
  message?: string;
  previous: boolean;
  /** Entries held, and (when only matching lines are shown) how many are shown. */
  lines: number;
  shown?: number;
  evicted: number;
  onRetry(): void;
}

/**
 * Why a log could not be read. A previous instance that is gone is not "no
 * longer there" (the pod is) and asking again will not bring it back: say so,
 * and offer the current log.
 */
export function describeLogFailure(failure: AppErrorShape, previous: boolean, fixes: { reopen: () => void; showCurrent: () => void }): ErrorView {
  const view = describeError(new CallError(failure), { refresh: fixes.reopen });
  if (!previous || failure.code !== 'NOT_FOUND') return view;
  return { ...view, title: 'No previous instance', action: { label: 'Show the current log', run: fixes.showCurrent } };
}

/** Under the log: how many lines, where the stream stands, and a way to open it again once it has stopped. */
function LogStatus({ phase, message, previous, lines, shown, evicted, onRetry }: LogStatusProps) {
  const phaseText: Record<Phase, string> = {
    connecting: 'connecting…',
    streaming: previous ? 'reading' : 'streaming',
    reconnecting: 'reconnecting…',
    ended: previous ? 'end of log' : 'stream ended',
    error: 'error',
  };
  return (
    <div className={`statusbar log-status phase-${phase}`}>
      <div role="status" aria-label="Log stream" className="status-text">
        <span aria-live="off">
          {shown === undefined ? plural(lines, 'line') : `${shown.toLocaleString()} of ${plural(lines, 'line')}`}
          {evicted > 0 && ` · ${plural(evicted, 'older line')} dropped (the view keeps the last ${LOG_CAPACITY.toLocaleString()}, up to ${LOG_MAX_CHARS / 1024 / 1024} Mi characters; Download saves the whole log)`}
        </span>
        {' · '}
        <span className="status-phase">{phaseText[phase]}</span>
        {message && <span className="status-problem"> · {message}</span>}
      </div>
      {(phase === 'ended' || phase === 'error') && (
        <div className="status-actions">
          <button type="button" onClick={onRetry}>
            {phase === 'error' ? 'Retry' : 'Reopen'}
          </button>
        </div>
      )}
    </div>
  );
}

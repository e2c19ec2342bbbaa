import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import type { LogLines, ParamsOf, ResultOf } from '../../../../shared/contract';
import { AppError } from '../../../../shared/result';
import type { Logger } from '../../logging/logger';
import type { PrivateStream, StreamHub } from '../../rpc/streamHub';
import type { KubeAccess } from '../client/kubeAccess';
import { kubeStatusError } from '../client/kubeErrors';
import { kubeRequest, kubeStream, type KubeResponse, type KubeStreamControl } from '../client/kubeHttp';
import { backoffDelay } from '../watch/listWatch';
import { LogFlow, LogPacer, type LogFlowOptions, type LogFlowStats } from './podLogFlow';
import { LogResume, sinceTimeOf, splitTimestamp } from './podLogLines';
import { LogTail } from './podLogTail';

/** Log streams and downloads for the UI: `kube.openLogs` with its private `kube.logs` stream, and `kube.downloadLogs`. */
export interface PodLogs {
  /**
   * Starts a stream to `session`; its lines go out on a private `kube.logs`
   * stream, closed when the session closes it or ends. Resolves when the
   * server answers, or has not refused within {@link PodLogsOptions.openGraceMs};
   * fails as the server refuses (NOT_FOUND, FORBIDDEN, no previous instance…).
   */
  open(params: ParamsOf<'kube.openLogs'>, session: string): Promise<{ streamId: string }>;
  /** The whole log (not followed), its last {@link PodLogsOptions.downloadLimitBytes} when longer. */
  download(target: ParamsOf<'kube.downloadLogs'>): Promise<ResultOf<'kube.downloadLogs'>>;
  /** Stops every stream a UI session opened: its window closed or reloaded. */
  endSession(session: string): void;
  /** Stops every stream (shutdown). */
  closeAll(): void;
  /** Figures of an open stream, for diagnostics and tests. */
  stats(session: string, streamId: string): LogStreamStats | undefined;
}

/** How a stream is doing: its flow, and how often the log was asked for (once, plus every resume). */
export interface LogStreamStats extends LogFlowStats {
  requests: number;
  phase: LogState['phase'];
}

export interface PodLogsDeps {
  access: KubeAccess;
  streams: Pick<StreamHub, 'open'>;
  log: Logger;
}

/** Tuning of {@link createPodLogs}; see {@link LogFlowOptions} for the flow. */
export interface PodLogsOptions extends Partial<LogFlowOptions> {
  /** Most lines handed over per second by all open streams together ({@link LogFlowOptions.maxLinesPerSecond} is one stream's). */
  sharedLinesPerSecond?: number;
  /** Longer lines are cut to this many characters, the cut marked. */
  maxLineLength?: number;
  /** Streams one UI session may hold open at once. */
  maxStreamsPerSession?: number;
  /** A download keeps the last this many bytes of the log. */
  downloadLimitBytes?: number;
  /** Silence after which a followed stream is reopened (a quiet pod is silent; a dead connection too). */
  idleTimeoutMs?: number;
  /** How long a silent log request may go unrefused before the stream counts as open. */
  openGraceMs?: number;
}

const DEFAULTS: Required<PodLogsOptions> = {
  flushMs: 50,
  // bench/logs: at 50k lines/s the Logs tab keeps 60 fps with no long task on 2 cores, and a burst
  // reaches the screen in ~1.7× kubectl's time; at 5k a 100k-line burst took 20 s to catch up.
  maxLinesPerSecond: 50_000,
  // One stream alone runs as fast as above; 16 open at once (a window's most) share it.
  sharedLinesPerSecond: 50_000,
  maxBufferedLines: 20_000,
  maxBufferedChars: 4 * 1024 * 1024,
  maxLineLength: 16 * 1024,
  maxStreamsPerSession: 16,
  downloadLimitBytes: 16 * 1024 * 1024,
  idleTimeoutMs: 120_000,
  openGraceMs: 1_500,
};

/** Longest kubelet timestamp and its space ("2024-05-01T10:20:30.123456789+00:00 "). */
const STAMP_ROOM = 36;

type LogTarget = ParamsOf<'kube.downloadLogs'>;
type LogState = LogLines['state'];

/** What the kubelet is asked for; timestamps always, so a stream can be resumed exactly. */
interface LogQuery {
  follow: boolean;
  tailLines?: number;
  sinceTime?: string;
}

function logPath(target: LogTarget, query: LogQuery): string {
  const params = new URLSearchParams({ container: target.container, timestamps: 'true' });
  if (query.follow) params.set('follow', 'true');
  if (target.previous) params.set('previous', 'true');
  if (query.sinceTime) params.set('sinceTime', query.sinceTime);
  else if (query.tailLines !== undefined) params.set('tailLines', String(query.tailLines));
  return `${podPath(target)}/log?${params}`;
}

function podPath(target: LogTarget): string {
  return `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}`;
}

function logLabel(target: LogTarget): string {
  return `the ${target.previous ? 'previous ' : ''}log of container ${target.container} in pod ${target.namespace}/${target.pod}`;
}

function cutMark(maxLength: number): string {
  return ` […line cut at ${maxLength >= 1024 ? `${Math.round(maxLength / 1024)} KiB` : `${maxLength} characters`}]`;
}

interface PodStatus {
  status?: {
    phase?: string;
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
    ephemeralContainerStatuses?: ContainerStatus[];
  };
}
interface ContainerStatus {
  name: string;
  lastState?: { terminated?: unknown };
}

async function readPod(kc: KubeConfig, target: LogTarget): Promise<KubeResponse<PodStatus> | undefined> {
  return kubeRequest<PodStatus>(kc, podPath(target)).catch(() => undefined);
}

/**
 * The server's refusal to show a log as an error a person can act on. Asking
 * for the previous instance of a container that has not restarted gets a
 * 400 whose wording depends on the kubelet; the pod's status tells for sure.
 */
async function refusal(kc: KubeConfig, target: LogTarget, res: KubeResponse<unknown>): Promise<AppError> {
  const said = (res.body as { message?: unknown } | undefined)?.message;
  if (target.previous && res.status === 400) {
    const pod = await readPod(kc, target);
    const s = pod?.body.status;
    const status = [...(s?.containerStatuses ?? []), ...(s?.initContainerStatuses ?? []), ...(s?.ephemeralContainerStatuses ?? [])].find((c) => c.name === target.container);
    const noPrevious = (typeof said === 'string' && /previous terminated container .* not found/i.test(said)) || (pod?.status === 200 && status && !status.lastState?.terminated);
    if (noPrevious) {
      return new AppError('NOT_FOUND', `Container ${target.container} in pod ${target.namespace}/${target.pod} has no previous instance: it has not restarted, or its old log was removed`);
    }
  }
  return kubeStatusError(`reading ${logLabel(target)}`, res.status, res.body);
}

const ok = (status: number) => status >= 200 && status <= 299;

interface StreamContext {
  access: KubeAccess;
  log: Logger;
  options: Required<PodLogsOptions>;
  /** Paces the batches of every stream, within one budget. */
  pacer: LogPacer;
  /** The stream is over (ended, failed or closed): forget it. */
  done(stream: LogStream): void;
}

/**
 * One log stream: reads the log, resumes it where it stopped when the server
 * ends or drops a followed stream, and hands lines to its {@link LogFlow}.
 */
class LogStream {
  private readonly abort = new AbortController();
  private readonly resume = new LogResume();
  private readonly flow: LogFlow;
  private readonly cut: string;
  private control: KubeStreamControl | undefined;
  private state: LogState = { phase: 'connecting' };
  /** The log is over (ended, or failed for good): its last lines are still going out. */
  private finished = false;
  private closed = false;
  /** Failed tries since new lines last arrived. */
  private failures = 0;
  private warnedDrops = false;
  private requests = 0;
  /** Rejects `start()` while the first request is pending. */
  private refuseStart: ((err: unknown) => void) | undefined;

  constructor(
    private readonly target: ParamsOf<'kube.openLogs'>,
    readonly session: string,
    private readonly out: PrivateStream<'kube.logs'>,
    private readonly ctx: StreamContext,
  ) {
    this.cut = cutMark(ctx.options.maxLineLength);
    this.flow = new LogFlow(
      ctx.options,
      {
        batch: (lines, dropped, drained) => this.publish(lines, dropped, drained),
        pause: () => this.control?.pause(),
        resume: () => this.control?.resume(),
        // Batches wait while this window is behind on this stream: the buffer fills, the read pauses and,
        // past the cap, the oldest lines are dropped (and counted). Other windows' streams are not held.
        held: () => out.paused,
      },
      ctx.pacer,
    );
    // The window closed the stream, or went away.
    out.onClose(() => this.close());
  }

  /** The stream's id in its session. */
  get id(): string {
    return this.out.id;
  }

  get stats(): LogStreamStats {
    return { ...this.flow.stats, requests: this.requests, phase: this.state.phase };
  }

  /** Resolves once the server streams the log; rejects with the server's refusal, and the stream is then over. */
  start(): Promise<void> {
    return new Promise((opened, refused) => {
      this.refuseStart = refused;
      void this.run(() => {
        this.refuseStart = undefined;
        opened();
      });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.flow.close();
    this.out.end();
    this.ctx.done(this);
    this.refuseStart?.(new AppError('NOT_FOUND', `The stream of ${logLabel(this.target)} was closed before the server answered`));
    this.refuseStart = undefined;
  }

  private get follow(): boolean {
    return this.target.follow && !this.target.previous;
  }

  private async run(opened: () => void): Promise<void> {
    let first = true;
    while (!this.closed) {
      let wait: number | undefined;
      let openedAt: number | undefined;
      let kc: KubeConfig | undefined;
      // After a failure the UI shows the wait; now the next try is under way.
      if (this.state.phase === 'reconnecting') this.setState({ phase: 'connecting' });
      try {
        kc = await this.ctx.access.config(this.target.connectionId);
        const res = await this.read(kc, () => {
          openedAt = Date.now();
          if (first) opened();
          first = false;
        });
        if (this.closed) return;
        if (first) return this.refuse(await refusal(kc, this.target, res));
        // A stream that ran a good while was no failure, even if it brought nothing new.
        if (openedAt !== undefined && Date.now() - openedAt > 10_000) this.failures = 0;
        wait = ok(res.status) ? await this.judgeEnd(kc) : this.judgeStatus(res);
      } catch (err) {
        if (this.closed) return;
        if (first) return this.refuse(err);
        wait = await this.judgeFailure(err, kc);
      }
      if (wait === undefined || this.closed) return;
      if (wait > 0) await sleep(wait, undefined, { signal: this.abort.signal }).catch(() => undefined);
    }
  }

  /**
   * One request for the log, from where the last one stopped. `onOpen` runs
   * when the server answers, or after a short wait without a refusal: the
   * apiserver sends no headers before the first byte of the log, and a
   * followed log may stay silent (`tailLines: 0`, a quiet container).
   */
  private async read(kc: KubeConfig, onOpen: () => void): Promise<KubeResponse<unknown>> {
    const since = this.resume.since;
    this.resume.resume();
    // Before any line arrived there is nothing to repeat: the first request again (an empty log, or one not yet written to).
    const query: LogQuery = { follow: this.follow, tailLines: this.target.tailLines, sinceTime: since && sinceTimeOf(since) };
    this.requests++;
    let announced = false;
    const announce = () => {
      if (announced) return;
      announced = true;
      this.setState({ phase: 'streaming' });
      onOpen();
    };
    const silence = setTimeout(announce, this.ctx.options.openGraceMs);
    try {
      return await kubeStream(kc, logPath(this.target, query), {
        signal: this.abort.signal,
        idleTimeoutMs: this.ctx.options.idleTimeoutMs,
        // Room for the timestamp: the limit is the text's.
        maxLineLength: this.ctx.options.maxLineLength + STAMP_ROOM,
        onOpen: (control) => {
          clearTimeout(silence);
          this.control = control;
          if (this.flow.paused) control.pause();
          announce();
        },
        onLine: (line, cut) => this.ingest(line, cut),
      });
    } finally {
      clearTimeout(silence);
      this.control = undefined;
    }
  }

  private ingest(line: string, cut: boolean): void {
    if (this.closed) return;
    const { time, text } = splitTimestamp(line);
    if (!this.resume.accept(time)) return;
    this.failures = 0;
    const max = this.ctx.options.maxLineLength;
    const kept = text.length > max ? text.slice(0, max) : text;
    const marked = cut || kept !== text ? kept + this.cut : kept;
    this.flow.push(this.target.timestamps ? line.slice(0, line.length - text.length) + marked : marked);
  }

  /** The server ended the body: a plain read is done; a followed log stopped (container exited, server restarted). */
  private async judgeEnd(kc: KubeConfig): Promise<number | undefined> {
    if (!this.follow) return this.finish({ phase: 'ended' });
    return this.judgePod(kc, () => this.retry('The server ended the log stream'));
  }

  /**
   * Whether the pod is still there to follow: deleted or finished ends the
   * stream; otherwise `alive` decides, and a failure to ask is retried.
   */
  private async judgePod(kc: KubeConfig, alive: () => number): Promise<number | undefined> {
    let pod: KubeResponse<PodStatus>;
    try {
      pod = await kubeRequest<PodStatus>(kc, podPath(this.target), { signal: this.abort.signal });
    } catch (err) {
      return this.closed ? undefined : this.retry(err instanceof Error ? err.message : String(err));
    }
    if (this.closed) return undefined;
    if (pod.status === 404) return this.finish({ phase: 'ended', message: 'The pod was deleted' });
    if (!ok(pod.status)) return this.judgeStatus(pod);
    const phase = pod.body.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return this.finish({ phase: 'ended', message: `The pod has finished (${phase})` });
    return alive();
  }

  /** A refusal on reopening the log (or reading its pod). */
  private judgeStatus(res: KubeResponse<unknown>): number | undefined {
    const err = kubeStatusError(`reading ${logLabel(this.target)}`, res.status, res.body);
    if (res.status === 404) return this.finish({ phase: 'ended', message: 'The pod was deleted' });
    if (res.status === 401 || res.status === 403) {
      if (res.status === 401) this.ctx.access.forget(this.target.connectionId);
      return this.finish({ phase: 'error', message: err.message });
    }
    // A restarting container is "waiting to start" for a while; the apiserver may be busy (429, 5xx).
    return this.retry(err.message);
  }

  private async judgeFailure(err: unknown, kc: KubeConfig | undefined): Promise<number | undefined> {
    const code = err instanceof AppError ? err.code : 'INTERNAL';
    const message = err instanceof Error ? err.message : String(err);
    if (code === 'NOT_FOUND') return this.finish({ phase: 'error', message: 'The connection was deleted' });
    // Silence: a quiet container, or a server that hangs. If the server still answers about the pod, reopen at once without alarming anyone.
    if (code === 'TIMEOUT' && kc) return this.judgePod(kc, () => 0);
    if (code === 'UNREACHABLE' || code === 'TIMEOUT') return this.retry(message);
    return this.finish({ phase: 'error', message });
  }

  private retry(reason: string): number {
    const wait = backoffDelay(this.failures++);
    this.setState({ phase: 'reconnecting', message: `${reason}; reconnecting in ${Math.max(1, Math.round(wait / 1000))} s` });
    return wait;
  }

  private finish(state: LogState): undefined {
    this.finished = true;
    this.setState(state);
    return undefined;
  }

  private refuse(err: unknown): void {
    const refused = this.refuseStart;
    this.refuseStart = undefined;
    this.close();
    refused?.(err);
  }

  private setState(state: LogState): void {
    if (state.phase === this.state.phase && state.message === this.state.message) return;
    if (state.phase === 'reconnecting' || state.phase === 'error') {
      const t = this.target;
      this.ctx.log.warn('log stream', { connectionId: t.connectionId, namespace: t.namespace, pod: t.pod, container: t.container, phase: state.phase, message: state.message });
    }
    this.state = state;
    this.flow.touch();
  }

  private publish(lines: string[], dropped: number, drained: boolean): void {
    if (dropped && !this.warnedDrops) {
      this.warnedDrops = true;
      this.ctx.log.warn('log stream fell behind: dropping its oldest lines', { namespace: this.target.namespace, pod: this.target.pod, container: this.target.container });
    }
    // The end is told with the last lines, not before them.
    const state: LogState = this.finished && !drained ? { phase: 'streaming' } : this.state;
    this.out.write({ lines, ...(dropped ? { dropped } : {}), state });
    if (this.finished && drained) this.close();
  }
}

/** {@link PodLogs} over the apiserver's `pods/log` subresource. */
export function createPodLogs(deps: PodLogsDeps, options: PodLogsOptions = {}): PodLogs {
  const settings: Required<PodLogsOptions> = { ...DEFAULTS, ...options };
  const streams = new Map<string, LogStream>();
  const keyOf = (session: string, id: string) => `${session}\u0000${id}`;
  const pacer = new LogPacer({ flushMs: settings.flushMs, linesPerSecond: settings.sharedLinesPerSecond });
  const ctx: StreamContext = { access: deps.access, log: deps.log, pacer, options: settings, done: (stream) => streams.delete(keyOf(stream.session, stream.id)) };

  const closeWhere = (matches: (s: LogStream) => boolean) => {
    for (const stream of [...streams.values()]) if (matches(stream)) stream.close();
  };

  return {
    async open(params, session) {
      const held = [...streams.values()].filter((s) => s.session === session).length;
      if (held >= settings.maxStreamsPerSession) {
        throw new AppError('VALIDATION', `This window already follows ${held} logs, the most it may: close one before opening another`);
      }
      const stream = new LogStream(params, session, deps.streams.open(session, 'kube.logs'), ctx);
      streams.set(keyOf(session, stream.id), stream);
      await stream.start();
      return { streamId: stream.id };
    },

    async download(target) {
      const kc = await deps.access.config(target.connectionId);
      const limit = settings.downloadLimitBytes;
      const tail = new LogTail(limit);
      const cut = cutMark(limit);
      const res = await kubeStream(kc, logPath(target, { follow: false }), {
        idleTimeoutMs: settings.idleTimeoutMs,
        // A line is never longer than what is kept of the log.
        maxLineLength: limit,
        onLine: (line, wasCut) => {
          const shown = target.timestamps ? line : splitTimestamp(line).text;
          tail.push(wasCut ? shown + cut : shown);
        },
      });
      if (!ok(res.status)) throw await refusal(kc, target, res);
      const { text, truncated } = tail.result();
      return { fileName: downloadName(target, new Date()), text, bytes: Buffer.byteLength(text), truncated };
    },

    endSession(session) {
      closeWhere((s) => s.session === session);
    },

    closeAll() {
      closeWhere(() => true);
    },

    stats(session, streamId) {
      return streams.get(keyOf(session, streamId))?.stats;
    },
  };
}

/** `<pod>_<container>[_previous]_<yyyymmdd-hhmmss>.log`, in local time. */
export function downloadName(target: LogTarget, at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${two(at.getMonth() + 1)}${two(at.getDate())}-${two(at.getHours())}${two(at.getMinutes())}${two(at.getSeconds())}`;
  return `${target.pod}_${target.container}${target.previous ? '_previous' : ''}_${stamp}.log`;
}

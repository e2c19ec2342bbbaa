import { join } from 'node:path';
import { MAX_SPEC_BYTES } from '../../../shared/contract/pipelines';
import { AppError } from '../../../shared/result';
import { megabytes } from '../../../shared/sizeLimit';
import { createLogger, type Logger } from '../logging/logger';
import { createWorkerPool, workerEntry, WorkerStopped, type WorkerPool } from '../workers/workerPool';
import { parseSpec, specFromData, type ParsedSpec, type ParsedSpecData } from './specDocuments';

/** What the spec parse worker is asked: a spec's text and its name for errors. */
export interface SpecParseJob {
  text: string;
  label: string;
}

/**
 * Specs shorter than this (UTF-16 code units, about bytes) are parsed on the
 * calling thread. Measured on a 2-core machine: 128 KB of Deployments parses
 * in ~30 ms, 256 KB in ~60 ms, while a warm worker takes ~60–120 ms to
 * answer; under this the loop can spare the parse, and a save answers sooner.
 */
export const INLINE_SPEC_CHARS = 128 * 1024;

/** Heap of the worker: a 5 MB spec (the most allowed) parses within a few hundred MB; one crafted to need more fails alone. */
const MAX_HEAP_MB = 1024;
/** Parses that may wait: saves, dry runs and applies of large specs from a few windows. */
const MAX_WAITING = 16;
/** An idle worker ends after this long, giving back what the last spec took. */
const IDLE_MS = 30_000;

/** Parses pipeline specs, large ones in a worker thread. */
export interface SpecParser {
  /**
   * {@link parseSpec}'s result, with the same documents, problems and lines;
   * a text of {@link INLINE_SPEC_CHARS} or more is parsed in the worker, and
   * its documents' `lineOf` parse their own part of the text again when first asked.
   *
   * @throws AppError as parseSpec does; BUSY when too many parses wait; INTERNAL when the worker stopped.
   */
  parse(text: string, label: string): Promise<ParsedSpec>;
  /** Workers alive, parses running and waiting. */
  stats(): { workers: number; running: number; waiting: number };
  /** Ends the worker; parses in hand fail. */
  close(): Promise<void>;
}

/** Limits of a {@link SpecParser}; the defaults suit the app, tests shrink them. */
export interface SpecParserOptions {
  idleMs?: number;
  /** Heap of the worker (default 1024 MB). */
  maxHeapMb?: number;
  /** Texts shorter than this are parsed here (default {@link INLINE_SPEC_CHARS}). */
  inlineChars?: number;
}

/** A {@link SpecParser} with one worker thread, started on the first large spec. */
export function createSpecParser(log: Logger, options: SpecParserOptions = {}): SpecParser {
  let pool: WorkerPool<SpecParseJob, ParsedSpecData> | undefined;
  const maxHeapMb = options.maxHeapMb ?? MAX_HEAP_MB;
  const poolOf = () =>
    (pool ??= createWorkerPool({
      name: 'pipeline spec parse',
      entry: workerEntry('specParseWorker', import.meta.dirname, join(import.meta.dirname, 'specParseWorker.ts')),
      // One: the machine may have two cores, and the services' loop and the UI need one.
      size: 1,
      maxWaiting: MAX_WAITING,
      idleMs: options.idleMs ?? IDLE_MS,
      maxHeapMb,
      refuse: (inHand) => new AppError('BUSY', `Pilothouse is already reading ${inHand} large pipeline specs; try again when they finish`),
      log,
    }));
  const inlineChars = options.inlineChars ?? INLINE_SPEC_CHARS;
  return {
    async parse(text, label) {
      // Past the size limit it is refused here, as parseSpec would, without a copy to the worker.
      if (text.length < inlineChars || text.length > MAX_SPEC_BYTES) return parseSpec(text, label);
      try {
        return specFromData(text, await poolOf().run({ text, label }));
      } catch (err) {
        if (!(err instanceof WorkerStopped)) throw err;
        if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          throw new AppError('FILE_TOO_LARGE', `Reading ${label} took more than ${megabytes(maxHeapMb * 1024 * 1024)} of memory, so Pilothouse stopped; split it into smaller specs`);
        }
        throw new AppError('INTERNAL', `Pilothouse could not read ${label}: its parse worker stopped (${err.message}); try again`);
      }
    },
    stats: () => pool?.stats() ?? { workers: 0, running: 0, waiting: 0 },
    close: () => pool?.close() ?? Promise.resolve(),
  };
}

let shared: SpecParser | undefined;

/**
 * Starts the services' spec parser, whose worker logs to `log`; the caller
 * (the pipelines area) closes it when the services close.
 */
export function openSpecParsing(log: Logger): SpecParser {
  shared = createSpecParser(log);
  return shared;
}

/**
 * Parses a spec off the services' event loop when it is large (see
 * {@link SpecParser.parse}), with the parser {@link openSpecParsing} started
 * (one of its own, unlogged, where no area started one: tests and tools).
 */
export function parseSpecOffLoop(text: string, label: string): Promise<ParsedSpec> {
  shared ??= createSpecParser(createLogger());
  return shared.parse(text, label);
}

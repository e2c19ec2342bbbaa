/**
 * This machine's own GPUs, read from `nvidia-smi --query-gpu=… --format=csv`
 * and `--query-compute-apps=…`: what a workstation or a jump host with GPUs
 * shows without a cluster or Prometheus. The output is parsed strictly — the
 * header must be the one our query produces and every value must carry the
 * unit the header announces — so a changed driver is reported, not misread.
 */
import { execFile } from 'node:child_process';
import { AppError } from '../../../shared/result';

/** One GPU as nvidia-smi reports it; `null` where the card answers "[N/A]" or "[Not Supported]". */
export interface LocalGpu {
  index: number;
  name: string;
  uuid: string;
  pciBusId: string;
  driverVersion: string;
  memoryTotalMiB: number;
  memoryUsedMiB: number;
  utilizationGpuPct: number | null;
  utilizationMemoryPct: number | null;
  temperatureC: number | null;
  powerDrawW: number | null;
  powerLimitW: number | null;
  pstate: string | null;
  /** The compute processes on it; absent when they could not be read (an empty list means none). */
  processes?: { pid: number; name: string; usedMemoryMiB: number | null }[];
}

/** A query field, the header nvidia-smi prints for it (which may differ: it expands aliases) and its unit. */
interface Field {
  query: string;
  header?: string;
  unit?: string;
}

/**
 * The fields of the real H200 captures (electron/services/gpu/fixtures), in
 * their order, so what the tests parse is what the binary prints for this
 * query. Timestamp, free memory, clocks and ECC are asked for but not kept.
 */
const GPU_FIELDS: readonly Field[] = [
  { query: 'timestamp' },
  { query: 'index' },
  { query: 'uuid' },
  { query: 'name' },
  { query: 'pci.bus_id' },
  { query: 'driver_version' },
  { query: 'pstate' },
  { query: 'utilization.gpu', unit: '%' },
  { query: 'utilization.memory', unit: '%' },
  { query: 'memory.total', unit: 'MiB' },
  { query: 'memory.used', unit: 'MiB' },
  { query: 'memory.free', unit: 'MiB' },
  { query: 'power.draw', unit: 'W' },
  { query: 'power.limit', unit: 'W' },
  { query: 'temperature.gpu' },
  { query: 'clocks.sm', header: 'clocks.current.sm', unit: 'MHz' },
  { query: 'clocks.mem', header: 'clocks.current.memory', unit: 'MHz' },
  { query: 'ecc.errors.uncorrected.volatile.total' },
];

/** `used_memory` is printed as `used_gpu_memory`. */
const PROCESS_FIELDS: readonly Field[] = [{ query: 'gpu_uuid' }, { query: 'pid' }, { query: 'process_name' }, { query: 'used_memory', header: 'used_gpu_memory', unit: 'MiB' }];

/** The --query-gpu fields, in the order the parser expects. */
export const NVIDIA_SMI_QUERY: string[] = GPU_FIELDS.map((f) => f.query);

/** A machine has a handful of GPUs; more rows than this is not a GPU list. */
const MAX_ROWS = 256;
/** Bound on what is parsed, and on what the binary may print. */
const MAX_OUTPUT_BYTES = 1 << 20;
const DEFAULT_TIMEOUT_MS = 10_000;
/** Where parse errors say the problem is. */
const SOURCE = 'nvidia-smi output';

const invalid = (message: string, line?: number, field?: string): AppError =>
  new AppError('VALIDATION', line === undefined ? `nvidia-smi output: ${message}` : `nvidia-smi output, line ${line}: ${message}`, {
    file: SOURCE,
    ...(line === undefined ? {} : { line }),
    ...(field ? { field } : {}),
  });

const headerOf = (f: Field): string => `${f.header ?? f.query}${f.unit ? ` [${f.unit}]` : ''}`;

/** Splits one CSV line at commas outside double quotes; each piece as written (untrimmed, quotes kept). */
function splitCsv(line: string, lineNo: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      pieces.push(line.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted) throw invalid('a quote is not closed', lineNo);
  pieces.push(line.slice(start));
  return pieces;
}

/** A piece's value: trimmed, and unquoted when quoted ("" inside stands for "). */
function valueOf(piece: string): string {
  const v = piece.trim();
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/""/g, '"') : v;
}

/** The non-blank lines with their 1-based numbers, after the size check. */
function linesOf(csv: string): { no: number; text: string }[] {
  if (csv.length > MAX_OUTPUT_BYTES) throw invalid(`more than ${MAX_OUTPUT_BYTES / 1024} KiB, which no GPU list is`);
  const lines = csv
    .split(/\r?\n/)
    .map((text, i) => ({ no: i + 1, text }))
    .filter((l) => l.text.trim());
  if (lines.length > MAX_ROWS + 1) throw invalid(`more than ${MAX_ROWS} rows, which no GPU list is`);
  return lines;
}

/**
 * Checks the header line when there is one (`--format=csv`); returns whether
 * values carry units and the rows after the header.
 */
function rowsAfterHeader(lines: { no: number; text: string }[], fields: readonly Field[], isData: (firstCell: string) => boolean): { units: boolean; rows: { no: number; text: string }[] } {
  const first = lines[0];
  if (!first || isData(valueOf(splitCsv(first.text, first.no)[0] ?? ''))) return { units: false, rows: lines };
  const found = splitCsv(first.text, first.no).map(valueOf);
  const expected = fields.map(headerOf);
  if (found.join('\u0000') !== expected.join('\u0000')) {
    const at = expected.findIndex((h, i) => found[i] !== h);
    const what = at < found.length ? `"${found[at]}"` : 'nothing';
    throw invalid(`the header does not match the query: column ${at + 1} should be "${expected[at] ?? ''}" but is ${what}`, first.no);
  }
  return { units: true, rows: lines.slice(1) };
}

/** "[N/A]", "[Not Supported]", "[Unknown Error]", …: the card has no value. */
const isUnavailable = (v: string): boolean => /^\[[^\]]*\]$/.test(v);

/** A number from a cell, its unit checked when the output carries units; null when unavailable. */
function numberOf(v: string, f: Field, units: boolean, lineNo: number): number | null {
  if (isUnavailable(v)) return null;
  let text = v;
  if (units && f.unit) {
    const suffix = ` ${f.unit}`;
    if (!v.endsWith(suffix)) throw invalid(`${f.query} "${v}" lacks its unit ${f.unit}`, lineNo, f.query);
    text = v.slice(0, -suffix.length);
  }
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw invalid(`${f.query} "${v}" is not a number`, lineNo, f.query);
  return Number(text);
}

/** A number the row cannot do without. */
function requiredNumber(v: string, f: Field, units: boolean, lineNo: number): number {
  const n = numberOf(v, f, units, lineNo);
  if (n === null) throw invalid(`${f.query} is ${v}`, lineNo, f.query);
  return n;
}

function requiredText(v: string, f: Field, lineNo: number): string {
  if (!v || isUnavailable(v)) throw invalid(`${f.query} is ${v ? v : 'empty'}`, lineNo, f.query);
  return v;
}

function inRange<T extends number | null>(n: T, f: Field, min: number, max: number, lineNo: number): T {
  if (n !== null && (n < min || n > max)) throw invalid(`${f.query} ${n} is outside ${min}–${max}`, lineNo, f.query);
  return n;
}

const field = (fields: readonly Field[], query: string): Field => fields.find((f) => f.query === query) as Field;
const F = (query: string) => field(GPU_FIELDS, query);

/**
 * The GPUs of `nvidia-smi --query-gpu=<NVIDIA_SMI_QUERY> --format=csv` (or
 * `csv,noheader,nounits`). Throws a VALIDATION {@link AppError} naming the
 * line on anything else: a header for other fields, a wrong number of values,
 * a value without its unit or not a number, the same GPU twice, or output
 * too large to be a GPU list.
 */
export function parseNvidiaSmiGpus(csv: string): LocalGpu[] {
  const { units, rows } = rowsAfterHeader(linesOf(csv), GPU_FIELDS, (cell) => /^\d{4}\/\d\d\/\d\d /.test(cell));
  const seen = new Set<string>();
  return rows.map(({ no, text }) => {
    const cells = splitCsv(text, no).map(valueOf);
    if (cells.length !== GPU_FIELDS.length) throw invalid(`${cells.length} values where the query has ${GPU_FIELDS.length} fields`, no);
    const at = (query: string) => cells[GPU_FIELDS.indexOf(F(query))];
    const num = (query: string) => numberOf(at(query), F(query), units, no);
    const pct = (query: string) => inRange(num(query), F(query), 0, 100, no);
    const index = requiredNumber(at('index'), F('index'), false, no);
    if (!Number.isInteger(index) || index < 0) throw invalid(`index "${at('index')}" is not a GPU index`, no, 'index');
    const uuid = requiredText(at('uuid'), F('uuid'), no);
    if (seen.has(uuid)) throw invalid(`GPU ${uuid} is listed twice`, no, 'uuid');
    seen.add(uuid);
    const pstate = at('pstate');
    if (!isUnavailable(pstate) && !/^P\d{1,2}$/.test(pstate)) throw invalid(`pstate "${pstate}" is not a performance state`, no, 'pstate');
    return {
      index,
      name: requiredText(at('name'), F('name'), no),
      uuid,
      pciBusId: requiredText(at('pci.bus_id'), F('pci.bus_id'), no),
      driverVersion: requiredText(at('driver_version'), F('driver_version'), no),
      memoryTotalMiB: inRange(requiredNumber(at('memory.total'), F('memory.total'), units, no), F('memory.total'), 0, Number.MAX_SAFE_INTEGER, no),
      memoryUsedMiB: inRange(requiredNumber(at('memory.used'), F('memory.used'), units, no), F('memory.used'), 0, Number.MAX_SAFE_INTEGER, no),
      utilizationGpuPct: pct('utilization.gpu'),
      utilizationMemoryPct: pct('utilization.memory'),
      temperatureC: num('temperature.gpu'),
      powerDrawW: inRange(num('power.draw'), F('power.draw'), 0, Number.MAX_SAFE_INTEGER, no),
      powerLimitW: inRange(num('power.limit'), F('power.limit'), 0, Number.MAX_SAFE_INTEGER, no),
      pstate: isUnavailable(pstate) ? null : pstate,
    };
  });
}

/**
 * The compute processes of `nvidia-smi --query-compute-apps=gpu_uuid,pid,process_name,used_memory --format=csv`
 * (or `csv,noheader,nounits`); none for empty output, which is what
 * nvidia-smi prints when nothing runs. A process name may hold commas: what
 * lies between the pid and the memory is the name. Throws like
 * {@link parseNvidiaSmiGpus}.
 */
export function parseNvidiaSmiProcesses(csv: string): { gpuUuid: string; pid: number; name: string; usedMemoryMiB: number | null }[] {
  const { units, rows } = rowsAfterHeader(linesOf(csv), PROCESS_FIELDS, (cell) => /^(GPU|MIG)-/.test(cell));
  const [uuidField, pidField, nameField, memoryField] = PROCESS_FIELDS;
  return rows.map(({ no, text }) => {
    const pieces = splitCsv(text, no);
    if (pieces.length < PROCESS_FIELDS.length) throw invalid(`${pieces.length} values where the query has ${PROCESS_FIELDS.length} fields`, no);
    const gpuUuid = requiredText(valueOf(pieces[0]), uuidField, no);
    const pid = requiredNumber(valueOf(pieces[1]), pidField, false, no);
    if (!Number.isInteger(pid) || pid <= 0) throw invalid(`pid "${valueOf(pieces[1])}" is not a process id`, no, 'pid');
    const name = valueOf(pieces.slice(2, -1).join(','));
    if (!name) throw invalid(`${nameField.query} is empty`, no, nameField.query);
    return { gpuUuid, pid, name, usedMemoryMiB: inRange(numberOf(valueOf(pieces[pieces.length - 1]), memoryField, units, no), memoryField, 0, Number.MAX_SAFE_INTEGER, no) };
  });
}

/** What running the binary gave: its output, or why there is none, said for a person. */
type RunOutcome = { ok: true; stdout: string } | { ok: false; reason: string };

const firstLine = (text: string | undefined): string => (text ?? '').split(/\r?\n/).find((l) => l.trim())?.trim().slice(0, 300) ?? '';

/** Runs the binary without a shell, bounded in time and output. */
function run(binary: string, args: string[], timeoutMs: number): Promise<RunOutcome> {
  return new Promise((resolve) => {
    execFile(binary, args, { timeout: timeoutMs, maxBuffer: MAX_OUTPUT_BYTES, killSignal: 'SIGKILL', windowsHide: true, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolve({ ok: true, stdout });
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      if (e.code === 'ENOENT') return resolve({ ok: false, reason: 'nvidia-smi is not installed' });
      if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return resolve({ ok: false, reason: `nvidia-smi failed: it printed more than ${MAX_OUTPUT_BYTES / 1024} KiB` });
      if (e.killed) return resolve({ ok: false, reason: `nvidia-smi failed: no answer within ${timeoutMs / 1000} s` });
      // nvidia-smi writes some failures ("couldn't communicate with the NVIDIA driver") to stdout.
      const said = firstLine(stderr) || firstLine(stdout) || firstLine(e.message);
      resolve({ ok: false, reason: `nvidia-smi failed: ${said}` });
    });
  });
}

/** Runs nvidia-smi if present (bounded time and output); `available: false` with the reason when not. */
export async function readLocalGpus(options: { binary?: string; timeoutMs?: number } = {}): Promise<{ available: true; gpus: LocalGpu[] } | { available: false; reason: string }> {
  const binary = options.binary ?? 'nvidia-smi';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const gpuRun = await run(binary, [`--query-gpu=${NVIDIA_SMI_QUERY.join(',')}`, '--format=csv'], timeoutMs);
  if (!gpuRun.ok) return { available: false, reason: gpuRun.reason };
  let gpus: LocalGpu[];
  try {
    gpus = parseNvidiaSmiGpus(gpuRun.stdout);
  } catch (err) {
    return { available: false, reason: err instanceof AppError ? err.message : String(err) };
  }
  // Processes are a detail: without them the GPUs are still worth showing.
  const appRun = await run(binary, [`--query-compute-apps=${PROCESS_FIELDS.map((f) => f.query).join(',')}`, '--format=csv'], timeoutMs);
  let processes: ReturnType<typeof parseNvidiaSmiProcesses> | undefined;
  try {
    processes = appRun.ok ? parseNvidiaSmiProcesses(appRun.stdout) : undefined;
  } catch {
    processes = undefined;
  }
  if (!processes) return { available: true, gpus };
  const found = processes;
  return {
    available: true,
    gpus: gpus.map((g) => ({ ...g, processes: found.filter((p) => p.gpuUuid === g.uuid).map(({ pid, name, usedMemoryMiB }) => ({ pid, name, usedMemoryMiB })) })),
  };
}

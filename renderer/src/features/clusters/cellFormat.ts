const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

/** How old `iso` is at `now` (ms), the way kubectl's AGE column says it: "45s", "5m", "3h", "2d", "1y". */
export function formatAge(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  // Clock skew between the cluster and this machine can put a timestamp slightly in the future.
  const s = Math.max(0, Math.floor((now - at) / 1000));
  if (s < MINUTE) return `${s}s`;
  if (s < HOUR) return `${Math.floor(s / MINUTE)}m`;
  if (s < DAY) return `${Math.floor(s / HOUR)}h`;
  if (s < YEAR) return `${Math.floor(s / DAY)}d`;
  return `${Math.floor(s / YEAR)}y`;
}

/** The least of an object name's end kept whole when the name is shortened in the middle, and the most looked through for a separator. */
const TAIL_MIN = 10;
const TAIL_MAX = 24;
/** A shorter start is not worth an ellipsis: it would take as much room as it saves. */
const HEAD_MIN = 3;

/**
 * Where the end of an object name that tells it from its siblings starts: the
 * generated parts Kubernetes appends ("9b5fb97bc-x7k2p" of
 * "web-frontend-9b5fb97bc-x7k2p"). That is the shortest run of whole "-" or
 * "." separated parts at least {@link TAIL_MIN} long, else the last
 * {@link TAIL_MIN} characters; 0 when what is left before it is too short to shorten.
 */
export function nameTailStart(name: string): number {
  for (let i = name.length - TAIL_MIN; i >= HEAD_MIN && i > name.length - TAIL_MAX; i--) {
    if (name[i - 1] === '-' || name[i - 1] === '.') return i;
  }
  return name.length - TAIL_MIN >= HEAD_MIN ? name.length - TAIL_MIN : 0;
}

/** The colour family of a status badge. */
export type StatusTone = 'ok' | 'warn' | 'bad' | 'neutral';

const BAD = new Set([
  'failed', 'error', 'crashloopbackoff', 'imagepullbackoff', 'errimagepull', 'invalidimagename', 'createcontainerconfigerror',
  'createcontainererror', 'oomkilled', 'evicted', 'lost', 'notready', 'backofflimitexceeded', 'deadlineexceeded', 'unhealthy',
  'progressdeadlineexceeded', 'unavailable', 'replicafailure', 'failedcreate', 'faileddelete',
]);
const WARN = new Set([
  'pending', 'containercreating', 'podinitializing', 'init', 'terminating', 'unknown', 'progressing', 'schedulingdisabled', 'schedulinggated', 'suspended',
  'warning', 'degraded', 'waiting', 'paused',
]);
// "Normal" (an event's type) is left neutral, so that Warning events stand out among them.
const OK = new Set(['running', 'ready', 'active', 'bound', 'succeeded', 'completed', 'complete', 'available', 'healthy']);

/** "0/1", "2/3": fewer ready or available than wanted. */
function isShort(part: string): boolean {
  const match = /^(\d+)\/(\d+)$/.exec(part);
  return match !== null && Number(match[1]) < Number(match[2]);
}

/**
 * The tone of a Kubernetes status text. Compound statuses ("Ready,SchedulingDisabled",
 * "Init:CrashLoopBackOff", "Running (0/1 ready)") take the worst of their parts,
 * a count short of its target being a warning. "True"/"False" stay neutral:
 * whether true is good depends on the column (Ready, Suspend).
 */
export function statusTone(text: string): StatusTone {
  const parts = text.toLowerCase().split(/[\s,:()]+/).filter(Boolean);
  if (parts.some((p) => BAD.has(p))) return 'bad';
  if (parts.some((p) => WARN.has(p) || isShort(p))) return 'warn';
  if (parts.some((p) => OK.has(p))) return 'ok';
  return 'neutral';
}

const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const QUANTITY = /^\s*([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*([a-zA-Z]*)/;

/** The value of a Kubernetes quantity ("500m", "2Gi", "1.5") for sorting; null when it is not one. */
export function parseQuantity(text: string): number | null {
  const match = QUANTITY.exec(text);
  if (!match) return null;
  const scale = SUFFIX[match[2]];
  return scale === undefined ? null : Number(match[1]) * scale;
}

import type { z } from 'zod';
import type { DrillOutcome, DrillSummary } from '../../../../shared/contract';
import type { TimeSeriesData } from '../../shell/charts/timeSeries';
import { formatDuration } from '../tasks/taskFormat';

const DAY_MS = 86_400_000;

/** "45s", "4m 10s", "2h 03m", "3d 4h": RPOs run to days, RTOs to seconds. */
export function durationText(ms: number): string {
  if (ms < 2 * DAY_MS) return formatDuration(ms);
  const hours = Math.floor(ms / 3_600_000);
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** "in 3d 4h" or "2h 03m ago", from `now`. */
export function relativeText(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const ms = at - now;
  return ms >= 0 ? `in ${durationText(ms)}` : `${durationText(-ms)} ago`;
}

/** The tone class of a drill's outcome badge. */
export const OUTCOME_TONE: Record<DrillOutcome, string> = {
  running: 'tone-neutral',
  passed: 'tone-ok',
  failed: 'tone-bad',
  cancelled: 'tone-warn',
  interrupted: 'tone-warn',
};

/**
 * A figure against its target: the text, and whether it missed. A figure not
 * measured missed its target only when the drill ended failed (its workloads
 * never became ready); a drill still running, cancelled or interrupted never
 * got to measure it.
 */
export function againstTarget(ms: number | undefined, targetMs: number | undefined, outcome?: DrillOutcome): { text: string; missed: boolean } {
  if (ms === undefined) {
    const target = targetMs === undefined ? '' : ` (target ${durationText(targetMs)})`;
    if (outcome === 'running') return { text: `measuring…${target}`, missed: false };
    if (outcome === 'cancelled' || outcome === 'interrupted') return { text: `not measured: the drill was ${outcome}${target}`, missed: false };
    return { text: `not measured${target}`, missed: targetMs !== undefined };
  }
  if (targetMs === undefined) return { text: durationText(ms), missed: false };
  return { text: `${durationText(ms)} of ${durationText(targetMs)}`, missed: ms > targetMs };
}

/** "team-a on prod-eu": a drill's namespace with where it lives. */
export const namespaceKey = (d: Pick<DrillSummary, 'sourceConnectionName' | 'sourceNamespace'>): string => `${d.sourceNamespace} on ${d.sourceConnectionName}`;

/** Units a duration field offers, in seconds. */
export const DURATION_UNITS = [
  { id: 'seconds', label: 'seconds', seconds: 1 },
  { id: 'minutes', label: 'minutes', seconds: 60 },
  { id: 'hours', label: 'hours', seconds: 3600 },
  { id: 'days', label: 'days', seconds: 86_400 },
] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number]['id'];

/** A duration as a field shows it: the largest unit that divides it whole. */
export function splitDuration(seconds: number): { amount: string; unit: DurationUnit } {
  const unit = [...DURATION_UNITS].reverse().find((u) => seconds % u.seconds === 0) ?? DURATION_UNITS[0];
  return { amount: String(seconds / unit.seconds), unit: unit.id };
}

/** What a duration field holds, in seconds; NaN when the amount is not a number (the schema then says so). */
export function joinDuration(amount: string, unit: DurationUnit): number {
  const value = amount.trim() === '' ? NaN : Number(amount);
  return value * DURATION_UNITS.find((u) => u.id === unit)!.seconds;
}

/** A number field's value: NaN when empty, so the schema refuses it rather than reading 0. */
export const numberOf = (text: string): number => (text.trim() === '' ? NaN : Number(text));

/** One problem per field path ("checks.0.name"), in words a person can act on. */
export function problemsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.');
    if (out[key]) continue;
    if (issue.code === 'invalid_type' && issue.expected === 'number') out[key] = 'Enter a whole number';
    else if (issue.code === 'too_small' && issue.origin === 'number') out[key] = `At least ${String(issue.minimum)}`;
    else if (issue.code === 'too_big' && issue.origin === 'number') out[key] = `At most ${String(issue.maximum)}`;
    else if (issue.code === 'invalid_type' && issue.expected === 'int') out[key] = 'Enter a whole number';
    else if (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1) out[key] = 'Required';
    else out[key] = issue.message;
  }
  return out;
}

/** Namespaces typed as a list: split on commas, spaces and new lines, duplicates dropped. */
export const namespaceList = (text: string): string[] => [...new Set(text.split(/[\s,]+/).filter(Boolean))];

/** A drill counts in the RTO trend once it ended passed or failed; a cancelled or interrupted one measured nothing. */
const CHARTED: readonly DrillOutcome[] = ['passed', 'failed'];

/**
 * The RTO trend of one namespace's drills, oldest first, in seconds: passing
 * drills' RTO, failed drills' in a series of their own (a failed drill that
 * measured no RTO at how long it ran, start to end: the page says it is not
 * an RTO), and the RTO target as a line when one was set. Both bar
 * series are always there, so each keeps its colour.
 */
export function rtoTrend(drills: readonly DrillSummary[]): TimeSeriesData {
  const shown = drills.filter((d) => CHARTED.includes(d.outcome) && !Number.isNaN(Date.parse(d.startedAt))).sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  const seconds = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms / 100) / 10);
  const waited = (d: DrillSummary) => (d.finishedAt ? Math.max(0, Date.parse(d.finishedAt) - Date.parse(d.startedAt)) : undefined);
  const series = [
    { key: 'passed', label: 'RTO', values: shown.map((d) => (d.outcome === 'passed' ? seconds(d.rtoMs) : null)) },
    { key: 'failed', label: 'Failed drill', values: shown.map((d) => (d.outcome === 'failed' ? seconds(d.rtoMs ?? waited(d)) : null)) },
    { key: 'target', label: 'RTO target', line: true, values: shown.map((d) => seconds(d.rtoTargetMs)) },
  ];
  return { times: shown.map((d) => Math.floor(Date.parse(d.startedAt) / 1000)), series: series.filter((s) => !s.line || s.values.some((v) => v !== null)) };
}

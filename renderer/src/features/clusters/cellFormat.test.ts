import { describe, expect, it } from 'vitest';
import { formatAge, nameTailStart, parseQuantity, statusTone } from './cellFormat';

const now = Date.parse('2025-06-01T12:00:00Z');
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();

describe('cell formats', () => {
  it('says ages like kubectl', () => {
    expect(formatAge(ago(45), now)).toBe('45s');
    expect(formatAge(ago(5 * 60 + 59), now)).toBe('5m');
    expect(formatAge(ago(3 * 3600), now)).toBe('3h');
    expect(formatAge(ago(2 * 86400 + 5), now)).toBe('2d');
    expect(formatAge(ago(400 * 86400), now)).toBe('1y');
    expect(formatAge(ago(-30), now)).toBe('0s');
    expect(formatAge('not a time', now)).toBe('not a time');
  });

  it('keeps the generated end of a name whole when shortening it in the middle', () => {
    const tail = (name: string) => name.slice(nameTailStart(name));
    expect(tail('web-frontend-9b5fb97bc-x7k2p')).toBe('9b5fb97bc-x7k2p');
    expect(tail('web-frontend-9b5fb97bc-q4r8z')).toBe('9b5fb97bc-q4r8z');
    expect(tail('web-1.17a3b0c1d2e3f4a5')).toBe('17a3b0c1d2e3f4a5');
    expect(tail('ip-10-0-1-23.eu-west-1.compute.internal')).toBe('compute.internal');
    // No separator near the end: the last ten characters.
    expect(tail('averyveryverylongnamewithoutanyseparator')).toBe('yseparator');
    expect(nameTailStart('postgres-0')).toBe(0);
    expect(nameTailStart('postgres-12')).toBe(0);
    expect(nameTailStart('web-frontend')).toBe(0);
  });

  it('colours statuses by their worst part', () => {
    expect(statusTone('Running')).toBe('ok');
    expect(statusTone('Ready,SchedulingDisabled')).toBe('warn');
    expect(statusTone('Init:CrashLoopBackOff')).toBe('bad');
    expect(statusTone('NotReady')).toBe('bad');
    expect(statusTone('Pending')).toBe('warn');
    expect(statusTone('Whatever')).toBe('neutral');
    expect(statusTone('False')).toBe('neutral');
    // Among events, only warnings should catch the eye.
    expect(statusTone('Warning')).toBe('warn');
    expect(statusTone('Normal')).toBe('neutral');
    // Running but not ready is not healthy; a count at its target is no warning.
    expect(statusTone('Running (0/1 ready)')).toBe('warn');
    expect(statusTone('Running (readiness gates 0/1)')).toBe('warn');
    expect(statusTone('Running (2/2 ready)')).toBe('ok');
    // Workloads: a stalled rollout or none available is an alarm, fewer than wanted a warning.
    expect(statusTone('ProgressDeadlineExceeded')).toBe('bad');
    expect(statusTone('Unavailable')).toBe('bad');
    expect(statusTone('FailedCreate')).toBe('bad');
    expect(statusTone('2/3 available')).toBe('warn');
    expect(statusTone('Paused')).toBe('warn');
    expect(statusTone('Progressing')).toBe('warn');
    expect(statusTone('Scaled to 0')).toBe('neutral');
    expect(statusTone('Available')).toBe('ok');
  });

  it('reads Kubernetes quantities', () => {
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('2Gi')).toBe(2 ** 31);
    expect(parseQuantity('1.5k')).toBe(1500);
    expect(parseQuantity('3/8')).toBe(3);
    expect(parseQuantity('2Zz')).toBeNull();
    expect(parseQuantity('n/a')).toBeNull();
  });
});

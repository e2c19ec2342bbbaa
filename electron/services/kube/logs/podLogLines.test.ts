import { describe, expect, it } from 'vitest';
import { LogResume, compareLogTimes, sinceTimeOf, splitTimestamp, type LogTime } from './podLogLines';

const at = (stamp: string): LogTime => {
  const time = splitTimestamp(`${stamp} x`).time;
  if (!time) throw new Error(`not a timestamp: ${stamp}`);
  return time;
};

describe('splitTimestamp', () => {
  it('splits the kubelet prefix off, nanoseconds kept', () => {
    expect(splitTimestamp('2024-05-01T10:20:30.123456789Z GET /healthz 200')).toEqual({
      time: { seconds: Date.UTC(2024, 4, 1, 10, 20, 30) / 1000, nanos: 123456789 },
      text: 'GET /healthz 200',
    });
  });

  it('reads trimmed fractions (RFC3339Nano drops trailing zeros), whole seconds and offsets', () => {
    expect(at('2024-05-01T10:20:30.5Z').nanos).toBe(500_000_000);
    expect(at('2024-05-01T10:20:30Z')).toEqual({ seconds: Date.UTC(2024, 4, 1, 10, 20, 30) / 1000, nanos: 0 });
    expect(at('2024-05-01T12:20:30.25+02:00')).toEqual(at('2024-05-01T10:20:30.25Z'));
  });

  it('keeps empty lines empty and spaces inside the text', () => {
    expect(splitTimestamp('2024-05-01T10:20:30.1Z ').text).toBe('');
    expect(splitTimestamp('2024-05-01T10:20:30.1Z   indented').text).toBe('  indented');
  });

  it('leaves lines without a timestamp whole', () => {
    expect(splitTimestamp('plain text')).toEqual({ text: 'plain text' });
    expect(splitTimestamp('2024-05-01T10:20:30.1Z')).toEqual({ text: '2024-05-01T10:20:30.1Z' });
    expect(splitTimestamp('2024-13-45T99:20:30Z x')).toEqual({ text: '2024-13-45T99:20:30Z x' });
  });

  it('orders times by seconds, then nanoseconds, whatever the fraction length', () => {
    expect(compareLogTimes(at('2024-05-01T10:20:30.5Z'), at('2024-05-01T10:20:30.123456789Z'))).toBeGreaterThan(0);
    expect(compareLogTimes(at('2024-05-01T10:20:30.999999999Z'), at('2024-05-01T10:20:31Z'))).toBeLessThan(0);
    expect(compareLogTimes(at('2024-05-01T10:20:30.1Z'), at('2024-05-01T10:20:30.100000000Z'))).toBe(0);
  });

  it('resumes from the whole second, as the apiserver passes sinceTime on', () => {
    expect(sinceTimeOf(at('2024-05-01T10:20:30.987654321Z'))).toBe('2024-05-01T10:20:30Z');
  });
});

/** Feeds stamped lines through a resume tracker, returning the ones it lets through. */
const pass = (resume: LogResume, stamps: string[]) => stamps.filter((s) => resume.accept(at(s)));

describe('LogResume', () => {
  it('lets everything through before any reconnect', () => {
    const resume = new LogResume();
    expect(resume.since).toBeUndefined();
    const stamps = ['2024-05-01T10:00:00.1Z', '2024-05-01T10:00:00.1Z', '2024-05-01T10:00:01Z'];
    expect(pass(resume, stamps)).toEqual(stamps);
    expect(resume.since).toEqual(at('2024-05-01T10:00:01Z'));
  });

  it('skips what a resumed stream repeats from the start of the second', () => {
    const resume = new LogResume();
    pass(resume, ['2024-05-01T10:00:00.1Z', '2024-05-01T10:00:00.2Z', '2024-05-01T10:00:00.3Z']);
    resume.resume();
    // The server answers sinceTime=10:00:00Z with the whole second again, then new lines.
    expect(pass(resume, ['2024-05-01T10:00:00.1Z', '2024-05-01T10:00:00.2Z', '2024-05-01T10:00:00.3Z', '2024-05-01T10:00:00.4Z', '2024-05-01T10:00:01Z'])).toEqual([
      '2024-05-01T10:00:00.4Z',
      '2024-05-01T10:00:01Z',
    ]);
  });

  it('with several lines sharing the last timestamp, skips only as many as were delivered', () => {
    const resume = new LogResume();
    const same = '2024-05-01T10:00:00.5Z';
    pass(resume, ['2024-05-01T10:00:00.1Z', same, same]);
    resume.resume();
    // Two lines with `same` were delivered before the cut; the third written at that instant is new.
    const through = pass(resume, ['2024-05-01T10:00:00.1Z', same, same, same, '2024-05-01T10:00:02Z']);
    expect(through).toEqual([same, '2024-05-01T10:00:02Z']);
    expect(resume.since).toEqual(at('2024-05-01T10:00:02Z'));
  });

  it('counts lines at the mark across several reconnects', () => {
    const resume = new LogResume();
    const same = '2024-05-01T10:00:00.5Z';
    pass(resume, [same]);
    resume.resume();
    expect(pass(resume, [same, same])).toEqual([same]);
    resume.resume();
    expect(pass(resume, [same, same, same])).toEqual([same]);
  });

  it('a resumed stream that repeats nothing delivers its first line at once', () => {
    const resume = new LogResume();
    pass(resume, ['2024-05-01T10:00:00.5Z']);
    resume.resume();
    expect(pass(resume, ['2024-05-01T10:00:03Z', '2024-05-01T10:00:04Z'])).toEqual(['2024-05-01T10:00:03Z', '2024-05-01T10:00:04Z']);
  });

  it('before any stamped line, resuming skips nothing', () => {
    const resume = new LogResume();
    resume.resume();
    expect(resume.accept(undefined)).toBe(true);
    expect(pass(resume, ['2024-05-01T10:00:00Z'])).toEqual(['2024-05-01T10:00:00Z']);
  });

  it('unstamped lines pass while streaming and are skipped while a resume repeats old lines', () => {
    const resume = new LogResume();
    pass(resume, ['2024-05-01T10:00:00Z']);
    expect(resume.accept(undefined)).toBe(true);
    resume.resume();
    expect(resume.accept(undefined)).toBe(false);
  });

  it('a stderr line written just after the break, stamped before the last stdout line, is delivered on resume', () => {
    const resume = new LogResume();
    pass(resume, ['2024-05-01T10:00:00.1Z', '2024-05-01T10:00:00.5Z']);
    resume.resume();
    // The server repeats the second in file order: the two lines delivered, then the stderr line written after the break.
    expect(pass(resume, ['2024-05-01T10:00:00.1Z', '2024-05-01T10:00:00.5Z', '2024-05-01T10:00:00.4Z', '2024-05-01T10:00:01Z'])).toEqual([
      '2024-05-01T10:00:00.4Z',
      '2024-05-01T10:00:01Z',
    ]);
  });

  it('lines delivered out of order within the second are repeated in that order, and only they are skipped', () => {
    const resume = new LogResume();
    // stdout .3, then stderr .2 (stamped earlier, written later), then an older second's late line, not repeated.
    pass(resume, ['2024-05-01T10:00:00.3Z', '2024-05-01T10:00:00.2Z', '2024-05-01T09:59:59.9Z']);
    expect(resume.since).toEqual(at('2024-05-01T10:00:00.3Z'));
    resume.resume();
    expect(pass(resume, ['2024-05-01T10:00:00.3Z', '2024-05-01T10:00:00.2Z', '2024-05-01T10:00:00.25Z', '2024-05-01T10:00:00.3Z'])).toEqual([
      '2024-05-01T10:00:00.25Z',
      '2024-05-01T10:00:00.3Z',
    ]);
    // Counted too: the next resume skips all four lines of the second.
    resume.resume();
    expect(pass(resume, ['2024-05-01T10:00:00.3Z', '2024-05-01T10:00:00.2Z', '2024-05-01T10:00:00.25Z', '2024-05-01T10:00:00.3Z', '2024-05-01T10:00:00.1Z'])).toEqual([
      '2024-05-01T10:00:00.1Z',
    ]);
  });

  it('skips, and counts from then on, the lines of the first second written before a tail began', () => {
    const resume = new LogResume();
    // A tail that began mid-second: .2 and .4 were in the log already but not sent.
    pass(resume, ['2024-05-01T10:00:00.5Z', '2024-05-01T10:00:00.6Z']);
    resume.resume();
    expect(pass(resume, ['2024-05-01T10:00:00.2Z', '2024-05-01T10:00:00.4Z', '2024-05-01T10:00:00.5Z', '2024-05-01T10:00:00.6Z', '2024-05-01T10:00:00.55Z'])).toEqual([
      '2024-05-01T10:00:00.55Z',
    ]);
    resume.resume();
    const again = ['2024-05-01T10:00:00.2Z', '2024-05-01T10:00:00.4Z', '2024-05-01T10:00:00.5Z', '2024-05-01T10:00:00.6Z', '2024-05-01T10:00:00.55Z'];
    expect(pass(resume, [...again, '2024-05-01T10:00:00.3Z'])).toEqual(['2024-05-01T10:00:00.3Z']);
  });

  it('a line older than the mark (stdout and stderr interleaving) is delivered and leaves the mark', () => {
    const resume = new LogResume();
    pass(resume, ['2024-05-01T10:00:05Z']);
    expect(pass(resume, ['2024-05-01T10:00:04Z'])).toEqual(['2024-05-01T10:00:04Z']);
    expect(resume.since).toEqual(at('2024-05-01T10:00:05Z'));
  });
});

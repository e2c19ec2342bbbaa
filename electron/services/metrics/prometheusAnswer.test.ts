/**
 * The answer reader on its own, with answers of the shapes Prometheus writes
 * and of shapes a broken or hostile server could write instead.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/result';
import { gridOf, gridTime, MAX_MATRIX_VALUES, readPrometheusAnswer, seriesOfMatrix, type PrometheusAnswer, type PrometheusGrid, type PrometheusMatrix } from './prometheusAnswer';

const where = 'Prometheus at http://p:9090';
const bytesOf = (text: string) => new TextEncoder().encode(text);
const read = (body: unknown, grid?: PrometheusGrid, status = 200): PrometheusAnswer =>
  readPrometheusAnswer({ kind: 'prometheusAnswer', bytes: bytesOf(typeof body === 'string' ? body : JSON.stringify(body)), status, where, ...(grid ? { grid } : {}) });
const matrix = (result: unknown, grid: PrometheusGrid): PrometheusMatrix => {
  const answer = read({ status: 'success', data: { resultType: 'matrix', result } }, grid);
  if (answer.kind !== 'matrix') throw new Error('not a matrix');
  return answer.matrix;
};
const rows = (m: PrometheusMatrix) => m.labels.map((_, r) => [...m.values.subarray(r * m.grid.count, (r + 1) * m.grid.count)]);
const refusal = (fn: () => unknown): AppError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
};

const grid = { start: 100, step: 10, count: 4 };

describe('readPrometheusAnswer: matrices', () => {
  it('puts each series on the grid, NaN where it has no sample', () => {
    const m = matrix(
      [
        { metric: { gpu: '0' }, values: [[100, '1'], [110, '2.5'], [130, '4']] },
        { metric: { gpu: '1' }, values: [[120, '0']] },
      ],
      grid,
    );
    expect(m.grid).toEqual(grid);
    expect(m.labels).toEqual([{ gpu: '0' }, { gpu: '1' }]);
    expect(rows(m)).toEqual([
      [1, 2.5, NaN, 4],
      [NaN, NaN, 0, NaN],
    ]);
  });

  it('drops samples off the grid, non-finite, empty or non-string values and odd pairs; keeps the first of two at one instant', () => {
    const m = matrix(
      [
        {
          metric: { gpu: '0' },
          values: [[50, '9'], [500, '9'], [100, 'NaN'], [100, '+Inf'], [100, '-Inf'], [100, ''], [100, ' '], [100, 7], [100, null], ['110', '9'], [110], [110, '1', '2'], null, 'x', [110.0000001, '3'], [110, '8'], [120, '1e2'], [130, '0x10']],
        },
      ],
      grid,
    );
    expect(rows(m)).toEqual([[NaN, 3, 100, 16]]);
  });

  it('leaves out series with no sample left, and keeps the buffer to the rows kept', () => {
    const m = matrix([{ metric: { gpu: 'a' }, values: [[100, 'NaN']] }, null, { metric: { gpu: 'b' } }, { values: 'nope' }, { metric: { gpu: 'c' }, values: [[100, '5']] }, { metric: 'not an object', values: [[110, '6']] }], grid);
    expect(m.labels).toEqual([{ gpu: 'c' }, {}]);
    expect(m.values.buffer.byteLength).toBe(2 * 4 * 8);
    expect(rows(m)).toEqual([
      [5, NaN, NaN, NaN],
      [NaN, 6, NaN, NaN],
    ]);
  });

  it('keeps only string labels, and a __proto__ label pollutes nothing', () => {
    const m = matrix([{ metric: JSON.parse('{"gpu":"0","n":1,"o":{"x":"y"},"__proto__":"evil","constructor":"c"}'), values: [[100, '1']] }], grid);
    expect(m.labels[0].gpu).toBe('0');
    expect(m.labels[0].constructor).toBe('c');
    expect(Object.keys(m.labels[0]).sort()).toEqual(['constructor', 'gpu']);
    expect(({} as Record<string, unknown>).evil).toBeUndefined();
    expect(Object.getPrototypeOf(m.labels[0])).toBe(Object.prototype);
  });

  it('grows past its first guess of rows, and refuses more values than it holds rather than allocating them', () => {
    const many = Array.from({ length: 200 }, (_, g) => ({ metric: { gpu: String(g) }, values: [[100 + (g % 4) * 10, String(g)]] }));
    const m = matrix(many, grid);
    expect(m.labels).toHaveLength(200);
    expect(m.values[199 * 4 + 3]).toBe(199);
    // A wide grid: one sample per series is enough to cost a row each.
    const wide = { start: 0, step: 1, count: 11_000 };
    const crafted = Array.from({ length: Math.floor(MAX_MATRIX_VALUES / wide.count) + 1 }, (_, g) => ({ metric: { g: String(g) }, values: [[0, '1']] }));
    const err = refusal(() => matrix(crafted, wide));
    expect(err).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('answered more series than Pilothouse reads at once (1,525 of 11,000 points)') });
  });

  it('names the grid instants as Prometheus wrote them, to the millisecond', () => {
    const g = gridOf({ start: 1435781430.781, end: 1435781460.781, step: 15 });
    expect(g.count).toBe(3);
    expect([0, 1, 2].map((i) => gridTime(g, i))).toEqual([1435781430.781, 1435781445.781, 1435781460.781]);
    const m = matrix([{ metric: {}, values: [[1435781445.781, '2'], [1435781460.781, '3']] }], g);
    expect(seriesOfMatrix(m)).toEqual([
      {
        labels: {},
        points: [
          [1435781445.781, 2],
          [1435781460.781, 3],
        ],
      },
    ]);
  });

  it('refuses what is not a matrix where one was asked for', () => {
    const ok = (data: unknown) => ({ status: 'success', data });
    expect(refusal(() => read(ok({ resultType: 'vector', result: [] }), grid)).message).toBe(`${where} answered with a vector, not matrix`);
    expect(refusal(() => read(ok({ resultType: 'string', result: [1, 'x'] }), grid)).message).toBe('The expression gives a string, not numbers');
    expect(refusal(() => read(ok({ result: [] }), grid)).message).toBe(`${where} answered with no result type, not matrix`);
    expect(refusal(() => read(ok({ resultType: 'matrix', result: {} }), grid)).message).toBe(`${where} answered a matrix without its series`);
    expect(refusal(() => read(ok({ resultType: 'x'.repeat(10_000), result: [] }), grid)).message).toBe(`${where} answered with a ${'x'.repeat(40)}, not matrix`);
    expect(refusal(() => read(ok(null), grid)).code).toBe('VALIDATION');
  });
});

describe('readPrometheusAnswer: what is not a successful answer', () => {
  it('says not JSON for bytes that are not, whatever their size or encoding', () => {
    for (const text of ['', '{"status":"success","data":{"resultType":"matrix","result":[', '\uFEFF{}', 'null x', '<html>sign in</html>']) {
      expect(refusal(() => read(text, grid)).message, JSON.stringify(text)).toContain('with something that is not JSON');
    }
    const bytes = new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]);
    expect(refusal(() => readPrometheusAnswer({ kind: 'prometheusAnswer', bytes, status: 200, where })).message).toContain('not JSON');
  });

  it('turns Prometheus error answers into AppErrors with a code a person can act on, the message cut to 1,000 characters', () => {
    const error = (errorType: string, status: number, message = 'boom') => refusal(() => read({ status: 'error', errorType, error: message }, grid, status));
    expect(error('bad_data', 400)).toMatchObject({ code: 'VALIDATION', message: `${where} could not run the query: boom` });
    expect(error('execution', 422).code).toBe('VALIDATION');
    expect(error('timeout', 503).code).toBe('TIMEOUT');
    expect(error('canceled', 503).code).toBe('TIMEOUT');
    expect(error('unavailable', 503).code).toBe('UNREACHABLE');
    expect(error('internal', 500).code).toBe('INTERNAL');
    expect(error('bad_data', 400, 'y'.repeat(5000)).message).toHaveLength(`${where} could not run the query: `.length + 1000);
  });

  it('refuses a JSON answer that is not the API’s, or not a success', () => {
    expect(refusal(() => read({ data: { resultType: 'matrix', result: [] } }, grid)).message).toContain('its answer is not a Prometheus API answer');
    expect(refusal(() => read({ status: 'success' }, grid)).message).toContain('its answer is not a Prometheus API answer');
    expect(refusal(() => read({ status: 'success', data: { resultType: 'matrix', result: [] } }, grid, 502)).message).toContain('it answered HTTP 502');
    expect(refusal(() => read([1, 2, 3], grid)).message).toContain('not a Prometheus API answer');
  });
});

describe('readPrometheusAnswer: instant answers', () => {
  it('reads vectors and scalars as series of one point, dropping what is not a finite sample', () => {
    const answer = read({
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: { a: 'x' }, value: [1, '2'] }, { metric: { a: 'y' }, value: [1, 'NaN'] }, { metric: {}, value: ['1', '2'] }, null] },
    });
    expect(answer).toEqual({ kind: 'series', series: [{ labels: { a: 'x' }, points: [[1, 2]] }] });
    expect(read({ status: 'success', data: { resultType: 'scalar', result: [5, '+Inf'] } })).toEqual({ kind: 'series', series: [] });
    expect(refusal(() => read({ status: 'success', data: { resultType: 'matrix', result: [] } })).message).toBe(`${where} answered with a matrix, not vector or scalar`);
  });
});

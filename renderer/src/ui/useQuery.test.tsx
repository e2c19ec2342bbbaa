import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ParamsIn, ResultOf } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import { setBridge } from '../api/client';
import { createFakeBridge, fail, ok, type FakeBridge } from '../test/fakeBridge';
import { useQuery, type QueryOptions } from './useQuery';

type Find = ResultOf<'kube.find'>;
type FindParams = ParamsIn<'kube.find'>;

/** `kube.find` calls the test answers one by one, in any order. */
function pendingFinds(fake: FakeBridge) {
  const calls: { text: string; answer(result: Result<Find>): Promise<void> }[] = [];
  fake.handle(
    'kube.find',
    ({ text }) =>
      new Promise<Result<Find>>((resolve) => {
        calls.push({
          text,
          // Resolves, then lets the hook's handlers run.
          answer: (result) => act(async () => resolve(result)),
        });
      }),
  );
  return calls;
}

const found = (name: string, complete = true): Result<Find> =>
  ok({ complete, matches: [{ resource: { group: '', version: 'v1', resource: 'pods' }, kind: 'Pod', uid: `uid-${name}`, name, namespace: 'default' }] });
const names = (value: Find | undefined) => value?.matches.map((m) => m.name);
const params = (text: string): FindParams => ({ connectionId: 'k-prod', text });

let fake: FakeBridge;
beforeEach(() => {
  fake = createFakeBridge();
  setBridge(fake.bridge);
});
afterEach(() => vi.useRealTimers());

function renderQuery(initial: FindParams | null, options: QueryOptions<Find> = {}) {
  return renderHook(({ p, o }: { p: FindParams | null; o: QueryOptions<Find> }) => useQuery('kube.find', p, o), { initialProps: { p: initial, o: options } });
}

describe('useQuery', () => {
  it('calls with the params, says it is loading, then shows the answer', async () => {
    const calls = pendingFinds(fake);
    const { result } = renderQuery(params('web'));
    expect(result.current).toMatchObject({ value: undefined, error: undefined, loading: true });
    expect(fake.method('kube.find')).toHaveBeenCalledWith(params('web'));
    await calls[0].answer(found('web-1'));
    expect(result.current.loading).toBe(false);
    expect(names(result.current.value)).toEqual(['web-1']);
  });

  it('asks nothing while the params are null', () => {
    const { result } = renderQuery(null);
    expect(result.current).toMatchObject({ value: undefined, loading: false });
    expect(fake.method('kube.find')).not.toHaveBeenCalled();
  });

  it('compares params by value: a new object with the same content is not a new call', () => {
    pendingFinds(fake);
    const { rerender } = renderQuery(params('web'));
    rerender({ p: params('web'), o: {} });
    rerender({ p: params('web'), o: {} });
    expect(fake.method('kube.find')).toHaveBeenCalledTimes(1);
  });

  it('ignores an answer to older params that arrives after the answer to newer ones', async () => {
    const calls = pendingFinds(fake);
    const { result, rerender } = renderQuery(params('we'));
    rerender({ p: params('web'), o: {} });
    // Nothing of the old params is shown for the new ones.
    expect(result.current).toMatchObject({ value: undefined, loading: true });

    await calls[1].answer(found('web-new'));
    expect(names(result.current.value)).toEqual(['web-new']);
    await calls[0].answer(found('we-old'));
    expect(names(result.current.value)).toEqual(['web-new']);
    expect(result.current.loading).toBe(false);
  });

  it('ignores an older call of the same params once refetch started a newer one', async () => {
    const calls = pendingFinds(fake);
    const { result } = renderQuery(params('web'));
    act(() => result.current.refetch());
    expect(calls).toHaveLength(2);
    await calls[1].answer(found('newer'));
    await calls[0].answer(found('older'));
    expect(names(result.current.value)).toEqual(['newer']);
  });

  it('ignores an answer that arrives after unmount, and asks no more', async () => {
    vi.useFakeTimers();
    const calls = pendingFinds(fake);
    const { result, unmount } = renderQuery(params('web'), { pollMs: 1000 });
    unmount();
    await calls[0].answer(found('late'));
    expect(result.current.value).toBeUndefined();
    await act(async () => vi.advanceTimersByTimeAsync(5000));
    expect(fake.method('kube.find')).toHaveBeenCalledTimes(1);
  });

  it('keeps the value while asking again, keeps it on a failure, and the next answer clears the failure', async () => {
    const calls = pendingFinds(fake);
    const { result } = renderQuery(params('web'));
    await calls[0].answer(found('one'));
    act(() => result.current.refetch());
    expect(result.current.loading).toBe(true);
    expect(names(result.current.value)).toEqual(['one']);

    await calls[1].answer(fail('FORBIDDEN', 'no'));
    expect(result.current.error).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(names(result.current.value)).toEqual(['one']);

    act(() => result.current.refetch());
    await calls[2].answer(found('two'));
    expect(result.current.error).toBeUndefined();
    expect(names(result.current.value)).toEqual(['two']);
  });

  it('asks again every pollMs after each answer, failed or not', async () => {
    vi.useFakeTimers();
    fake.handle('kube.find', ({ text }) => (fake.method('kube.find').mock.calls.length === 2 ? fail('INTERNAL', 'down') : found(text)));
    renderQuery(params('web'), { pollMs: 1000 });
    await act(async () => vi.advanceTimersByTimeAsync(0));
    expect(fake.method('kube.find')).toHaveBeenCalledTimes(1);
    await act(async () => vi.advanceTimersByTimeAsync(999));
    expect(fake.method('kube.find')).toHaveBeenCalledTimes(1);
    await act(async () => vi.advanceTimersByTimeAsync(1));
    expect(fake.method('kube.find')).toHaveBeenCalledTimes(2);
    await act(async () => vi.advanceTimersByTimeAsync(1000));
    expect(fake.method('kube.find')).toHaveBeenCalledTimes(3);
  });

  it('polls only while pollMs, given how the call ended, says so', async () => {
    vi.useFakeTimers();
    let n = 0;
    fake.handle('kube.find', () => found(`n${++n}`, n >= 2));
    const { result } = renderQuery(params('web'), { pollMs: (o) => (o.ok && !o.value.complete ? 500 : undefined) });
    await act(async () => vi.advanceTimersByTimeAsync(500));
    expect(names(result.current.value)).toEqual(['n2']);
    await act(async () => vi.advanceTimersByTimeAsync(5000));
    expect(fake.method('kube.find')).toHaveBeenCalledTimes(2);
  });

  it('asks again when refreshKey changes, showing the value meanwhile', async () => {
    const calls = pendingFinds(fake);
    const { result, rerender } = renderQuery(params('web'), { refreshKey: 'a' });
    await calls[0].answer(found('one'));
    rerender({ p: params('web'), o: { refreshKey: 'b' } });
    expect(calls).toHaveLength(2);
    expect(names(result.current.value)).toEqual(['one']);
    await calls[1].answer(found('two'));
    expect(names(result.current.value)).toEqual(['two']);
  });

  it('with keepPrevious, shows the last answer and the params it answers until the new params are answered', async () => {
    const calls = pendingFinds(fake);
    const { result, rerender } = renderQuery(params('we'), { keepPrevious: true });
    await calls[0].answer(found('we-1'));
    rerender({ p: params('web'), o: { keepPrevious: true } });
    expect(result.current.answered).toEqual(params('we'));
    expect(names(result.current.value)).toEqual(['we-1']);
    await calls[1].answer(found('web-1'));
    expect(result.current.answered).toEqual(params('web'));
    expect(names(result.current.value)).toEqual(['web-1']);
  });

  describe('manual', () => {
    it('asks only on refetch', async () => {
      const calls = pendingFinds(fake);
      const { result } = renderQuery(params('web'), { manual: true });
      expect(result.current.loading).toBe(false);
      expect(calls).toHaveLength(0);
      act(() => result.current.refetch());
      expect(result.current.loading).toBe(true);
      await calls[0].answer(found('web-1'));
      expect(names(result.current.value)).toEqual(['web-1']);
    });

    it('drops a call under way on reset, and forgets the answer', async () => {
      const calls = pendingFinds(fake);
      const { result } = renderQuery(params('web'), { manual: true });
      act(() => result.current.refetch());
      act(() => result.current.reset());
      await calls[0].answer(found('late'));
      expect(result.current).toMatchObject({ value: undefined, loading: false });

      act(() => result.current.refetch());
      await calls[1].answer(found('shown'));
      act(() => result.current.reset());
      expect(result.current.value).toBeUndefined();
    });

    it('forgets the answer when the params change, even coming back to the same ones', async () => {
      const calls = pendingFinds(fake);
      const { result, rerender } = renderQuery(params('a'), { manual: true });
      act(() => result.current.refetch());
      await calls[0].answer(found('a-1'));
      rerender({ p: params('b'), o: { manual: true } });
      rerender({ p: params('a'), o: { manual: true } });
      expect(result.current.value).toBeUndefined();
      await waitFor(() => expect(calls).toHaveLength(1));
    });
  });
});

import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ContainerInfo, LogLines, ParamsIn } from '../../../../../shared/contract';
import { setBridge } from '../../../api/client';
import { createFakeBridge, fail, ok, type FakeBridge, type FakeHandler } from '../../../test/fakeBridge';
import { FALLBACK_VIEWPORT } from '../../../ui/useVirtualWindow';
import { LOG_CAPACITY } from './logBuffer';
import { LINE_HEIGHT } from './logRows';
import { LogView } from './LogView';

const container = (name: string, overrides: Partial<ContainerInfo> = {}): ContainerInfo => ({
  name,
  kind: 'main',
  image: `${name}:1`,
  ready: true,
  restartCount: 0,
  state: 'running',
  hasPrevious: false,
  ports: [],
  ...overrides,
});

const initContainer = container('migrate', { kind: 'init', state: 'terminated: Completed (exit 0)' });
const app = container('app', { restartCount: 3, hasPrevious: true, state: 'running' });
const sidecar = container('proxy');

type Handlers = { [M in 'kube.openLogs' | 'kube.downloadLogs']?: FakeHandler<M> };

function renderLogs(containers: ContainerInfo[] = [initContainer, app, sidecar], handlers: Handlers = {}) {
  let streams = 0;
  const fake = createFakeBridge({
    'kube.openLogs': () => ok({ streamId: String(++streams) }),
    ...handlers,
  });
  setBridge(fake.bridge);
  const view = render(<LogView connectionId="k-prod" namespace="shop" pod="web-1" containers={containers} />);
  return { fake, ...view };
}

type OpenParams = ParamsIn<'kube.openLogs'>;
const openCalls = (fake: FakeBridge) => fake.method('kube.openLogs').mock.calls.map(([p]) => p as OpenParams);
const closedIds = (fake: FakeBridge) => fake.cancelledStreams();

/** The id of the `n`-th stream opened (1-based; default the latest), once its answer has arrived. */
async function streamId(fake: FakeBridge, n?: number): Promise<string> {
  await waitFor(() => expect(fake.method('kube.openLogs')).toHaveBeenCalled());
  const results = fake.method('kube.openLogs').mock.results;
  const result = await results[(n ?? results.length) - 1].value;
  if (!result.ok) throw new Error('kube.openLogs failed in the fake');
  return (result.value as { streamId: string }).streamId;
}

/** Renders are drawn once per animation frame: wait for the next one. */
const nextFrame = () => act(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())));

/** Delivers one message of log stream `id` (streaming unless said otherwise) and waits for it to be drawn. */
async function emitLines(fake: FakeBridge, id: string, lines: string[], extra: Partial<Omit<LogLines, 'lines'>> = {}) {
  act(() => fake.streamMessage('kube.logs', id, { state: { phase: 'streaming' }, ...extra, lines }));
  await nextFrame();
}

const numbered = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `line ${from + i}`);
const logRegion = () => screen.getByRole('log');
/** The text of the rendered line elements, markers included. */
const shownLines = () => [...logRegion().querySelectorAll('.log-line')].map((el) => el.textContent);
const statusText = () => screen.getByRole('status', { name: 'Log stream' }).textContent;

afterEach(() => vi.restoreAllMocks());

describe('LogView', () => {
  it('opens the first main container and shows its lines as they arrive', async () => {
    const { fake } = renderLogs();
    const id = await streamId(fake);
    expect(openCalls(fake)).toEqual([
      { connectionId: 'k-prod', namespace: 'shop', pod: 'web-1', container: 'app', previous: false, timestamps: false, follow: true, tailLines: 10_000 },
    ]);
    expect(statusText()).toBe('0 lines · connecting…');
    expect(logRegion().getAttribute('aria-label')).toBe('Logs of web-1, container app');

    await emitLines(fake, id, ['starting', 'listening on :8080']);
    expect(shownLines()).toEqual(['starting', 'listening on :8080']);
    await emitLines(fake, id, ['GET / 200']);
    expect(shownLines()).toEqual(['starting', 'listening on :8080', 'GET / 200']);
    expect(statusText()).toBe('3 lines · streaming');

    const select = screen.getByRole('combobox', { name: 'Container' });
    expect(within(select).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'migrate — terminated: Completed (exit 0)',
      'app — running · 3 restarts',
      'proxy — running',
    ]);
  });

  it('keeps the last 100,000 lines and says that older ones were dropped', async () => {
    const { fake } = renderLogs();
    const id = await streamId(fake);
    await emitLines(fake, id, numbered(LOG_CAPACITY));
    await emitLines(fake, id, numbered(250, LOG_CAPACITY));
    expect(statusText()).toContain('100,000 lines · 250 older lines dropped');
    expect(shownLines().at(-1)).toBe('line 100249');

    fireEvent.keyDown(logRegion(), { key: 'g' });
    await nextFrame();
    expect(shownLines()[0]).toBe('line 250');
  });

  it('keeps the DOM small for a burst of 50,000 lines in one event, and follows to its end', async () => {
    const { fake } = renderLogs();
    const id = await streamId(fake);
    await emitLines(fake, id, numbered(50_000));
    const rendered = logRegion().querySelectorAll('.log-line').length;
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(200);
    expect(shownLines().at(-1)).toBe('line 49999');
    expect(logRegion().scrollTop).toBe(50_000 * LINE_HEIGHT - FALLBACK_VIEWPORT);
  });

  it('counts search matches, highlights them, and moves between them with Enter, Shift+Enter, n and N', async () => {
    const user = userEvent.setup();
    const { fake } = renderLogs();
    const id = await streamId(fake);
    await emitLines(fake, id, ['GET /a 200', 'GET /b 500', 'ERROR db timeout', 'GET /c 500', 'GET /d 500']);

    const search = screen.getByRole('searchbox', { name: 'Search the log' });
    await user.type(search, '500');
    await nextFrame();
    expect(screen.getByText('3 matches')).toBeTruthy();
    expect([...logRegion().querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['500', '500', '500']);

    await user.keyboard('{Enter}');
    expect(screen.getByText('1 of 3')).toBeTruthy();
    expect(logRegion().querySelector('[aria-current]')?.textContent).toBe('GET /b 500');
    await user.keyboard('{Enter}');
    expect(screen.getByText('2 of 3')).toBeTruthy();
    expect(logRegion().querySelector('[aria-current]')?.textContent).toBe('GET /c 500');
    await user.keyboard('{Shift>}{Enter}{/Shift}');
    expect(screen.getByText('1 of 3')).toBeTruthy();
    // Backwards from the first goes round to the last.
    await user.keyboard('{Shift>}{Enter}{/Shift}');
    expect(screen.getByText('3 of 3')).toBeTruthy();

    // Esc takes focus back to the lines, where n and N move too.
    await user.keyboard('{Escape}');
    expect(document.activeElement).toBe(logRegion());
    await user.keyboard('n');
    expect(screen.getByText('1 of 3')).toBeTruthy();
    await user.keyboard('N');
    expect(screen.getByText('3 of 3')).toBeTruthy();

    // New lines that match are counted as they arrive; the position stays on the same line.
    await emitLines(fake, id, ['GET /e 500']);
    expect(screen.getByText('3 of 4')).toBeTruthy();

    await user.clear(search);
    await user.type(search, 'nothing like it');
    await nextFrame();
    expect(screen.getByText('No matches')).toBeTruthy();
  });

  it('shows only the matching lines when asked', async () => {
    const user = userEvent.setup();
    const { fake } = renderLogs();
    const id = await streamId(fake);
    await emitLines(fake, id, ['info a', 'warn b', 'info c', 'warn d']);
    await user.type(screen.getByRole('searchbox', { name: 'Search the log' }), 'warn');
    await user.click(screen.getByRole('button', { name: 'Only matching' }));
    await nextFrame();
    expect(screen.getByRole('button', { name: 'Only matching' }).getAttribute('aria-pressed')).toBe('true');
    expect(shownLines()).toEqual(['warn b', 'warn d']);
    expect(statusText()).toContain('2 of 4 lines');

    await emitLines(fake, id, ['info e', 'warn f']);
    expect(shownLines()).toEqual(['warn b', 'warn d', 'warn f']);

    await user.click(screen.getByRole('button', { name: 'Only matching' }));
    await nextFrame();
    expect(shownLines()).toHaveLength(6);
  });

  it('follows new lines at the bottom, and once scrolled up offers to jump to the new ones instead', async () => {
    const user = userEvent.setup();
    const { fake } = renderLogs();
    const id = await streamId(fake);
    const bottom = (lines: number) => lines * LINE_HEIGHT - FALLBACK_VIEWPORT;
    await emitLines(fake, id, numbered(1000));
    expect(logRegion().scrollTop).toBe(bottom(1000));
    await emitLines(fake, id, numbered(10, 1000));
    expect(logRegion().scrollTop).toBe(bottom(1010));
    expect(screen.queryByRole('button', { name: /jump to bottom/ })).toBeNull();

    // The user scrolls up: the view stays where they put it.
    logRegion().scrollTop = 100 * LINE_HEIGHT;
    fireEvent.scroll(logRegion());
    await emitLines(fake, id, numbered(5, 1010));
    expect(logRegion().scrollTop).toBe(100 * LINE_HEIGHT);
    expect(shownLines()).toContain('line 100');
    await emitLines(fake, id, numbered(2, 1015));
    await user.click(screen.getByRole('button', { name: '7 new lines — jump to bottom' }));
    await nextFrame();
    expect(logRegion().scrollTop).toBe(bottom(1017));
    expect(screen.queryByRole('button', { name: /jump to bottom/ })).toBeNull();

    // Following again.
    await emitLines(fake, id, numbered(3, 1017));
    expect(logRegion().scrollTop).toBe(bottom(1020));

    // Follow off: no scrolling by itself, but the new lines are offered.
    await user.click(screen.getByRole('button', { name: 'Follow' }));
    await emitLines(fake, id, numbered(4, 1020));
    expect(logRegion().scrollTop).toBe(bottom(1020));
    expect(screen.getByRole('button', { name: '4 new lines — jump to bottom' })).toBeTruthy();
  });

  it('shows the lines the services skipped as a marker where they were skipped', async () => {
    const { fake } = renderLogs();
    const id = await streamId(fake);
    await emitLines(fake, id, ['before']);
    await emitLines(fake, id, ['after'], { dropped: 1234 });
    expect(shownLines()).toEqual(['before', '… 1,234 lines skipped (the pod wrote faster than shown)', 'after']);
  });

  it('closes the old stream and opens one for the container chosen, showing only its lines', async () => {
    const user = userEvent.setup();
    const { fake } = renderLogs();
    const first = await streamId(fake);
    await emitLines(fake, first, ['app line']);

    await user.selectOptions(screen.getByRole('combobox', { name: 'Container' }), 'proxy');
    const second = await streamId(fake, 2);
    expect(closedIds(fake)).toEqual([first]);
    expect(openCalls(fake)[1]).toEqual({
      connectionId: 'k-prod',
      namespace: 'shop',
      pod: 'web-1',
      container: 'proxy',
      previous: false,
      timestamps: false,
      follow: true,
      tailLines: 10_000,
    });
    await nextFrame();
    expect(shownLines()).toEqual([]);

    // Late lines of the closed stream, and lines of someone else's, are not ours.
    await emitLines(fake, first, ['late app line']);
    await emitLines(fake, 'another-view', ['elsewhere']);
    await emitLines(fake, second, ['proxy line']);
    expect(shownLines()).toEqual(['proxy line']);
    expect(logRegion().getAttribute('aria-label')).toBe('Logs of web-1, container proxy');

    // Timestamps and the tail length open it again too.
    await user.click(screen.getByRole('button', { name: 'Timestamps' }));
    await waitFor(() => expect(openCalls(fake)).toHaveLength(3));
    expect(openCalls(fake)[2]).toMatchObject({ container: 'proxy', timestamps: true });
    const third = await streamId(fake, 3);
    await emitLines(fake, third, ['2025-01-01T10:00:00.5Z ready']);
    expect(logRegion().querySelector('.log-ts')?.textContent).toBe('2025-01-01T10:00:00.5Z ');

    await user.selectOptions(screen.getByRole('combobox', { name: 'Tail' }), 'last 1,000 lines');
    await waitFor(() => expect(openCalls(fake)).toHaveLength(4));
    expect(openCalls(fake)[3]).toMatchObject({ tailLines: 1000 });
    expect(closedIds(fake)).toEqual([first, second, third]);
  });

  it('follows the inspector to another pod: the same container if it has one, from a fresh view', async () => {
    const user = userEvent.setup();
    const { fake, rerender } = renderLogs();
    const first = await streamId(fake);
    await emitLines(fake, first, numbered(500));
    logRegion().scrollTop = 0;
    fireEvent.scroll(logRegion());
    await user.type(screen.getByRole('searchbox', { name: 'Search the log' }), 'line 1');
    await user.keyboard('{Enter}');
    expect(screen.getByText(/^1 of /)).toBeTruthy();

    rerender(<LogView connectionId="k-prod" namespace="shop" pod="web-2" containers={[initContainer, app, sidecar]} />);
    const second = await streamId(fake, 2);
    expect(closedIds(fake)).toEqual([first]);
    expect(openCalls(fake)[1]).toMatchObject({ pod: 'web-2', container: 'app' });
    await emitLines(fake, second, numbered(100, 1000));
    expect(screen.getByText('100 matches')).toBeTruthy();
    expect(logRegion().scrollTop).toBe(100 * LINE_HEIGHT - FALLBACK_VIEWPORT);
  });

  it('applies lines that overtake the answer of kube.openLogs, once it says they are ours', async () => {
    let answer: (value: ReturnType<typeof ok<{ streamId: string }>>) => void = () => undefined;
    const { fake } = renderLogs(undefined, { 'kube.openLogs': () => new Promise((resolve) => (answer = resolve)) });
    await waitFor(() => expect(fake.method('kube.openLogs')).toHaveBeenCalled());
    act(() => fake.streamMessage('kube.logs', '7', { lines: ['first'], state: { phase: 'streaming' } }));
    act(() => fake.streamMessage('kube.logs', '8', { lines: ['other'], state: { phase: 'streaming' } }));
    await act(async () => answer(ok({ streamId: '7' })));
    await nextFrame();
    expect(shownLines()).toEqual(['first']);
  });

  it('says when the previous instance is gone, and offers the current log instead of a refresh that cannot help', async () => {
    const user = userEvent.setup();
    const { fake } = renderLogs(undefined, {
      'kube.openLogs': (p) => (p.previous ? fail('NOT_FOUND', 'Container app in pod shop/web-1 has no previous instance: it has not restarted, or its old log was removed') : ok({ streamId: String(Math.random()) })),
    });
    await waitFor(() => expect(openCalls(fake)).toHaveLength(1));
    await user.click(screen.getByRole('button', { name: 'Previous' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('No previous instance');
    expect(alert.textContent).not.toContain('Check what you entered');
    expect(within(alert).queryByRole('button', { name: 'Refresh' })).toBeNull();
    await user.click(within(alert).getByRole('button', { name: 'Show the current log' }));
    await waitFor(() => expect(openCalls(fake).at(-1)).toMatchObject({ container: 'app', previous: false }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('offers the previous instance only when the container has one', async () => {
    const user = userEvent.setup();
    const { fake } = renderLogs();
    await streamId(fake);
    const previous = screen.getByRole('button', { name: 'Previous' }) as HTMLButtonElement;
    expect(previous.disabled).toBe(false);
    await user.click(previous);
    await waitFor(() => expect(openCalls(fake)).toHaveLength(2));
    expect(openCalls(fake)[1]).toMatchObject({ container: 'app', previous: true });
    expect(previous.getAttribute('aria-pressed')).toBe('true');
    const id = await streamId(fake, 2);
    await emitLines(fake, id, ['panic: boom'], { state: { phase: 'ended' } });
    expect(statusText()).toBe('1 line · end of log');

    // The sidecar never restarted: Previous is off, and says why it cannot be turned on.
    await user.selectOptions(screen.getByRole('combobox', { name: 'Container' }), 'proxy');
    await waitFor(() => expect(openCalls(fake)).toHaveLength(3));
    expect(openCalls(fake)[2]).toMatchObject({ container: 'proxy', previous: false });
    expect(previous.disabled).toBe(true);
    expect(previous.getAttribute('aria-pressed')).toBe('false');
    const reason = document.getElementById(previous.getAttribute('aria-describedby')!);
    expect(reason?.textContent).toBe('proxy has no previous instance: it has not restarted.');
  });

  it('shows where the stream stands, with its message, and opens it again on Retry', async () => {
    const user = userEvent.setup();
    const { fake } = renderLogs();
    const id = await streamId(fake);
    await emitLines(fake, id, ['a'], { state: { phase: 'reconnecting', message: 'connection reset; retrying in 2 s' } });
    expect(statusText()).toBe('1 line · reconnecting… · connection reset; retrying in 2 s');
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();

    await emitLines(fake, id, [], { state: { phase: 'error', message: 'container "app" in pod "web-1" is waiting to start' } });
    expect(statusText()).toBe('1 line · error · container "app" in pod "web-1" is waiting to start');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(openCalls(fake)).toHaveLength(2));
    expect(closedIds(fake)).toEqual([id]);
    await nextFrame();
    expect(statusText()).toBe('0 lines · connecting…');
  });

  it('says why the stream could not be opened, and retries', async () => {
    const user = userEvent.setup();
    let allowed = false;
    const { fake } = renderLogs(undefined, {
      'kube.openLogs': () => (allowed ? ok({ streamId: '42' }) : fail('FORBIDDEN', 'pods "web-1" is forbidden: cannot get resource "pods/log"')),
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Not permitted');
    expect(alert.textContent).toContain('cannot get resource "pods/log"');
    allowed = true;
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(openCalls(fake)).toHaveLength(2));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    await emitLines(fake, '42', ['finally']);
    expect(shownLines()).toEqual(['finally']);
  });

  it('downloads the whole log as a file with the text the services returned, and says when it was cut', async () => {
    const user = userEvent.setup();
    const { fake } = renderLogs(undefined, {
      'kube.downloadLogs': () => ok({ fileName: 'web-1_app.log', text: 'line 1\nline 2\n', bytes: 14, truncated: true }),
    });
    await streamId(fake);
    const blobs: Blob[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => (blobs.push(blob), 'blob:pilothouse/1'));
    URL.revokeObjectURL = vi.fn();
    const clicked: { href: string; download: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download });
    });

    await user.click(screen.getByRole('button', { name: 'Download' }));
    await screen.findByText(/Saved web-1_app.log/);
    expect(fake.method('kube.downloadLogs')).toHaveBeenCalledWith({ connectionId: 'k-prod', namespace: 'shop', pod: 'web-1', container: 'app', previous: false, timestamps: false });
    expect(clicked).toEqual([{ href: 'blob:pilothouse/1', download: 'web-1_app.log' }]);
    expect(await blobs[0].text()).toBe('line 1\nline 2\n');
    expect(screen.getByText('Saved web-1_app.log: only the last 14 B, the log is longer')).toBeTruthy();
  });

  it('clears the lines shown but keeps streaming', async () => {
    const user = userEvent.setup();
    const { fake } = renderLogs();
    const id = await streamId(fake);
    await emitLines(fake, id, ['old 1', 'old 2']);
    await user.click(screen.getByRole('button', { name: 'Clear' }));
    await nextFrame();
    expect(shownLines()).toEqual([]);
    expect(statusText()).toBe('0 lines · streaming');
    await emitLines(fake, id, ['new']);
    expect(shownLines()).toEqual(['new']);
    expect(openCalls(fake)).toHaveLength(1);
  });

  it('takes / to its own search from inside the log view, leaving the inspector out of it', async () => {
    const user = userEvent.setup();
    const { fake } = renderLogs();
    const id = await streamId(fake);
    await emitLines(fake, id, numbered(100));
    const reachedWindow = vi.fn();
    window.addEventListener('keydown', reachedWindow);
    try {
      logRegion().focus();
      await user.keyboard('/');
      expect(document.activeElement).toBe(screen.getByRole('searchbox', { name: 'Search the log' }));
      await user.keyboard('{Escape}');
      expect(document.activeElement).toBe(logRegion());
      await user.keyboard('k');
      expect(reachedWindow).not.toHaveBeenCalled();
      // Keys the log does not use still reach the inspector.
      await user.keyboard('o');
      expect(reachedWindow).toHaveBeenCalledTimes(1);
    } finally {
      window.removeEventListener('keydown', reachedWindow);
    }
  });

  it('keeps its lines when the window falls behind on shared events, and opens the stream again only when the connection was lost', async () => {
    const { fake } = renderLogs();
    const first = await streamId(fake);
    await emitLines(fake, first, ['kept']);
    act(() => fake.resync());
    await nextFrame();
    expect(openCalls(fake)).toHaveLength(1);
    expect(shownLines()).toEqual(['kept']);
    act(() => fake.streamEnd(first, { code: 'UNREACHABLE', message: 'lost' }));
    await waitFor(() => expect(openCalls(fake)).toHaveLength(2));
    const second = await streamId(fake, 2);
    await emitLines(fake, second, ['after the reconnect']);
    expect(shownLines()).toEqual(['after the reconnect']);
  });

  it('closes its stream when it goes away', async () => {
    const { fake, unmount } = renderLogs();
    const id = await streamId(fake);
    unmount();
    expect(closedIds(fake)).toEqual([id]);
  });

  it('says when the pod has no containers to read', () => {
    renderLogs([]);
    expect(screen.getByText('This pod has no containers.')).toBeTruthy();
  });
});

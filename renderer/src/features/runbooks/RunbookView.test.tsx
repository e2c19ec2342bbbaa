import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { RunbookView } from './RunbookView';

const BODY = [
  '## Steps',
  '',
  '- [ ] First',
  '- [ ] Second',
  '',
  '```bash',
  'kubectl get nodes',
  '```',
  '',
  '<pre><code>rm -rf ~ # raw HTML: shown, not runnable</code></pre>',
  '',
  '[Steps](#steps) · [mail](mailto:oncall@example.com) · [web](https://example.com/x)',
].join('\n');

function renderView(overrides: Partial<Parameters<typeof RunbookView>[0]> = {}) {
  const props = { body: BODY, checked: new Set<number>(), onToggle: vi.fn(), onRun: vi.fn(), onItems: vi.fn(), ...overrides };
  const view = render(<RunbookView {...props} />);
  return { ...view, props };
}

afterEach(() => vi.restoreAllMocks());

describe('RunbookView', () => {
  it('gives Run in terminal and Copy to real code blocks only, with the text as the source has it', async () => {
    const user = userEvent.setup();
    const { props } = renderView();
    const runs = screen.getAllByRole('button', { name: 'Run in terminal…' });
    expect(runs).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Copy code block 1' })).toBeTruthy();
    await user.click(runs[0]);
    expect(props.onRun).toHaveBeenCalledWith('kubectl get nodes');
    expect(document.querySelectorAll('pre')).toHaveLength(2);
  });

  it('counts the checklist, reports clicks by item and shows what the parent says is ticked', async () => {
    const user = userEvent.setup();
    const { props, rerender } = renderView();
    expect(props.onItems).toHaveBeenLastCalledWith(2);
    const second = screen.getByRole('checkbox', { name: 'Second' }) as HTMLInputElement;
    await user.click(second);
    expect(props.onToggle).toHaveBeenCalledWith(1, true);
    // Not ticked until the parent says so.
    expect(second.checked).toBe(false);
    rerender(<RunbookView {...props} checked={new Set([1])} />);
    expect(second.checked).toBe(true);
  });

  it('opens web and mail links through the external path and scrolls to in-page anchors', async () => {
    const user = userEvent.setup();
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    const scroll = vi.fn();
    // jsdom has no layout, so no scrollIntoView: stand one in for this test.
    Element.prototype.scrollIntoView = scroll;
    onTestFinished(() => void delete (Element.prototype as Partial<Element>).scrollIntoView);
    renderView();
    await user.click(screen.getByRole('link', { name: 'web' }));
    expect(open).toHaveBeenLastCalledWith('https://example.com/x', '_blank', 'noopener,noreferrer');
    await user.click(screen.getByRole('link', { name: 'mail' }));
    expect(open).toHaveBeenLastCalledWith('mailto:oncall@example.com', '_blank', 'noopener,noreferrer');
    await user.click(screen.getByRole('link', { name: 'Steps' }));
    expect(open).toHaveBeenCalledTimes(2);
    expect(scroll.mock.contexts[0]).toBe(screen.getByRole('heading', { name: 'Steps' }));
    expect(location.hash).not.toContain('steps');
  });

  it('runs and ticks inside a link that wraps them, without opening the link', async () => {
    const user = userEvent.setup();
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    const { props } = renderView({ body: '<a href="https://evil.example/track">\n\n```sh\nkubectl get pods\n```\n\n- [ ] tick me\n\n</a>' });
    await user.click(screen.getByRole('button', { name: 'Run in terminal…' }));
    expect(props.onRun).toHaveBeenCalledWith('kubectl get pods');
    await user.click(screen.getByRole('checkbox', { name: 'tick me' }));
    expect(props.onToggle).toHaveBeenCalledWith(0, true);
    await user.click(document.querySelector('pre')!);
    expect(open).not.toHaveBeenCalled();
  });

  it('says why a runbook is not shown instead of rendering it', () => {
    renderView({ body: '<div>'.repeat(300) + 'x' });
    expect(within(screen.getByRole('alert')).getByText(/nested more than 256 levels/)).toBeTruthy();
  });

  it('shows the source of a runbook it does not render, on request', async () => {
    const user = userEvent.setup();
    const body = Array.from({ length: 20_000 }, (_, i) => `- step ${i}`).join('\n');
    renderView({ body });
    expect(within(screen.getByRole('alert')).getByText(/are not rendered/)).toBeTruthy();
    expect(screen.queryAllByRole('listitem')).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Show source' }));
    expect(document.querySelector('pre.runbook-source')?.textContent).toBe(body);
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeBridge, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { NEW_SPEC, usePipelines } from './pipelinesStore';
import { spec, specMeta } from './testKit';

// Monaco cannot run in jsdom: the editor is a text area with the same name.
vi.mock('../../shell/monaco/YamlSpecEditor', () => ({
  YamlSpecEditor: ({ value, onChange, ariaLabel }: { value: string; onChange(v: string): void; ariaLabel: string }) => <textarea aria-label={ariaLabel} value={value} onChange={(e) => onChange(e.target.value)} />,
}));

const palette = () => screen.getByRole('dialog', { name: 'Command palette' });
const typeCommand = async (user: ReturnType<typeof userEvent.setup>, text: string) => {
  await user.keyboard('{Control>}k{/Control}');
  await user.type(within(palette()).getByRole('combobox', { name: 'Search commands' }), text);
};

beforeEach(() => usePipelines.setState({ selectedId: null, draft: null, dialog: null, tab: 'specs', history: false, pending: null }));

describe('palette: pipelines', () => {
  it('finds specs by name and opens the one chosen', async () => {
    const user = userEvent.setup();
    const fake = createFakeBridge({
      'pipelines.specs': () => ok([specMeta(), specMeta({ id: 'sp-etl', name: 'etl-cron' })]),
      'pipelines.spec': () => ok(spec()),
    });
    renderApp(fake, '#/connections');
    await typeCommand(user, 'nightly');
    const group = await screen.findByRole('group', { name: 'Pipeline specs' });
    await waitFor(() => expect(within(group).getAllByRole('option').map((o) => o.querySelector('.palette-title')?.textContent)).toEqual(['Open spec nightly-train']));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(location.hash).toBe('#/pipelines'));
    expect(await screen.findByRole('heading', { name: 'nightly-train', level: 2 })).toBeTruthy();
  });

  it('has New pipeline spec and Import pipeline specs… commands', async () => {
    const user = userEvent.setup();
    const fake = createFakeBridge({ 'pipelines.specs': () => ok([]) });
    renderApp(fake, '#/connections');
    await typeCommand(user, 'Import pipeline specs');
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('dialog', { name: 'Import pipeline specs' })).toBeTruthy();
    await user.keyboard('{Escape}');

    await typeCommand(user, 'New pipeline spec');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(location.hash).toBe('#/pipelines'));
    expect(((await screen.findByRole('textbox', { name: 'Spec YAML' })) as HTMLTextAreaElement).value).toBe(NEW_SPEC);
  });
});

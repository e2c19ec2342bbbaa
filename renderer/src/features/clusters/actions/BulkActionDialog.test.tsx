import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Profiler } from 'react';
import { expect, it } from 'vitest';
import type { ParamsIn, Row } from '../../../../../shared/contract';
import { setBridge } from '../../../api/client';
import { createFakeBridge, fail, kubeConnection, ok } from '../../../test/fakeBridge';
import { resourceEntries } from '../resourceCatalog';
import { BulkActionDialog } from './BulkActionDialog';

const pods = resourceEntries().find((e) => e.key === '/pods')!;

it('runs 2,000 objects through with a bounded list and a render per frame, not per call, and sums them up', async () => {
  const user = userEvent.setup();
  const rows: Row[] = Array.from({ length: 2000 }, (_, i) => ({ uid: `uid-${i}`, name: `web-${i}`, namespace: 'shop', cells: [] }));
  // Each answer comes in a task of its own, as over IPC.
  const answer = (p: ParamsIn<'kube.delete'>) => (p.name === 'web-1' || p.name === 'web-2' ? fail('CONFLICT', `pod ${p.name} was deleted and created again since`) : ok({}));
  const fake = createFakeBridge({ 'kube.delete': (p) => new Promise((resolve) => setTimeout(() => resolve(answer(p)), 0)) });
  setBridge(fake.bridge);
  let commits = 0;
  let mostItems = 0;
  render(
    <Profiler
      id="bulk"
      onRender={() => {
        commits++;
        mostItems = Math.max(mostItems, document.querySelectorAll('.bulk-list li').length);
      }}
    >
      <BulkActionDialog connection={kubeConnection({ labels: {} })} entry={pods} action="delete" rows={rows} onClose={() => {}} onForbidden={() => {}} />
    </Profiler>,
  );
  const dialog = screen.getByRole('dialog', { name: 'Delete 2000 pods' });
  const list = within(dialog).getByRole('list', { name: 'pods to delete' });
  // Only the lines in view are drawn; each says where it stands among all.
  expect(within(list).getAllByRole('listitem').length).toBeLessThanOrEqual(50);
  expect(within(list).getAllByRole('listitem')[0].getAttribute('aria-setsize')).toBe('2000');
  commits = 0;
  await user.click(within(dialog).getByRole('button', { name: 'Delete 2000 pods' }));

  await waitFor(() => expect(within(dialog).getByRole('status').textContent).toBe('1998 deleted, 2 failed.'), { timeout: 30_000 });
  expect(fake.method('kube.delete')).toHaveBeenCalledTimes(2000);
  expect((fake.method('kube.delete').mock.calls[1999][0] as ParamsIn<'kube.delete'>).name).toBe('web-1999');
  // One call made two updates each before: 4,000 renders of 2,000 lines.
  expect(commits).toBeLessThan(rows.length / 4);
  expect(mostItems).toBeLessThanOrEqual(50);
  const line = (name: string) => within(list).getByText(`shop/${name}`).parentElement!;
  expect(line('web-1').textContent).toContain('Failed: pod web-1 was deleted and created again since');
  expect(line('web-0').textContent).toContain('✓ Deleted');
}, 60_000);

it('stops starting calls on Stop, finishes those under way, and counts the rest as not started', async () => {
  const user = userEvent.setup();
  const rows: Row[] = Array.from({ length: 10 }, (_, i) => ({ uid: `uid-${i}`, name: `web-${i}`, namespace: 'shop', cells: [] }));
  const waiting: (() => void)[] = [];
  const fake = createFakeBridge({ 'kube.delete': () => new Promise((resolve) => waiting.push(() => resolve(ok({})))) });
  setBridge(fake.bridge);
  render(<BulkActionDialog connection={kubeConnection({ labels: {} })} entry={pods} action="delete" rows={rows} onClose={() => {}} onForbidden={() => {}} />);
  const dialog = screen.getByRole('dialog', { name: 'Delete 10 pods' });
  await user.click(within(dialog).getByRole('button', { name: 'Delete 10 pods' }));
  await waitFor(() => expect(waiting).toHaveLength(4));
  await waitFor(() => expect(within(dialog).getByText('shop/web-0').parentElement!.textContent).toContain('Deleting…'));
  await user.click(within(dialog).getByRole('button', { name: 'Stop' }));
  expect(within(dialog).getByRole('status').textContent).toContain('Stopping after the calls under way…');
  for (const resolve of waiting.splice(0)) resolve();
  await waitFor(() => expect(within(dialog).getByRole('status').textContent).toBe('4 deleted, 6 not started.'));
  expect(fake.method('kube.delete')).toHaveBeenCalledTimes(4);
  expect(within(dialog).getByText('shop/web-9').parentElement!.textContent).toContain('Not started');
  expect(within(dialog).getByRole('button', { name: 'Close' })).toBeTruthy();
});

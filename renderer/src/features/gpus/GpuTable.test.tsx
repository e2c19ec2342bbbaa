import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { GpuTable, type TableColumn } from './GpuTable';

interface Pod {
  name: string;
  gpus: number | null;
}

const columns: TableColumn<Pod>[] = [
  { key: 'name', title: 'Pod', width: '200px', value: (p) => p.name },
  { key: 'gpus', title: 'GPUs', width: '80px', value: (p) => p.gpus },
];

const pods: Pod[] = Array.from({ length: 10_000 }, (_, i) => ({ name: `train-${i}`, gpus: i % 10 === 0 ? null : i % 8 }));

describe('GpuTable', () => {
  it('renders a window of 10,000 rows, sorts them all, and exports them all', async () => {
    render(<GpuTable title="Pods" rows={pods} rowKey={(p) => p.name} columns={columns} initialSort={{ key: 'gpus', dir: 'desc' }} empty="none" />);
    const grid = screen.getByRole('grid', { name: 'Pods' });
    const shown = () => within(grid).getAllByRole('row').slice(1);
    expect(shown().length).toBeLessThan(60);
    expect(grid.getAttribute('aria-rowcount')).toBe('10001');
    expect(within(shown()[0]).getAllByRole('gridcell')[1].textContent).toBe('7');

    await userEvent.click(within(grid).getByRole('button', { name: 'Sort by Pod' }));
    // Natural order: train-9 before train-10, descending puts train-9999 first.
    expect(within(shown()[0]).getAllByRole('gridcell')[0].textContent).toBe('train-9999');
    await userEvent.click(within(grid).getByRole('button', { name: 'Sort by GPUs' }));
    expect(within(shown()[0]).getAllByRole('gridcell')[1].textContent).toBe('7');
    await userEvent.click(within(grid).getByRole('button', { name: 'Sort by GPUs' }));
    // Ascending: unknown counts stay last, zero comes first.
    expect(within(shown()[0]).getAllByRole('gridcell')[1].textContent).toBe('0');
    expect(screen.getByRole('button', { name: 'Export Pods as CSV' }).getAttribute('title')).toBe('Save the 10,000 rows shown as a CSV file');
  });

  it('shows its empty state and disables the export without rows', () => {
    render(<GpuTable title="Pods" rows={[]} rowKey={(p: Pod) => p.name} columns={columns} initialSort={{ key: 'gpus', dir: 'desc' }} empty="No pod holds a GPU." />);
    expect(screen.getByText('No pod holds a GPU.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Export Pods as CSV' })).toHaveProperty('disabled', true);
  });
});

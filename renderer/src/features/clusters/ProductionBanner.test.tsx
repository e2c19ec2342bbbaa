import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { kubeConnection } from '../../test/fakeBridge';
import { markOf } from '../../../../shared/production';
import { useProductionMarks } from '../connections/productionMarks';
import { ProductionBanner } from './ProductionBanner';

describe('the production banner', () => {
  it('names the connection and the label that makes it production', () => {
    render(<ProductionBanner connection={kubeConnection({ name: 'payments-eu', labels: { team: 'pay', Environment: 'Production' } })} />);
    const banner = screen.getByRole('note', { name: 'Production connection' });
    expect(banner.textContent).toContain('Production');
    expect(banner.textContent).toContain('payments-eu is labelled Environment=Production');
  });

  it('is absent on other connections', () => {
    const { container } = render(<ProductionBanner connection={kubeConnection({ labels: { env: 'staging' } })} />);
    expect(container.innerHTML).toBe('');
  });

  it('shows on a connection whose label the user marked as production, and follows the mark', () => {
    const connection = kubeConnection({ name: 'gpu-fleet', labels: { 'cluster-tier': 'critical' } });
    act(() => useProductionMarks.getState().setMarked(new Set([markOf('cluster-tier', 'critical')])));
    render(<ProductionBanner connection={connection} />);
    expect(screen.getByRole('note', { name: 'Production connection' }).textContent).toContain('gpu-fleet is labelled cluster-tier=critical');
    act(() => useProductionMarks.getState().setMarked(new Set()));
    expect(screen.queryByRole('note', { name: 'Production connection' })).toBeNull();
  });
});

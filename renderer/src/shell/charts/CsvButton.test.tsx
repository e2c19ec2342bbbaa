import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CsvButton } from './CsvButton';

afterEach(() => vi.restoreAllMocks());

describe('CsvButton', () => {
  it('downloads the rows shown as a UTF-8 CSV through a blob link', async () => {
    const blobs: Blob[] = [];
    // jsdom has no object URLs: record the blob, and the link the download goes through.
    URL.createObjectURL = vi.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:test/1';
    });
    URL.revokeObjectURL = vi.fn();
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      expect(this.href).toBe('blob:test/1');
      expect(this.download).toMatch(/^Idle-GPUs-\d{4}-\d\d-\d\d-\d\d-\d\d\.csv$/);
    });
    render(<CsvButton title="Idle GPUs" columns={[{ title: 'Pod', value: (r: { pod: string }) => r.pod }]} rows={[{ pod: 'train-0' }, { pod: '@evil' }]} />);
    await userEvent.click(screen.getByRole('button', { name: 'Export Idle GPUs as CSV' }));
    expect(clicked).toHaveBeenCalledOnce();
    expect(blobs[0].type).toBe('text/csv;charset=utf-8');
    const bytes = new Uint8Array(await blobs[0].arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes.slice(3))).toBe("Pod\r\ntrain-0\r\n'@evil\r\n");
    // The link is gone from the page once clicked.
    expect(document.querySelector('a[download]')).toBeNull();
  });

  it('is disabled with no rows to save', () => {
    render(<CsvButton title="Idle GPUs" columns={[]} rows={[]} />);
    expect(screen.getByRole('button', { name: 'Export Idle GPUs as CSV' })).toHaveProperty('disabled', true);
  });
});

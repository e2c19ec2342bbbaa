import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { CellValue, ObjectName } from './CellValue';

const badge = (value: string) => {
  render(<CellValue kind="status" value={value} />);
  return screen.getByText(value);
};

describe('status cells', () => {
  it('a running pod that is not ready is a warning, not green', () => {
    expect(badge('Running (0/1 ready)').className).toBe('badge tone-warn');
    expect(badge('Running').className).toBe('badge tone-ok');
  });
});

describe('object names', () => {
  it('shorten in the middle: the generated end that tells siblings apart is kept whole', () => {
    const { container } = render(<ObjectName name="web-frontend-9b5fb97bc-x7k2p" />);
    // The start gives way to the ellipsis (styles.css); the end never shrinks.
    expect(container.querySelector('.mid-ellipsis-start')?.textContent).toBe('web-frontend-');
    expect(container.querySelector('.mid-ellipsis-end')?.textContent).toBe('9b5fb97bc-x7k2p');
    // Copying or searching the cell still finds the whole name.
    expect(container.textContent).toBe('web-frontend-9b5fb97bc-x7k2p');
  });

  it('stay plain when too short to shorten usefully', () => {
    const { container } = render(<ObjectName name="postgres-0" />);
    expect(container.innerHTML).toBe('postgres-0');
  });
});

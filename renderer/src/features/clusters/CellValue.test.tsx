import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { CellValue } from './CellValue';

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

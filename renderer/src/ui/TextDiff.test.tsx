import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ROW_LIMIT, TextDiff } from './TextDiff';

const numbered = (n: number, change: Record<number, string> = {}) => Array.from({ length: n }, (_, i) => change[i] ?? `line ${i + 1}`).join('\n');

/** Each shown row as "beforeNo afterNo sign text". */
const rows = () =>
  screen
    .getAllByRole('row')
    .map((r) => Array.from(r.querySelectorAll('td'), (td) => td.textContent).join('|'));

describe('TextDiff', () => {
  it('shows changed lines with both sides’ numbers and folds the unchanged rest, which opens on click', async () => {
    const user = userEvent.setup();
    render(<TextDiff before={numbered(20)} after={numbered(20, { 9: 'line TEN' })} beforeLabel="revision 1" afterLabel="revision 2" />);
    expect(screen.getByRole('figure', { name: 'Changes from revision 1 to revision 2' })).toBeTruthy();
    expect(rows()).toEqual([
      'Show 6 unchanged lines',
      '7|7| |line 7',
      '8|8| |line 8',
      '9|9| |line 9',
      '10||−|line 10',
      '|10|+|line TEN',
      '11|11| |line 11',
      '12|12| |line 12',
      '13|13| |line 13',
      'Show 7 unchanged lines',
    ]);
    expect(within(screen.getAllByRole('row')[4]!).getByLabelText('removed')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Show 6 unchanged lines' }));
    expect(rows().slice(0, 2)).toEqual(['1|1| |line 1', '2|2| |line 2']);
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Show 7 unchanged lines']);
  });

  it('says so when there are no differences, naming what only the line endings show', () => {
    render(<TextDiff before={'a\r\nb\r\n'} after={'a\nb\n'} beforeLabel="old" afterLabel="new" sameText="Same pod template." />);
    expect(screen.getByText('Same pod template.')).toBeTruthy();
    expect(screen.getByText('Line endings changed from CRLF to LF.')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('starts folded again when given other texts', async () => {
    const user = userEvent.setup();
    const { rerender } = render(<TextDiff before={numbered(20)} after={numbered(20, { 0: 'first' })} beforeLabel="a" afterLabel="b" />);
    await user.click(screen.getByRole('button', { name: 'Show 16 unchanged lines' }));
    expect(screen.queryByRole('button')).toBeNull();
    rerender(<TextDiff before={numbered(20)} after={numbered(20, { 1: 'second' })} beforeLabel="a" afterLabel="b" />);
    expect(screen.getByRole('button', { name: 'Show 15 unchanged lines' })).toBeTruthy();
  });

  it('draws at most ROW_LIMIT rows of a huge diff until asked for the rest', async () => {
    const user = userEvent.setup();
    const lines = (prefix: string) => Array.from({ length: 700 }, (_, i) => `${prefix} ${i}`).join('\n');
    const { container } = render(<TextDiff before={lines('old')} after={lines('new')} beforeLabel="a" afterLabel="b" />);
    expect(screen.getByText(/Too many lines differ to line them up/)).toBeTruthy();
    // Role queries over thousands of rows are slow in jsdom: rows are counted directly.
    expect(container.querySelectorAll('tr')).toHaveLength(ROW_LIMIT + 1);
    await user.click(screen.getByText(`Show the other ${1400 - ROW_LIMIT} lines`));
    expect(container.querySelectorAll('tr')).toHaveLength(1400);
  });
});

import { describe, expect, it } from 'vitest';
import { csvCell, toCsv, type CsvColumn } from './csv';
import { exportFileName } from './download';

describe('csvCell', () => {
  it('quotes commas, quotes and line breaks per RFC 4180', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-cmd|calc')).toBe("'-cmd|calc");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('writes numbers as numbers, negative ones included, and leaves non-finite ones and nothing empty', () => {
    expect(csvCell(-3.5)).toBe('-3.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(NaN)).toBe('');
    expect(csvCell(Infinity)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(false)).toBe('false');
  });
});

describe('toCsv', () => {
  interface Row {
    node: string;
    gpus: number | null;
  }
  const columns: CsvColumn<Row>[] = [
    { title: 'Node', value: (r) => r.node },
    { title: 'GPUs, free', value: (r) => r.gpus },
  ];

  it('writes a header and one CRLF-ended line per row', () => {
    expect(toCsv(columns, [{ node: 'gpu-a', gpus: 8 }, { node: '=evil', gpus: null }])).toBe('Node,"GPUs, free"\r\ngpu-a,8\r\n\'=evil,\r\n');
  });

  it('writes only the header for no rows', () => {
    expect(toCsv(columns, [])).toBe('Node,"GPUs, free"\r\n');
  });
});

describe('exportFileName', () => {
  const now = new Date('2026-12-04T12:40:00Z');

  it('keeps letters and digits and stamps the time', () => {
    expect(exportFileName('GPU inventory', 'csv', now)).toBe('GPU-inventory-2026-12-04-12-40.csv');
  });

  it('leaves no path, hidden-file or control characters from hostile titles', () => {
    for (const title of ['../../etc/passwd', '..\\..\\win.ini', '.hidden', 'a\u0000b\u202Ec', 'prod/eu:1 <x>']) {
      const name = exportFileName(title, 'png', now);
      expect(name).toMatch(/^[\w][\w.-]*\.png$/);
      expect(name).not.toContain('..');
    }
  });

  it('names a title of nothing usable "export" and caps long ones', () => {
    expect(exportFileName('///', 'csv', now)).toBe('export-2026-12-04-12-40.csv');
    expect(exportFileName('x'.repeat(500), 'csv', now).length).toBeLessThanOrEqual(100 + 21);
  });
});

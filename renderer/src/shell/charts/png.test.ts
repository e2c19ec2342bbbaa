import { afterEach, describe, expect, it, vi } from 'vitest';
import { composePng } from './png';

// jsdom has no 2D canvas: a recorder stands in for the context, 7 px per character.
function recorder() {
  const calls: { op: string; args: unknown[]; fillStyle: unknown }[] = [];
  const ctx = {
    fillStyle: '' as unknown,
    font: '',
    textBaseline: '',
    measureText: (text: string) => ({ width: text.length * 7 }),
    fillRect: (...args: unknown[]) => calls.push({ op: 'fillRect', args, fillStyle: ctx.fillStyle }),
    fillText: (...args: unknown[]) => calls.push({ op: 'fillText', args, fillStyle: ctx.fillStyle }),
    drawImage: (...args: unknown[]) => calls.push({ op: 'drawImage', args, fillStyle: ctx.fillStyle }),
  };
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(ctx as unknown as CanvasRenderingContext2D);
  return calls;
}

const source = () => Object.assign(document.createElement('canvas'), { width: 400, height: 200 });
const style = { title: 'Spend', background: '#fff', text: '#111' };

afterEach(() => vi.restoreAllMocks());

describe('composePng', () => {
  it('puts the title above the chart and nothing below without a legend', () => {
    const calls = recorder();
    const out = composePng(source(), style, 1);
    expect(out.height).toBe(200 + 28);
    expect(calls.filter((c) => c.op === 'fillText').map((c) => c.args[0])).toEqual(['Spend']);
    expect(calls.find((c) => c.op === 'drawImage')!.args.slice(1)).toEqual([0, 28]);
  });

  it('draws each legend row as a swatch and its label in a band under the chart, then how many more', () => {
    const calls = recorder();
    const legend = { rows: Array.from({ length: 8 }, (_, i) => ({ color: `#00000${i}`, label: `service number ${i}` })), hidden: 1234 };
    const out = composePng(source(), { ...style, legend }, 1);
    const texts = calls.filter((c) => c.op === 'fillText');
    expect(texts.map((c) => c.args[0])).toEqual(['Spend', ...legend.rows.map((r) => r.label), `+${(1234).toLocaleString()} more`]);
    // Everything in the legend is below the chart and inside the image.
    for (const t of texts.slice(1)) {
      expect(t.args[2] as number).toBeGreaterThan(28 + 200);
      expect(t.args[2] as number).toBeLessThan(out.height);
      expect((t.args[1] as number) + Math.min((t.args[0] as string).length * 7, t.args[3] as number)).toBeLessThanOrEqual(400);
    }
    // 16-character labels (112 px and a swatch) fit two to a 400 px line: four lines, "more" beside the last pair.
    expect(out.height).toBe(200 + 28 + (4 * 18 + 8));
    const swatches = calls.filter((c) => c.op === 'fillRect').slice(1);
    expect(swatches.map((c) => c.fillStyle)).toEqual(legend.rows.map((r) => r.color));
  });

  it('scales the band with the pixel ratio and cuts a label longer than the image', () => {
    const calls = recorder();
    const out = composePng(source(), { ...style, legend: { rows: [{ color: '#f00', label: 'x'.repeat(200) }], hidden: 0 } }, 2);
    expect(out.height).toBe(200 + 56 + (18 + 8) * 2);
    const label = calls.filter((c) => c.op === 'fillText')[1];
    expect((label.args[1] as number) + (label.args[3] as number)).toBeLessThanOrEqual(400);
  });
});

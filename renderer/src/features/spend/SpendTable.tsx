import type { SpendGranularity } from '../../../../shared/contract';
import { formatMoney, periodLabel, type SpendTableView } from './spendView';

/** One row per period, one column per series drawn, and the period's total; a totals row at the foot. */
export function SpendTable({ view, unit, granularity, title }: { view: SpendTableView; unit: string; granularity: SpendGranularity; title: string }) {
  const sums = view.series.map((_, i) => view.rows.reduce((sum, r) => sum + r.values[i], 0));
  const grandTotal = view.rows.reduce((sum, r) => sum + r.total, 0);
  const showTotal = view.series.length > 1 || view.series[0] !== 'Total';
  return (
    <div className="spend-table-wrap">
      <table className="data spend-table" aria-label={title}>
        <thead>
          <tr>
            <th scope="col">Period</th>
            {view.series.map((s) => (
              <th key={s} scope="col" className="num">
                {s}
              </th>
            ))}
            {showTotal && (
              <th scope="col" className="num">
                Total
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {view.rows.map((r) => (
            <tr key={r.start}>
              <th scope="row" title={r.estimated ? 'Estimated: billing for this period has not closed' : undefined}>
                {periodLabel(r.start, r.end, granularity)}
                {r.estimated && ' *'}
              </th>
              {r.values.map((v, i) => (
                <td key={view.series[i]} className="num">
                  {formatMoney(v, unit)}
                </td>
              ))}
              {showTotal && <td className="num">{formatMoney(r.total, unit)}</td>}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            {sums.map((v, i) => (
              <td key={view.series[i]} className="num">
                {formatMoney(v, unit)}
              </td>
            ))}
            {showTotal && <td className="num">{formatMoney(grandTotal, unit)}</td>}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

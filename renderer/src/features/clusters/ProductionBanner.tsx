import type { ConnectionSummary } from '../../../../shared/contract';
import { useProductionLabel } from '../connections/productionMarks';

/** A banner on every view of a production connection; nothing for others. */
export function ProductionBanner({ connection }: { connection: ConnectionSummary }) {
  const label = useProductionLabel(connection.labels);
  if (!label) return null;
  return (
    <div className="notice notice-production" role="note" aria-label="Production connection">
      <strong>Production</strong>
      <p>
        {connection.name} is labelled <span className="mono">{label}</span>. Deleting an object here asks for its name to be typed first; deleting several, for their number.
      </p>
    </div>
  );
}

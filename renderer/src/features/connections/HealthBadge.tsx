import type { Health } from '../../../../shared/contract';
import { formatTime } from '../../shell/format';

/** The tooltip of a health badge: the message of the last Test and when it ran. */
export function healthTooltip(health: Health): string {
  if (!health.checkedAt) return 'Not tested yet';
  return [health.message, `Checked ${formatTime(health.checkedAt)}`].filter(Boolean).join('\n');
}

/** What the last Test found, as a coloured badge. */
export function HealthBadge({ health }: { health: Health }) {
  return (
    <span className={`badge health-${health.status}`} title={healthTooltip(health)}>
      {health.status}
    </span>
  );
}

/** A coloured dot for the same status, where a badge would not fit. */
export function HealthDot({ health }: { health: Health }) {
  return <span className={`dot health-${health.status}`} role="img" aria-label={`health ${health.status}`} title={healthTooltip(health)} />;
}

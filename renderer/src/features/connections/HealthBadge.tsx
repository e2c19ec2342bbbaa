import type { Health } from '../../../../shared/contract';
import { shownHealth } from '../../../../shared/connectionHealth';
import { formatTime } from '../../shell/format';

/** The tooltip of a health badge: what the open views saw, when that decides, else the last Test's message and when it ran. */
export function healthTooltip(health: Health): string {
  const { live, message } = shownHealth(health);
  if (live && !live.reachable) {
    return [`No answer from the API server since ${formatTime(live.since ?? live.at)}`, message, live.retryAt && `Trying again at ${formatTime(live.retryAt)}`]
      .filter(Boolean)
      .join('\n');
  }
  if (live) return `The API server answers the open views (${formatTime(live.at)}); Test to check credentials and permissions`;
  if (!health.checkedAt) return 'Not tested yet';
  return [message, `Checked ${formatTime(health.checkedAt)}`].filter(Boolean).join('\n');
}

/** The connection's health as a coloured badge: the last Test's, or what the open views saw since. */
export function HealthBadge({ health }: { health: Health }) {
  const { status } = shownHealth(health);
  return (
    <span className={`badge health-${status}`} title={healthTooltip(health)}>
      {status}
    </span>
  );
}

/** A coloured dot for the same status, where a badge would not fit. */
export function HealthDot({ health }: { health: Health }) {
  const { status } = shownHealth(health);
  return <span className={`dot health-${status}`} role="img" aria-label={`health ${status}`} title={healthTooltip(health)} />;
}

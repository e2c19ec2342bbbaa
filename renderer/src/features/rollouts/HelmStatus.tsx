const STATUS_TONE: Record<string, string> = { deployed: 'tone-ok', failed: 'tone-bad', superseded: 'tone-neutral', uninstalled: 'tone-neutral' };

/** A Helm release status as a badge: deployed is fine, failed is bad, pending-… and uninstalling are under way. */
export function HelmStatus({ status }: { status: string }) {
  const tone = STATUS_TONE[status] ?? (status.startsWith('pending') || status === 'uninstalling' ? 'tone-warn' : 'tone-neutral');
  return <span className={`badge ${tone}`}>{status}</span>;
}

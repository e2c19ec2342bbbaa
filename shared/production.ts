/**
 * Which connections are production: a key that names the environment with a
 * value that means production, as teams write them (env=prod, stage=prd,
 * environment=production…), compared without regard to case. Production
 * connections show a banner and ask for an object's name to be typed before
 * a destructive action (#16).
 */
const ENVIRONMENT_KEYS: ReadonlySet<string> = new Set(['env', 'environment', 'stage', 'tier']);
const PRODUCTION_VALUES: ReadonlySet<string> = new Set(['prod', 'production', 'prd']);

/**
 * The label that marks a connection as production, as `key=value` the way the
 * user wrote it ("Env=Prod"), or undefined when none does.
 */
export function productionLabel(labels: Readonly<Record<string, string>>): string | undefined {
  const found = Object.entries(labels).find(([key, value]) => ENVIRONMENT_KEYS.has(key.toLowerCase()) && PRODUCTION_VALUES.has(value.toLowerCase()));
  return found && `${found[0]}=${found[1]}`;
}

/** Whether labels mark a connection as production (see {@link productionLabel}). */
export const isProduction = (labels: Readonly<Record<string, string>>): boolean => productionLabel(labels) !== undefined;

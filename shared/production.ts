/**
 * Which connections are production: a key that names the environment with a
 * value that means production, as teams write them (env=prod, stage=prd,
 * environment=production…), compared without regard to case. Production
 * connections show a banner and ask for an object's name to be typed before
 * a destructive action (#16).
 */
const ENVIRONMENT_KEYS: ReadonlySet<string> = new Set(['env', 'environment', 'stage', 'tier']);
const PRODUCTION_VALUES: ReadonlySet<string> = new Set(['prod', 'production', 'prd']);

/** `key=value` as production marks are kept: both lowercased, as they are compared. */
export const markOf = (key: string, value: string): string => `${key.toLowerCase()}=${value.toLowerCase()}`;

/** Whether `key=value` means production by the built-in rule, whatever the user marked. */
export const isBuiltinProductionLabel = (key: string, value: string): boolean => ENVIRONMENT_KEYS.has(key.toLowerCase()) && PRODUCTION_VALUES.has(value.toLowerCase());

/**
 * The label that marks a connection as production, as `key=value` the way the
 * user wrote it ("Env=Prod"), or undefined when none does: by the built-in
 * rule, or because the user marked that pair as production (`marked`, see
 * {@link markOf}).
 */
export function productionLabel(labels: Readonly<Record<string, string>>, marked: ReadonlySet<string> = new Set()): string | undefined {
  const found = Object.entries(labels).find(([key, value]) => isBuiltinProductionLabel(key, value) || marked.has(markOf(key, value)));
  return found && `${found[0]}=${found[1]}`;
}

/** Whether labels mark a connection as production (see {@link productionLabel}). */
export const isProduction = (labels: Readonly<Record<string, string>>, marked?: ReadonlySet<string>): boolean => productionLabel(labels, marked) !== undefined;

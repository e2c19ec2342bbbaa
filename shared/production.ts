/**
 * Which connections are production: the label pairs that say so, compared
 * without regard to case. Production connections show a banner and ask for
 * an object's name to be typed before a destructive action (#16).
 */
const PRODUCTION_LABELS: readonly (readonly [key: string, value: string])[] = [
  ['env', 'prod'],
  ['env', 'production'],
  ['environment', 'production'],
  ['tier', 'prod'],
];

/**
 * The label that marks a connection as production, as `key=value` the way the
 * user wrote it ("Env=Prod"), or undefined when none does.
 */
export function productionLabel(labels: Readonly<Record<string, string>>): string | undefined {
  const found = Object.entries(labels).find(([key, value]) =>
    PRODUCTION_LABELS.some(([k, v]) => key.toLowerCase() === k && value.toLowerCase() === v),
  );
  return found && `${found[0]}=${found[1]}`;
}

/** Whether labels mark a connection as production (see {@link productionLabel}). */
export const isProduction = (labels: Readonly<Record<string, string>>): boolean => productionLabel(labels) !== undefined;

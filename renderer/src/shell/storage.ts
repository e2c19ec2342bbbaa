/**
 * Small UI preferences kept in localStorage. Storage can be unavailable
 * (private windows, locked-down profiles), so reads and writes never throw.
 */
export function readSetting(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Stores a preference, or removes it when `value` is null. */
export function writeSetting(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Preferences are a convenience: losing one must not break the UI.
  }
}

/** Keys of the stored preferences that start with `prefix`. */
export function settingKeys(prefix: string): string[] {
  try {
    return Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i)).filter((k): k is string => k !== null && k.startsWith(prefix));
  } catch {
    return [];
  }
}

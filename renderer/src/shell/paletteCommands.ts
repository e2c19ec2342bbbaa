import type { FeaturePage, PaletteCommand } from './feature';

const SECTIONS = ['action', 'go', 'switch'] as const;

/**
 * Every palette command, in the order shown before any text is typed: the
 * features' actions, a "Go to" per page (`show` opens it), the places
 * features add (e.g. "Go to Pods" for the open cluster), then the
 * connections to switch to. Within a section, features keep registry order.
 */
export function paletteCommands(pages: readonly FeaturePage[], contributed: readonly (readonly PaletteCommand[])[], show: (route: string) => void): PaletteCommand[] {
  const all = contributed.flat();
  const goToPages = pages.map((p): PaletteCommand => ({ id: `go:${p.route}`, title: `Go to ${p.label}`, section: 'go', run: () => show(p.route) }));
  return SECTIONS.flatMap((section) => [...(section === 'go' ? goToPages : []), ...all.filter((c) => (c.section ?? 'action') === section)]);
}

import type { ComponentType } from 'react';
import type { AppCommandId } from '../../../shared/appCommands';

/** One thing the command palette can do. */
export interface PaletteCommand {
  id: string;
  /** What the row says and what the filter matches. */
  title: string;
  /** Shown beside the title, e.g. the connection's kind. */
  hint?: string;
  /**
   * Other names it is found by, matched like the title; typed whole, one puts
   * it first (kubectl's short names: "hpa" finds "Go to HPAs").
   */
  keywords?: readonly string[];
  /**
   * Where it sits when the text does not decide: actions first, then places
   * to go (the pages, then what features add), then connections to switch to.
   */
  section?: 'action' | 'go' | 'switch';
  run(): void;
}

/** Items a feature finds for the palette's text (e.g. a cluster's objects by name), shown as a group of their own. */
export interface PaletteSearch {
  /** The group's heading, e.g. "Objects". */
  label: string;
  /** What one item is, e.g. "object": "No command or object matches". */
  noun: string;
  /** Something can be searched now (e.g. a cluster is selected). */
  available: boolean;
  /** The text is searched (it is long enough). */
  active: boolean;
  /** One command per item found, best first. */
  commands: PaletteCommand[];
  /** An answer for the current text is still to come, or more may follow. */
  searching: boolean;
  /** Why the search failed. */
  error?: unknown;
  /** The text an item is scored by against the commands (default: its title). */
  scoreText?(command: PaletteCommand): string;
}

/** A page of the main navigation, shown at `#/<route>`. */
export interface FeaturePage<Route extends string = string> {
  route: Route;
  /** The navigation's text, and "Go to <label>" in the palette. */
  label: string;
  /** Position in the navigation, lowest first. */
  navOrder: number;
  component: ComponentType;
  /**
   * A count shown beside the label (firing alerts), with what it counts for
   * assistive technology; nothing when there is nothing to count. A hook,
   * called each time the navigation renders.
   */
  useBadge?(): NavBadge | undefined;
}

/** A count in the navigation: `count` beside the page's label, `label` saying what it counts ("2 firing alerts"). */
export interface NavBadge {
  count: number;
  label: string;
}

/** An app-wide dialog: any page, menu or palette command can open it by id. */
export type DialogComponent = ComponentType<{ onClose(): void }>;

interface FeatureBase {
  /** Unique among features, e.g. "connections". */
  id: string;
  /**
   * Runs in the app frame for as long as the app is open (e.g. keeping the
   * connection list live). A hook: the registry is fixed while the app runs,
   * so every render calls the same hooks in the same order.
   */
  useAppEffects?(): void;
  /** The feature's palette commands, as they stand now. A hook, called while the palette is open. */
  usePaletteCommands?(): readonly PaletteCommand[];
  /** Searches the feature's items for the palette's text. A hook, called while the palette is open. */
  usePaletteSearch?(text: string): PaletteSearch;
}

/**
 * Everything one area of the UI adds to the app, in one place: its page, its
 * app-wide dialogs, its palette commands and its handlers for the
 * application menu's commands (`shared/appCommands.ts`).
 *
 * The type arguments name the route, dialog ids and menu commands the feature
 * brings; the registry derives `RouteId` and `DialogId` from them and checks
 * that every menu command has a handler. Annotate the feature's constant with
 * them rather than letting TypeScript infer its type: the feature's own
 * components use `RouteId` and `DialogId`, so an inferred type would depend
 * on itself.
 */
export type Feature<Route extends string = never, Dialog extends string = never, Command extends AppCommandId = never> = FeatureBase &
  ([Route] extends [never] ? { page?: undefined } : { page: FeaturePage<Route> }) &
  ([Dialog] extends [never] ? { dialogs?: undefined } : { dialogs: Record<Dialog, DialogComponent> }) &
  ([Command] extends [never] ? { appCommands?: undefined } : { appCommands: Record<Command, () => void> });

/** Any feature, whatever it brings. */
export interface AnyFeature extends FeatureBase {
  page?: FeaturePage;
  dialogs?: Readonly<Record<string, DialogComponent>>;
  appCommands?: Readonly<Partial<Record<AppCommandId, () => void>>>;
}

/** The routes of some features. */
export type RouteOf<F> = F extends { page: FeaturePage<infer R> } ? R : never;
/** The dialog ids of some features. */
export type DialogOf<F> = F extends { dialogs: Record<infer D, DialogComponent> } ? D : never;
/** The menu commands some features handle. */
export type CommandOf<F> = F extends { appCommands: Record<infer C, () => void> } ? C : never;

/** The menu commands no feature of `Fs` handles. */
export type UnhandledCommand<Fs extends readonly AnyFeature[]> = Exclude<AppCommandId, CommandOf<Fs[number]>>;

/** What the app is made of: the features, and the lookups the shell makes in them. */
export interface Registry {
  readonly features: readonly AnyFeature[];
  /** Every page, in navigation order. */
  readonly pages: readonly FeaturePage[];
  page(route: string): FeaturePage | undefined;
  dialog(id: string): DialogComponent | undefined;
  /** A handler for every menu command. */
  readonly appCommands: Readonly<Record<AppCommandId, () => void>>;
}

function claim(owners: Map<string, string>, what: string, id: string, feature: string): void {
  const owner = owners.get(id);
  if (owner !== undefined) throw new Error(`${what} "${id}" is registered by both ${owner} and ${feature}`);
  owners.set(id, feature);
}

/**
 * Builds the registry from `features`. A menu command no feature handles is a
 * type error; a route, dialog or command that two features register is an
 * error when the app starts.
 */
export function createRegistry<const Fs extends readonly AnyFeature[]>(
  features: Fs & ([UnhandledCommand<Fs>] extends [never] ? unknown : { 'menu commands without a handler': UnhandledCommand<Fs> }),
): Registry {
  const seen = { feature: new Map<string, string>(), route: new Map<string, string>(), dialog: new Map<string, string>(), command: new Map<string, string>() };
  const pages = new Map<string, FeaturePage>();
  const dialogs = new Map<string, DialogComponent>();
  const appCommands: Partial<Record<AppCommandId, () => void>> = {};
  for (const f of features as readonly AnyFeature[]) {
    if (seen.feature.has(f.id)) throw new Error(`Feature "${f.id}" is registered twice`);
    seen.feature.set(f.id, f.id);
    if (f.page) {
      claim(seen.route, 'Route', f.page.route, f.id);
      pages.set(f.page.route, f.page);
    }
    for (const [id, component] of Object.entries(f.dialogs ?? {})) {
      claim(seen.dialog, 'Dialog', id, f.id);
      dialogs.set(id, component);
    }
    for (const [id, handler] of Object.entries(f.appCommands ?? {}) as [AppCommandId, () => void][]) {
      claim(seen.command, 'Menu command', id, f.id);
      appCommands[id] = handler;
    }
  }
  const ordered = [...pages.values()].sort((a, b) => a.navOrder - b.navOrder);
  return {
    features,
    pages: ordered,
    page: (route) => pages.get(route),
    dialog: (id) => dialogs.get(id),
    // Complete: the parameter's type leaves no command unhandled.
    appCommands: appCommands as Record<AppCommandId, () => void>,
  };
}

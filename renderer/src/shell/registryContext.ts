import { createContext, useContext } from 'react';
import type { Registry } from './feature';

/** The registry the app was started with; the shell's navigation, palette, dialogs and menu handling read it. */
export const RegistryContext = createContext<Registry | null>(null);

/** The app's registry. */
export function useRegistry(): Registry {
  const registry = useContext(RegistryContext);
  if (!registry) throw new Error('useRegistry outside <App>');
  return registry;
}

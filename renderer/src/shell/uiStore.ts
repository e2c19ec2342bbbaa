import { create } from 'zustand';
import type { DialogId } from '../features';

/** The app-wide dialogs any page, menu or palette command can open: those the features register. */
export type AppDialog = DialogId;

interface UiState {
  dialog: AppDialog | null;
  paletteOpen: boolean;
  openDialog(dialog: AppDialog): void;
  closeDialog(): void;
  openPalette(): void;
  closePalette(): void;
}

/** Which app-wide overlay is open; one at a time, so opening a dialog closes the palette. */
export const useUi = create<UiState>()((set) => ({
  dialog: null,
  paletteOpen: false,
  openDialog: (dialog) => set({ dialog, paletteOpen: false }),
  closeDialog: () => set({ dialog: null }),
  openPalette: () => set((s) => (s.dialog ? s : { paletteOpen: true })),
  closePalette: () => set({ paletteOpen: false }),
}));

import { create } from 'zustand';
import { z } from 'zod';
import { productionLabel } from '../../../../shared/production';
import { readSetting, writeSetting } from '../../shell/storage';

const STORAGE_KEY = 'pilothouse.productionLabels';
const Stored = z.array(z.string().max(400)).max(200);

/** The label pairs the user marked as production, beyond the built-in rule (env=prod…), kept across launches. */
interface ProductionMarksState {
  /** `key=value`, lowercased (shared/production.ts `markOf`). */
  marked: ReadonlySet<string>;
  /** Replaces the marks, and stores them. */
  setMarked(marked: ReadonlySet<string>): void;
}

function readMarked(): ReadonlySet<string> {
  try {
    return new Set(Stored.safeParse(JSON.parse(readSetting(STORAGE_KEY) ?? '[]')).data ?? []);
  } catch {
    return new Set();
  }
}

export const useProductionMarks = create<ProductionMarksState>()((set) => ({
  marked: readMarked(),
  setMarked(marked) {
    writeSetting(STORAGE_KEY, marked.size ? JSON.stringify([...marked].sort()) : null);
    set({ marked });
  },
}));

/** The label that makes a connection production, by the built-in rule or the user's marks; undefined when none does. A hook: follows the marks. */
export function useProductionLabel(labels: Readonly<Record<string, string>>): string | undefined {
  const marked = useProductionMarks((s) => s.marked);
  return productionLabel(labels, marked);
}

/** {@link useProductionLabel} as the marks stand now, for code outside render. */
export const productionLabelNow = (labels: Readonly<Record<string, string>>): string | undefined => productionLabel(labels, useProductionMarks.getState().marked);

import type { ReactNode } from 'react';
import { useInspector, type FocusRequest } from '../inspectorStore';

/** A link to another object: shows its resource in the inspector and selects it there. */
export function ObjectLink({ to, kind, children }: { to: FocusRequest; /** For the tooltip: "Open Deployment web". */ kind: string; children: ReactNode }) {
  return (
    <button type="button" className="link object-link" title={`Open ${kind} ${to.name}`} onClick={() => useInspector.getState().focusObject(to)}>
      {children}
    </button>
  );
}

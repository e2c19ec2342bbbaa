import { useMemo, useState } from 'react';
import { diffTexts, foldDiff, type DiffLine } from '../../../shared/textDiff';

interface TextDiffProps {
  before: string;
  after: string;
  /** What each side is: "revision 3", "release v12". */
  beforeLabel: string;
  afterLabel: string;
  /** Unchanged lines shown around each change; longer unchanged runs fold. */
  context?: number;
  /** Said instead of the lines when the texts are the same. */
  sameText?: string;
}

const SIGN = { same: ' ', removed: '−', added: '+' } as const;

function DiffRow({ line }: { line: DiffLine }) {
  return (
    <tr className={`text-diff-${line.kind}`}>
      <td className="text-diff-no">{line.kind === 'added' ? '' : line.beforeNo}</td>
      <td className="text-diff-no">{line.kind === 'removed' ? '' : line.afterNo}</td>
      <td className="text-diff-sign" aria-label={line.kind === 'same' ? undefined : line.kind}>
        {SIGN[line.kind]}
      </td>
      <td className="text-diff-text">{line.text}</td>
    </tr>
  );
}

/**
 * A unified line diff of two texts: removed and added lines coloured, both
 * sides' line numbers, unchanged runs folded to `context` lines around each
 * change and opened with a click, and a plain "no differences" when there
 * are none.
 */
export function TextDiff({ before, after, beforeLabel, afterLabel, context = 3, sameText = 'No differences.' }: TextDiffProps) {
  const diff = useMemo(() => diffTexts(before, after), [before, after]);
  const hunks = useMemo(() => foldDiff(diff.lines, context), [diff, context]);
  // Opened folds by index; new texts start folded again.
  const [opened, setOpened] = useState<{ hunks: typeof hunks; at: ReadonlySet<number> }>({ hunks, at: new Set() });
  const openedNow = opened.hunks === hunks ? opened.at : new Set<number>();
  const open = (i: number) => setOpened({ hunks, at: new Set(openedNow).add(i) });

  return (
    <figure className="text-diff" aria-label={`Changes from ${beforeLabel} to ${afterLabel}`}>
      <figcaption className="text-diff-head mono">
        <span className="text-diff-removed">− {beforeLabel}</span>
        <span className="text-diff-added">+ {afterLabel}</span>
      </figcaption>
      {diff.notes.map((note) => (
        <p key={note} className="muted">
          {note}
        </p>
      ))}
      {!diff.changed ? (
        <p className="muted text-diff-none">{sameText}</p>
      ) : (
        <>
          {diff.approximate && <p className="muted">Too many lines differ to line them up: the differing part is shown removed, then added.</p>}
          <table className="text-diff-lines mono">
            <tbody>
              {hunks.map((hunk, i) =>
                hunk.kind === 'shown' || openedNow.has(i) ? (
                  hunk.lines.map((line, j) => <DiffRow key={`${i}.${j}`} line={line} />)
                ) : (
                  <tr key={i} className="text-diff-fold">
                    <td colSpan={4}>
                      <button type="button" className="link" onClick={() => open(i)}>
                        Show {hunk.lines.length} unchanged line{hunk.lines.length === 1 ? '' : 's'}
                      </button>
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </>
      )}
    </figure>
  );
}

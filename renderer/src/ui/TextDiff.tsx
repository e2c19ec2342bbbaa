import { useMemo, useState, type ReactNode } from 'react';
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
/** Rows drawn before the rest waits for a click: thousands of table rows would hold the window up for a while. */
export const ROW_LIMIT = 1000;

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
  // Opened folds by index, and whether rows past the limit are drawn; new texts start folded again.
  const [opened, setOpened] = useState<{ hunks: typeof hunks; at: ReadonlySet<number>; all: boolean }>({ hunks, at: new Set(), all: false });
  const { at: openedNow, all } = opened.hunks === hunks ? opened : { at: new Set<number>(), all: false };
  const open = (i: number) => setOpened({ hunks, at: new Set(openedNow).add(i), all });

  const rows: ReactNode[] = [];
  let room = all ? Infinity : ROW_LIMIT;
  let notDrawn = 0;
  hunks.forEach((hunk, i) => {
    if (hunk.kind === 'shown' || openedNow.has(i)) {
      const drawn = hunk.lines.slice(0, room);
      rows.push(...drawn.map((line, j) => <DiffRow key={`${i}.${j}`} line={line} />));
      notDrawn += hunk.lines.length - drawn.length;
      room -= drawn.length;
    } else if (room > 0) {
      rows.push(
        <tr key={i} className="text-diff-fold">
          <td colSpan={4}>
            <button type="button" className="link" onClick={() => open(i)}>
              Show {hunk.lines.length} unchanged line{hunk.lines.length === 1 ? '' : 's'}
            </button>
          </td>
        </tr>,
      );
      room -= 1;
    } else notDrawn += hunk.lines.length;
  });

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
              {rows}
              {notDrawn > 0 && (
                <tr className="text-diff-fold">
                  <td colSpan={4}>
                    <button type="button" className="link" onClick={() => setOpened({ hunks, at: openedNow, all: true })}>
                      Show the other {notDrawn} lines
                    </button>
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </>
      )}
    </figure>
  );
}

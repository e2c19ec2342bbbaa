import type { DryRunDocument, DryRunResult, SpecProblem } from '../../../../shared/contract';
import { plural } from '../../shell/format';

const outcomes: Record<DryRunDocument['outcome'], string> = {
  create: 'would be created',
  change: 'would be changed',
  unchanged: 'would stay as it is',
  error: 'refused',
  conflict: 'conflicts with another field manager',
};

/** "Job hello in ml-jobs", "Workflow (generateName)". */
function documentName(d: DryRunDocument): string {
  return `${d.kind} ${d.name ?? '(name generated on create)'}${d.namespace ? ` in ${d.namespace}` : ''}`;
}

/** "Line 12, column 3: spec.template…: message", on line `line` (where it is now). */
export function problemText(p: SpecProblem, line = p.line): string {
  return `Line ${line}${p.column ? `, column ${p.column}` : ''}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
}

/**
 * What a server-side dry run said: each document's outcome with the fields
 * other managers own, then every problem by line (the same ones the editor
 * marks), or that the cluster accepts every document. Each problem is on
 * its line as the text is now; one whose line was edited since is no link.
 */
export function DryRunReport({
  result,
  stale,
  lineNow,
  onReveal,
}: {
  result: DryRunResult;
  /** The text was edited since the dry run. */
  stale: boolean;
  /** Where a line of the text the dry run was asked about is now; undefined once it was edited. */
  lineNow(line: number): number | undefined;
  /** Shows a problem's line (as it is now) in the editor. */
  onReveal(line: number, problem: SpecProblem): void;
}) {
  const problems = [...result.problems, ...result.documents.flatMap((d) => d.problems)].sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
  const errors = problems.filter((p) => p.severity === 'error').length;
  const conflicts = result.documents.reduce((n, d) => n + d.conflicts.length, 0);
  const summary =
    result.problems.length > 0
      ? `The text has ${plural(result.problems.length, 'problem')}; the cluster was not asked.`
      : errors || conflicts
        ? `The cluster would refuse this: ${[errors && plural(errors, 'error'), conflicts && plural(conflicts, 'conflicting field')].filter(Boolean).join(' and ')}.`
        : `The cluster accepts ${result.documents.length === 1 ? 'the document' : `all ${result.documents.length} documents`}.`;
  return (
    <section className="pipelines-dry-run" aria-label="Dry run">
      <p role="status">
        <strong>Dry run:</strong> {summary}
        {stale && <span className="muted"> The text changed since; run it again to check the changes.</span>}
      </p>
      {result.documents.length > 0 && (
        <ul className="pipelines-dry-run-documents" aria-label="Documents">
          {result.documents.map((d) => (
            <li key={d.index} className={d.outcome === 'error' || d.outcome === 'conflict' ? 'tone-bad' : undefined}>
              {documentName(d)} (line {d.line}): {outcomes[d.outcome]}
              {d.conflicts.length > 0 && (
                <ul>
                  {d.conflicts.map((c) => (
                    <li key={`${c.field} ${c.manager}`}>
                      <span className="mono">{c.field}</span> is owned by <span className="mono">{c.manager}</span>: {c.message}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
      {problems.length > 0 && (
        <ul className="pipelines-problems" aria-label="Problems">
          {problems.map((p, i) => {
            const line = lineNow(p.line);
            return (
              <li key={i} className={p.severity === 'error' ? 'tone-bad' : 'tone-warn'}>
                {line === undefined ? (
                  <span>
                    {problemText(p)} <span className="muted">(the line was edited since)</span>
                  </span>
                ) : (
                  <button type="button" className="link" onClick={() => onReveal(line, p)}>
                    {problemText(p, line)}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

import type { z } from 'zod';
import { Labels } from '../../../../shared/contract';

/** The first message of a zod error, looking inside record-key errors, whose own message is generic. */
function firstMessage(issues: readonly z.core.$ZodIssue[]): string {
  const first = issues[0];
  if (first.code === 'invalid_key' && first.issues.length) return `"${String(first.path.at(-1))}": ${firstMessage(first.issues)}`;
  return first.message;
}

/** Why these labels would be refused, by the contract's own {@link Labels} schema; undefined when valid. */
export function labelsProblem(labels: Record<string, string>): string | undefined {
  const result = Labels.safeParse(labels);
  return result.success ? undefined : firstMessage(result.error.issues);
}

/**
 * Parses what was typed into the label field: one or more `key=value` pairs
 * separated by commas or spaces; a bare `key` is a label with an empty value.
 */
export function parseLabelInput(text: string): Record<string, string> {
  const pairs = text.split(/[\s,]+/).filter(Boolean);
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      return at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

import { describe, expect, it } from 'vitest';
import { checkChoices, chosenSelections, initialChoices, takenNames, tooManySelected, type ImportCandidate } from './importChoices';

const candidates: ImportCandidate[] = [
  { key: 'prod', suggestedName: 'prod', existingConnectionId: 'c1' },
  { key: 'dev', suggestedName: 'dev' },
];

describe('import choices', () => {
  it('flags a taken name until renamed or replaced', () => {
    const taken = takenNames([], candidates);
    const choices = initialChoices(candidates);
    expect(checkChoices(candidates, choices, taken).prod).toEqual({ conflict: true, problem: expect.stringContaining('already used') });

    const replaced = { ...choices, prod: { ...choices.prod, replace: true } };
    const checks = checkChoices(candidates, replaced, taken);
    expect(checks.prod).toEqual({ conflict: true });
    expect(chosenSelections(candidates, replaced, checks)).toEqual([
      { key: 'prod', name: 'prod', onConflict: 'replace' },
      { key: 'dev', name: 'dev', onConflict: 'fail' },
    ]);
  });

  it('does not replace when the name was changed to a free one', () => {
    const choices = { prod: { include: true, name: 'prod-2', replace: true }, dev: { include: false, name: 'dev', replace: false } };
    const checks = checkChoices(candidates, choices, takenNames([], candidates));
    expect(chosenSelections(candidates, choices, checks)).toEqual([{ key: 'prod', name: 'prod-2', onConflict: 'fail' }]);
  });

  it('refuses two included entries with the same name, and invalid names', () => {
    const choices = { prod: { include: true, name: 'Dev', replace: false }, dev: { include: true, name: ' ', replace: false } };
    const checks = checkChoices(candidates, choices, new Set());
    expect(checks.prod.problem).toBeUndefined();
    expect(checks.dev.problem).toBe('A name is required');
    const clash = checkChoices(candidates, { ...choices, dev: { include: true, name: 'dev', replace: false } }, new Set());
    expect(clash.dev.problem).toBe('Another selected entry has this name');
  });

  it('says how many to untick when more are ticked than one import takes', () => {
    expect(tooManySelected(12_500, 'contexts')).toEqual({
      code: 'VALIDATION',
      title: 'Too many selected',
      message: 'Pilothouse imports at most 10,000 contexts at once and 12,500 are ticked: untick 2,500 and import them in a second pass.',
    });
  });
});

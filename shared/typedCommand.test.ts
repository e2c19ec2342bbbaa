import { describe, expect, it } from 'vitest';
import { typedCommandProblem } from './typedCommand';

describe('typedCommandProblem', () => {
  it('lets plain commands through, several lines and CRLF included', () => {
    expect(typedCommandProblem('kubectl get pods -A')).toBeUndefined();
    expect(typedCommandProblem('kubectl get nodes\nkubectl get pods\r\necho "done — ok ✓"')).toBeUndefined();
  });

  it("refuses the editing keys that would make the shell run something else than what is shown, naming the line and the character", () => {
    // Shown as a harmless get; Ctrl+W, backspaces and Esc-b/Esc-d/Ctrl+Y edit it into a delete as it is typed.
    const forged = 'kubectl get pods --all # delete\x17\x08\x08\x1bb\x1bb\x1bb\x1bd\x19\x1by';
    expect(typedCommandProblem(forged)).toMatch(/^Line 1 holds U\+0017, a control character/);
    expect(typedCommandProblem('echo ok\nfor f in *; do\n\techo "$f"\ndone')).toMatch(/^Line 3 holds U\+0009, a tab/);
    expect(typedCommandProblem('echo \x7f')).toMatch(/U\+007F/);
    expect(typedCommandProblem('echo \u0085')).toMatch(/U\+0085/);
    expect(typedCommandProblem('kubectl delete ns \u202Edorp')).toMatch(/U\+202E, an invisible or text-direction character/);
    expect(typedCommandProblem('kubectl get pods\u00a0-A')).toMatch(/U\+00A0/);
  });
});

import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/result';
import { workflowFromText } from './runActions';

const refusal = (text: string) => {
  try {
    workflowFromText(text, 'ml');
  } catch (err) {
    return err instanceof AppError ? { code: err.code, message: err.message, line: err.location?.line } : { code: 'thrown', message: String(err) };
  }
  return { code: 'accepted' };
};

describe('a Workflow from a spec text', () => {
  it('takes one Workflow, into the given namespace when it names none', () => {
    const wf = workflowFromText('apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  generateName: hello-\nspec:\n  entrypoint: main\n', 'ml');
    expect(wf).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'hello-', namespace: 'ml' }, spec: { entrypoint: 'main' } });
    expect(workflowFromText('apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: a, namespace: team-a}\n', 'ml').metadata?.namespace).toBe('team-a');
  });

  it('refuses a YAML error with its line', () => {
    expect(refusal('apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: [unclosed\n')).toMatchObject({ code: 'YAML_INVALID', line: expect.any(Number) });
  });

  it('refuses anything but exactly one named Workflow, saying what to do', () => {
    expect(refusal('apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\n').message).toMatch(/only an argoproj.io\/v1alpha1 Workflow/);
    expect(refusal('apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: t}\n').message).toMatch(/submit from the template by name/);
    expect(refusal('apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: a}\n---\napiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: b}\n').message).toMatch(/2 documents/);
    expect(refusal('apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {}\n').message).toMatch(/metadata\.name/);
    expect(refusal('# nothing here\n').message).toMatch(/0 documents/);
  });
});

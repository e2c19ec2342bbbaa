import { describe, expect, it } from 'vitest';
import { parseRunbook } from './frontMatter';
import { bundledStarters } from './starters';

describe('starter runbooks', () => {
  it('bundles the five starters of resources/runbooks, each with valid front matter, commands and a checklist', () => {
    const starters = bundledStarters();
    expect(starters.map((s) => s.key)).toEqual(['dr-drill-velero.md', 'drain-gpu-node.md', 'expired-kubeconfig-credential.md', 'gpu-cost-spike.md', 'rollback-model-server.md']);
    for (const { key, source } of starters) {
      const parsed = parseRunbook(source);
      expect(parsed.severity, key).toBeDefined();
      expect(parsed.tags.length, key).toBeGreaterThan(0);
      expect(parsed.body, key).toMatch(/```sh\n/);
      expect(parsed.body, key).toMatch(/^- \[ \] /m);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { labelsProblem, parseLabelInput } from './labels';

describe('parseLabelInput', () => {
  it('reads key=value pairs separated by commas or spaces', () => {
    expect(parseLabelInput(' env=prod, team=ml  tier=gpu ')).toEqual({ env: 'prod', team: 'ml', tier: 'gpu' });
  });

  it('reads a bare key as an empty value', () => {
    expect(parseLabelInput('critical')).toEqual({ critical: '' });
  });
});

describe('labelsProblem', () => {
  it('accepts Kubernetes-style labels', () => {
    expect(labelsProblem({ env: 'prod', 'team.example.com/owner': 'ml-platform' })).toBeUndefined();
  });

  it('gives the contract message for a bad key, naming the key', () => {
    expect(labelsProblem({ 'Bad key!': 'x' })).toBe('"Bad key!": Label keys look like "env" or "team.example.com/owner"');
  });

  it('gives the contract message for a bad value', () => {
    expect(labelsProblem({ env: 'prod!' })).toBe('Label values are letters, digits, "-", "_" and "."');
  });
});

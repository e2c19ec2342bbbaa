import { describe, expect, it } from 'vitest';
import { Redactor } from './redact';

describe('Redactor', () => {
  it('masks registered secrets wherever they appear', () => {
    const r = new Redactor();
    r.add('canary-4f9a1c2e7b');
    expect(r.redact('failed with canary-4f9a1c2e7b and canary-4f9a1c2e7b')).toBe('failed with «redacted» and «redacted»');
  });

  it('masks secret shapes it was not told about', () => {
    const r = new Redactor();
    const text = [
      'Authorization: Bearer abcdefghijklmnop',
      'token: sometokenvalue123',
      '"aws_secret_access_key=wJalrXUtnFEMI/K7MDENG"',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----',
      'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl',
    ].join('\n');
    const out = r.redact(text);
    for (const secret of ['abcdefghijklmnop', 'sometokenvalue123', 'wJalrXUtnFEMI', 'MIIEowIBAAKCAQEA', 'eyJzdWIiOiJhZG1pbiJ9']) {
      expect(out).not.toContain(secret);
    }
  });

  it('ignores values too short to be secrets, so ordinary words survive', () => {
    const r = new Redactor();
    r.add('pod');
    expect(r.redact('pod restarted')).toBe('pod restarted');
  });
});

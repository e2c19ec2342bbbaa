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
    r.addRevealed('admin');
    expect(r.redact('pod restarted by admin')).toBe('pod restarted by admin');
  });

  it('holds a bounded number of revealed values, the least recently revealed going first, and every credential', () => {
    const r = new Redactor(3);
    r.add('credential-0f3a9c1d');
    for (const v of ['revealed-one', 'revealed-two', 'revealed-three']) r.addRevealed(v);
    // Revealed again: now the most recent, so 'revealed-two' is the oldest.
    r.addRevealed('revealed-one');
    r.addRevealed('revealed-four');
    expect(r.redact('revealed-one revealed-two revealed-three revealed-four credential-0f3a9c1d')).toBe('«redacted» revealed-two «redacted» «redacted» «redacted»');
  });

  it('holds 1,000 revealed values by default, however many are revealed', () => {
    const r = new Redactor();
    r.add('credential-0f3a9c1d');
    for (let i = 0; i < 5_000; i++) r.addRevealed(`revealed-value-${i}`);
    expect(r.redact('revealed-value-3999 revealed-value-4000 revealed-value-4999')).toBe('revealed-value-3999 «redacted» «redacted»');
    expect(r.redact('credential-0f3a9c1d')).toBe('«redacted»');
  });
});

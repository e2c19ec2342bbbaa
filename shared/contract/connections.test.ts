import { describe, expect, it } from 'vitest';
import { MAX_PROMETHEUS_TOKEN, PrometheusEdit, PrometheusInput, prometheusUrlProblem } from './connections';

const base = { name: 'prom-prod', url: 'https://prom.example.com', auth: 'none' as const };
const issues = (input: unknown) => {
  const parsed = PrometheusInput.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('Prometheus URLs', () => {
  it('takes http(s) URLs, with a port and a path prefix', () => {
    for (const url of ['https://prom.example.com', 'http://10.0.0.5:9090', 'http://127.0.0.1:9090/prometheus/', 'https://[::1]:9090', 'HTTPS://Prom.Example.com'])
      expect(prometheusUrlProblem(url), url).toBeUndefined();
  });

  it('refuses other schemes, credentials, fragments, queries and hidden characters', () => {
    const cases: [string, string][] = [
      ['javascript:alert(1)', 'start with http:// or https://'],
      ['file:///etc/passwd', 'start with http:// or https://'],
      ['ftp://prom.example.com', 'start with http:// or https://'],
      ['http:prom.example.com', 'start with http:// or https://'],
      ['//prom.example.com', 'start with http:// or https://'],
      ['prom.example.com:9090', 'start with http:// or https://'],
      ['https://admin:hunter22@prom.example.com', 'not in the URL'],
      ['https://admin@prom.example.com', 'not in the URL'],
      ['https://:hunter22@prom.example.com', 'not in the URL'],
      ['http://evil.example\\@prom.example.com', 'not in the URL'],
      ['https://prom.example.com/#/graph', '#fragment'],
      ['https://prom.example.com/?token=abc', '?query'],
      ['https://prom.example.com\r\nX-Injected: 1', 'U+000D, a control character'],
      ['https://prom.exa\tmple.com', 'U+0009'],
      ['https://prom.example.com/\u202egraph', 'U+202E'],
      ['https://prom example.com', 'spaces'],
      ['http://', 'full URL'],
    ];
    for (const [url, problem] of cases) expect(prometheusUrlProblem(url), url).toContain(problem);
  });
});

describe('Adding a Prometheus endpoint', () => {
  it('takes each kind of auth with what it needs, trimming a pasted token', () => {
    expect(PrometheusInput.parse(base)).toEqual({ ...base, onConflict: 'fail' });
    expect(PrometheusInput.parse({ ...base, auth: 'bearer', token: ` ${'t'.repeat(40)}\n` }).token).toBe('t'.repeat(40));
    expect(PrometheusInput.parse({ ...base, auth: 'basic', username: 'grafana', password: ' spaces kept ' }).password).toBe(' spaces kept ');
    expect(PrometheusInput.parse({ ...base, clusterConnectionId: 'k1' }).clusterConnectionId).toBe('k1');
  });

  it('requires the secret of the chosen auth and refuses those of another', () => {
    expect(issues({ ...base, auth: 'bearer' })).toEqual(['token: Type the token']);
    expect(issues({ ...base, auth: 'basic', username: 'u' })).toEqual(['password: Type the password']);
    expect(issues({ ...base, auth: 'basic', password: 'p' })).toEqual(['username: Type the user name']);
    expect(issues({ ...base, token: 'abcdefgh' })).toEqual(['token: A token is only used with bearer auth']);
    expect(issues({ ...base, auth: 'bearer', token: 'abcdefgh', password: 'p' })).toEqual(['password: A password is only used with basic auth']);
    expect(issues({ ...base, auth: 'sigv4' })).toHaveLength(1);
    expect(issues({ ...base, headers: { 'X-Scope-OrgID': '1' } })).toHaveLength(1);
  });

  it('refuses tokens and user names that could end or add a header, and huge tokens', () => {
    expect(issues({ ...base, auth: 'bearer', token: 'abc\r\nX-Injected: 1' })).toEqual(['token: Tokens are printable ASCII characters without spaces or line breaks']);
    expect(issues({ ...base, auth: 'bearer', token: 'abc def' })).toHaveLength(1);
    expect(issues({ ...base, auth: 'bearer', token: 'tökén' })).toHaveLength(1);
    expect(issues({ ...base, auth: 'bearer', token: 'x'.repeat(MAX_PROMETHEUS_TOKEN) })).toEqual([]);
    expect(issues({ ...base, auth: 'bearer', token: 'x'.repeat(MAX_PROMETHEUS_TOKEN + 1) })).toEqual(['token: Tokens are at most 8,192 characters']);
    expect(issues({ ...base, auth: 'bearer', token: 'x'.repeat(10_000_000) })).toHaveLength(1);
    expect(issues({ ...base, auth: 'basic', username: 'u\r\nX-Injected: 1', password: 'p' })).toEqual(['username: User names cannot contain ":" or control characters such as line breaks']);
    expect(issues({ ...base, auth: 'basic', username: 'a:b', password: 'p' })).toHaveLength(1);
    expect(issues({ ...base, auth: 'basic', username: 'u', password: 'p\nq' })).toEqual(['password: Passwords cannot contain control characters such as line breaks']);
    expect(issues({ ...base, auth: 'basic', username: 'u', password: 'p'.repeat(1025) })).toHaveLength(1);
  });

  it('refuses a URL with credentials, another scheme, or a huge one', () => {
    expect(issues({ ...base, url: 'https://u:p@prom.example.com' })).toEqual(['url: Put the user name and password in the auth fields, not in the URL']);
    expect(issues({ ...base, url: 'javascript:alert(1)' })).toEqual(['url: Prometheus URLs start with http:// or https://']);
    expect(issues({ ...base, url: `https://prom.example.com/${'a'.repeat(3000)}` })).toEqual(['url: URLs are at most 2048 characters']);
    expect(issues({ ...base, url: '' })).toHaveLength(1);
  });
});

describe('Editing a Prometheus endpoint', () => {
  it('may leave the secret out, to keep the stored one', () => {
    expect(PrometheusEdit.parse({ id: 'p1', url: 'https://prom.example.com', auth: 'bearer' })).toEqual({ id: 'p1', url: 'https://prom.example.com', auth: 'bearer' });
    expect(PrometheusEdit.safeParse({ id: 'p1', url: 'https://prom.example.com', auth: 'basic' }).success).toBe(false);
    expect(PrometheusEdit.safeParse({ id: 'p1', url: 'https://prom.example.com', auth: 'none', token: 'abcdefgh' }).success).toBe(false);
    expect(PrometheusEdit.safeParse({ id: '', url: 'https://prom.example.com', auth: 'none' }).success).toBe(false);
  });
});

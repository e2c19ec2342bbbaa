import { describe, expect, it } from 'vitest';
import { forwardRoute, listenError, portForwardReview, startDetail, stopBefore } from './portForwards';

const failure = (code: string, message = `listen ${code}`) => Object.assign(new Error(message), { code });

describe('the local port', () => {
  it('says which port to choose instead when it cannot be had', () => {
    expect(listenError(8080, failure('EADDRINUSE'))).toMatchObject({ code: 'VALIDATION', message: 'port 8080 is already in use on 127.0.0.1: choose another or leave it empty for any free port' });
    expect(listenError(80, failure('EACCES'))).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('choose one above 1023') });
    expect(listenError(9000, failure('EMFILE', 'too many open files'))).toMatchObject({ code: 'INTERNAL', message: 'Could not listen on 127.0.0.1:9000: too many open files' });
  });
});

describe('audit and log wording', () => {
  it('names the route, what a start asked for and what a stop cut', () => {
    const route = forwardRoute(54321, 'web-7d9f-abcde', 8080);
    expect(route).toBe('127.0.0.1:54321 → pod/web-7d9f-abcde:8080');
    expect(stopBefore(route, 2)).toBe('127.0.0.1:54321 → pod/web-7d9f-abcde:8080, 2 connection(s) open');
    expect(startDetail(80, 8080)).toBe('remote port 80, local port 8080 on 127.0.0.1');
    expect(startDetail(80, undefined)).toBe('remote port 80, local port any free on 127.0.0.1');
    expect(startDetail(80, 0)).toBe('remote port 80, local port any free on 127.0.0.1');
  });
});

describe('access', () => {
  it('asks whether the user may create pods/portforward on that pod', () => {
    expect(portForwardReview('shop', 'web-1')).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { namespace: 'shop', verb: 'create', resource: 'pods', subresource: 'portforward', name: 'web-1' } },
    });
  });
});

import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/result';
import { awsProvider } from './aws';
import { kubernetesProvider } from './kubernetes';
import { prometheusProvider } from './prometheus';
import { providerFor, type ConnectionProviders } from './provider';
import { connectionProviders } from './registry';

describe('connection providers', () => {
  it('has one provider for every kind, and a registry without one does not compile', () => {
    expect(providerFor(connectionProviders, 'kubernetes')).toBe(kubernetesProvider);
    expect(providerFor(connectionProviders, 'aws')).toBe(awsProvider);
    expect(providerFor(connectionProviders, 'prometheus')).toBe(prometheusProvider);
    // @ts-expect-error: the aws kind has no provider.
    const partial: ConnectionProviders = { kubernetes: kubernetesProvider, prometheus: prometheusProvider };
    expect(() => providerFor(partial, 'aws')).toThrow(AppError);
    expect(() => providerFor(partial, 'aws')).toThrow('Connections of kind "aws" aren\'t supported by this version of Pilothouse');
  });

  it('refuses a kind it does not know, such as one a newer version stored', () => {
    const err = (() => {
      try {
        providerFor(connectionProviders, 'gcp' as never);
      } catch (e) {
        return e as AppError;
      }
      throw new Error('expected an AppError');
    })();
    expect(err).toMatchObject({ code: 'UNSUPPORTED', message: 'Connections of kind "gcp" aren\'t supported by this version of Pilothouse' });
    // Not fooled by what every object has.
    expect(() => providerFor(connectionProviders, 'toString' as never)).toThrow(AppError);
  });

  it('shapes each kind of summary under its own key', () => {
    const kube = { server: 'https://k', contextName: 'c', clusterName: 'c', userName: 'u', authKind: 'token' as const };
    expect(kubernetesProvider.summaryOf(kube)).toEqual({ kube });
    const aws = { profileKind: 'static' as const, region: 'eu-west-1', settings: {} };
    expect(awsProvider.summaryOf(aws)).toEqual({ aws });
    const prometheus = { url: 'https://prom.example.com', auth: 'none' as const };
    expect(prometheusProvider.summaryOf(prometheus)).toEqual({ prometheus });
  });

  it('hands out AWS access with its region and endpoint, and its secrets to the redactor', async () => {
    const added: string[] = [];
    const access = awsProvider.access({
      details: { profileKind: 'static', region: 'eu-west-1', endpointUrl: 'http://localhost:4566', settings: {} },
      secret: JSON.stringify({ kind: 'static', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'shh-secret' }),
      redactor: { add: (s) => void (s && added.push(s)) },
    });
    expect(access).toMatchObject({ region: 'eu-west-1', endpoint: 'http://localhost:4566' });
    expect(await access.credentials()).toMatchObject({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'shh-secret' });
    expect(added).toContain('shh-secret');
  });
});

/**
 * What each kind of connection supplies to the connection service: how its
 * stored details show, how Test runs, and how its sealed credentials become
 * what the services that use it need. The service looks the kind up in
 * {@link ConnectionProviders} rather than switching on it.
 */
import type { z } from 'zod';
import type { AwsDetails, ConnectionSummary, Health, KubeDetails, PrometheusDetails } from '../../../../shared/contract';
import { AppError } from '../../../../shared/result';
import type { credentialProvider } from '../../aws/awsCredentials';
import type { Redactor } from '../../logging/redact';
import type { PrometheusAccess } from '../../metrics/prometheusClient';

/** The kinds of connection there are. */
export type ConnectionKind = ConnectionSummary['kind'];

/** An AWS connection as the SDK clients use it. */
export interface AwsAccess {
  credentials: ReturnType<typeof credentialProvider>;
  region: string;
  endpoint?: string;
}

/** What each kind's credentials become for the services that use them. */
export interface ConnectionAccess {
  /** The single-context kubeconfig. */
  kubernetes: string;
  aws: AwsAccess;
  prometheus: PrometheusAccess;
}

/** Each kind's non-secret details, as stored and shown. */
export interface ConnectionDetails {
  kubernetes: z.infer<typeof KubeDetails>;
  aws: z.infer<typeof AwsDetails>;
  prometheus: PrometheusDetails;
}

/** A stored connection with its secret opened, handed to its provider. */
export interface OpenedConnection<K extends ConnectionKind> {
  details: ConnectionDetails[K];
  /** The opened sealed secret; providers add whatever of it may reach a message to the redactor. */
  secret: string;
  redactor: Pick<Redactor, 'add'>;
}

/** What one kind of connection supplies. */
export interface ConnectionProvider<K extends ConnectionKind> {
  /** What a connection of this kind is, in messages: "a cluster". */
  is: string;
  /** What the services asking for this kind's access want, in messages: "an AWS account". */
  wanted: string;
  /** The kind's part of a {@link ConnectionSummary}: its details under its own key. */
  summaryOf(details: ConnectionDetails[K]): Pick<ConnectionSummary, 'kube' | 'aws' | 'prometheus'>;
  /** Connects and says how it went; the service redacts the message and stores it. */
  test(connection: OpenedConnection<K>): Promise<Health>;
  /** The credentials in the form the services that use this kind need. */
  access(connection: OpenedConnection<K>): ConnectionAccess[K];
}

/** One provider per kind: leaving a kind out is a compile error. */
export type ConnectionProviders = { [K in ConnectionKind]: ConnectionProvider<K> };

/**
 * The provider of `kind`, failing clearly for a kind this build has no
 * provider for (a row written by a newer version, say).
 *
 * @throws AppError `UNSUPPORTED`.
 */
export function providerFor<K extends ConnectionKind>(providers: ConnectionProviders, kind: K): ConnectionProvider<K> {
  const provider = Object.hasOwn(providers, kind) ? providers[kind] : undefined;
  if (!provider) throw new AppError('UNSUPPORTED', `Connections of kind "${kind}" aren't supported by this version of Pilothouse`);
  return provider;
}

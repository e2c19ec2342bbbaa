/**
 * What the drill's steps share: how a restored object is named and found
 * again (a {@link CreatedRef}, persisted so a cleanup after a crash needs
 * nothing else), and what a target cluster serves.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ResourceRef } from '../../../../shared/contract';
import { AppError } from '../../../../shared/result';
import { resourceLabel } from '../../kube/client/kubeAccess';
import { parseResourceList } from '../../kube/client/discovery';
import { kubeStatusError } from '../../kube/client/kubeErrors';
import { kubeRequest } from '../../kube/client/kubeHttp';
import type { ArchivedObject } from '../archive/archiveTypes';

/** The label every namespace a drill creates carries, valued with the drill's id. */
export const DRILL_LABEL = 'pilothouse.dev/drill';

/** An object a drill created, as the store keeps it: enough to delete it with nothing else at hand. */
export interface CreatedRef {
  group: string;
  version: string;
  resource: string;
  kind: string;
  /** Absent for a cluster-scoped object (the Namespace, a CRD). */
  namespace?: string;
  name: string;
  /** The uid the server gave it: a cleanup deletes only that object, not a namesake made since. */
  uid?: string;
}

/** `apps/v1` → `{ group: 'apps', version: 'v1' }`; `v1` → the core group. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The resource an archived object is read and written through: its group and resource as backed up, at its apiVersion's version. */
export function refOfEntry(entry: Pick<ArchivedObject, 'apiVersion' | 'group' | 'resource'>): ResourceRef {
  return { group: entry.group, version: splitApiVersion(entry.apiVersion).version, resource: entry.resource };
}

/** "Deployment team-a/web", "Namespace drill-team-a-1": how the report and the contract's `created` name an object. */
export function createdLabel(ref: Pick<CreatedRef, 'kind' | 'namespace' | 'name'>): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** True for a CustomResourceDefinition entry (cluster-scoped, restored before everything when the target lacks it). */
export const isCrdEntry = (entry: Pick<ArchivedObject, 'group' | 'resource'>): boolean => entry.group === 'apiextensions.k8s.io' && entry.resource === 'customresourcedefinitions';

/** True for the Namespace entry. */
export const isNamespaceEntry = (entry: Pick<ArchivedObject, 'group' | 'resource'>): boolean => entry.group === '' && entry.resource === 'namespaces';

/**
 * The resources of the group versions a cluster serves, asked once per
 * group version (`/apis/<group>/<version>`, one request) rather than by a full
 * discovery, and asked again after {@link ServedResources.forget} (a CRD was
 * just created).
 */
export class ServedResources {
  private readonly known = new Map<string, Promise<Map<string, { namespaced: boolean; kind: string }>>>();

  constructor(
    private readonly kc: KubeConfig,
    private readonly signal?: AbortSignal,
  ) {}

  /** The served resource, or undefined when the cluster does not serve it at that version. */
  async find(ref: ResourceRef): Promise<{ namespaced: boolean; kind: string } | undefined> {
    const key = `${ref.group}/${ref.version}`;
    let resources = this.known.get(key);
    if (!resources) {
      resources = this.ask(ref.group, ref.version);
      this.known.set(key, resources);
      // A failure is not remembered: the next object asks again.
      resources.catch(() => this.known.delete(key));
    }
    return (await resources).get(ref.resource);
  }

  /** The served resource; NOT_FOUND naming it when the cluster does not serve it. */
  async require(ref: ResourceRef, what: string): Promise<{ namespaced: boolean; kind: string }> {
    const found = await this.find(ref);
    if (!found) throw new AppError('NOT_FOUND', `The target cluster does not serve ${resourceLabel(ref)} at version ${ref.version}, which ${what} needs`);
    return found;
  }

  /** Forgets a group version's answer (its CRD was just established). */
  forget(group: string, version: string): void {
    this.known.delete(`${group}/${version}`);
  }

  private async ask(group: string, version: string): Promise<Map<string, { namespaced: boolean; kind: string }>> {
    const path = group ? `/apis/${encodeURIComponent(group)}/${encodeURIComponent(version)}` : `/api/${encodeURIComponent(version)}`;
    const res = await kubeRequest(this.kc, path, { signal: this.signal, deadlineMs: 30_000 });
    if (res.status === 404) return new Map();
    if (res.status !== 200) throw kubeStatusError(`asking what ${group || 'core'}/${version} serves`, res.status, res.body);
    return new Map(parseResourceList(group, version, res.body).map((r) => [r.resource, { namespaced: r.namespaced, kind: r.kind }]));
  }
}

/** True for the network failures that mean the apiserver went away (refused, reset, silent), as kubeHttp names them. */
export function isUnreachable(err: unknown): boolean {
  return err instanceof AppError && (err.code === 'UNREACHABLE' || err.code === 'TIMEOUT');
}

/** A sentence of an error, for a timeline or a check's detail. */
export function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 500);
}

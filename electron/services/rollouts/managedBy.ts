/**
 * Who else manages a workload, read from the marks their tools leave on it:
 * Argo CD's tracking annotation or label, Flux's owner labels, Helm's
 * release annotations, and the field managers they write as. A rollback made
 * in the cluster drifts from what such a tool holds: GitOps tools put it back
 * at their next sync, Helm replaces it at the next upgrade.
 */
import type { ManagedBy } from '../../../shared/contract';
import type { KubeObject } from '../kube/model';

/** The field managers each tool writes as (server-side apply, or its own client's user agent); a Map, so a manager called "constructor" is no tool. */
const MANAGERS = new Map<string, ManagedBy['tool']>([
  ['argocd-controller', 'Argo CD'],
  ['argocd-application-controller', 'Argo CD'],
  ['kustomize-controller', 'Flux'],
  ['helm-controller', 'Flux'],
]);
/** Names come from labels and annotations anyone may set: longer ones are cut, as the contract bounds them. */
const NAME_MAX = 512;
const bounded = (name: string) => (name.length > NAME_MAX ? `${name.slice(0, NAME_MAX - 1)}…` : name);

type Marked = KubeObject & { metadata?: KubeObject['metadata'] & { managedFields?: { manager?: string }[] } };

/** `<namespace>/<name>` when both are set, else the name. */
const qualified = (namespace: string | undefined, name: string) => bounded(namespace ? `${namespace}/${name}` : name);

/** The tool that manages `obj`, with what it is called there and the mark that says so; undefined when none is found. */
export function managedBy(obj: Marked): ManagedBy | undefined {
  const labels = obj.metadata?.labels ?? {};
  const annotations = obj.metadata?.annotations ?? {};
  // Argo CD: `<app>:<group>/<kind>:<namespace>/<name>` (annotation tracking, the default since v3), or a custom tracking label.
  const trackingId = annotations['argocd.argoproj.io/tracking-id'];
  if (trackingId) return { tool: 'Argo CD', name: bounded(trackingId.split(':')[0]), evidence: 'annotation argocd.argoproj.io/tracking-id', reverts: true };
  if (labels['argocd.argoproj.io/instance']) return { tool: 'Argo CD', name: bounded(labels['argocd.argoproj.io/instance']), evidence: 'label argocd.argoproj.io/instance', reverts: true };
  for (const kind of ['kustomize', 'helm'] as const) {
    const name = labels[`${kind}.toolkit.fluxcd.io/name`];
    if (name) {
      return {
        tool: 'Flux',
        name: bounded(`${kind === 'kustomize' ? 'Kustomization' : 'HelmRelease'} ${qualified(labels[`${kind}.toolkit.fluxcd.io/namespace`], name)}`),
        evidence: `label ${kind}.toolkit.fluxcd.io/name`,
        reverts: true,
      };
    }
  }
  const manager = (obj.metadata?.managedFields ?? []).map((f) => f.manager ?? '').find((m) => MANAGERS.has(m));
  if (manager) return { tool: MANAGERS.get(manager)!, evidence: `field manager ${manager}`, reverts: true };
  const release = annotations['meta.helm.sh/release-name'];
  if (release) return { tool: 'Helm', name: qualified(annotations['meta.helm.sh/release-namespace'], release), evidence: 'annotation meta.helm.sh/release-name', reverts: false };
  if (labels['app.kubernetes.io/managed-by'] === 'Helm') return { tool: 'Helm', ...(labels['app.kubernetes.io/instance'] ? { name: bounded(labels['app.kubernetes.io/instance']) } : {}), evidence: 'label app.kubernetes.io/managed-by=Helm', reverts: false };
  return undefined;
}

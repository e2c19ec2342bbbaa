/**
 * The resources a runbook names (`deployment/payments`,
 * `deployment/ml/payments`, `namespace/ml-serving`), read once into kind,
 * namespace and name, with the kind in one canonical form so that what
 * kubectl accepts (`deploy`, `deployments`, `deployments.apps`) names the
 * same thing as `deployment`.
 */
import { RunbookResource } from '../../../shared/contract';

/** A resource reference read into its parts; `namespace` is '' when any namespace matches. */
export interface ResourceRef {
  kind: string;
  namespace: string;
  name: string;
}

// kubectl's singular, plural and short names for the kinds runbooks name most.
const KIND_NAMES: Record<string, string[]> = {
  pod: ['pods', 'po'],
  deployment: ['deployments', 'deploy'],
  statefulset: ['statefulsets', 'sts'],
  daemonset: ['daemonsets', 'ds'],
  replicaset: ['replicasets', 'rs'],
  job: ['jobs'],
  cronjob: ['cronjobs', 'cj'],
  service: ['services', 'svc'],
  ingress: ['ingresses', 'ing'],
  configmap: ['configmaps', 'cm'],
  secret: ['secrets'],
  namespace: ['namespaces', 'ns'],
  node: ['nodes', 'no'],
  persistentvolumeclaim: ['persistentvolumeclaims', 'pvc'],
  persistentvolume: ['persistentvolumes', 'pv'],
  serviceaccount: ['serviceaccounts', 'sa'],
  horizontalpodautoscaler: ['horizontalpodautoscalers', 'hpa'],
  poddisruptionbudget: ['poddisruptionbudgets', 'pdb'],
  networkpolicy: ['networkpolicies', 'netpol'],
  storageclass: ['storageclasses', 'sc'],
  rollout: ['rollouts', 'ro'],
  application: ['applications', 'app', 'apps'],
  workflow: ['workflows', 'wf'],
  cronworkflow: ['cronworkflows', 'cwf'],
  inferenceservice: ['inferenceservices', 'isvc'],
  backup: ['backups'],
  restore: ['restores'],
  schedule: ['schedules'],
};
const CANONICAL = new Map<string, string>();
for (const [kind, names] of Object.entries(KIND_NAMES)) {
  CANONICAL.set(kind, kind);
  for (const n of names) CANONICAL.set(n, kind);
}

/**
 * A kind as a runbook or an object names it, in one form: lower case,
 * without an API group (`deployments.apps` → `deployment`), singular for the
 * kinds kubectl knows short names of; another kind loses its English
 * plural as Kubernetes forms them (`policies`, `priorityclasses`,
 * `prometheuses`, `alertmanagers`).
 */
export function canonicalKind(kind: string): string {
  const bare = kind.toLowerCase().split('.')[0];
  const known = CANONICAL.get(bare);
  if (known) return known;
  if (bare.length <= 3) return bare;
  if (bare.endsWith('ies')) return `${bare.slice(0, -3)}y`;
  if (/(ss|ch|sh|x|us)es$/.test(bare)) return bare.slice(0, -2);
  // A singular ending in "ss" or "us" (priorityclass, prometheus) is no plural.
  return bare.endsWith('s') && !/(ss|us)$/.test(bare) ? bare.slice(0, -1) : bare;
}

/**
 * Reads a resource reference; undefined when it is not one
 * (see {@link RunbookResource}). The kind may be written in any case.
 */
export function parseResourceRef(text: string): ResourceRef | undefined {
  const slash = text.indexOf('/');
  const normal = slash < 0 ? text : text.slice(0, slash).toLowerCase() + text.slice(slash);
  if (!RunbookResource.safeParse(normal).success) return undefined;
  const parts = normal.split('/');
  const kind = canonicalKind(parts[0]);
  // A namespace is not in a namespace: `namespace/ml` names namespace ml.
  if (parts.length === 3) return kind === 'namespace' ? undefined : { kind, namespace: parts[1], name: parts[2] };
  return { kind, namespace: '', name: parts[1] };
}

/** A reference as front matter writes it, kind canonical: `deployment/ml/payments`. */
export function formatResourceRef(ref: ResourceRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

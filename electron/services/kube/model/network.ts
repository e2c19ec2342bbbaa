/** Services, Ingresses, NetworkPolicies and EndpointSlices. */
import type { KubeObject, LabelSelector } from './kubeObject';

/** Where a load balancer answers: an address or a host name. */
export type LoadBalancerIngress = { ip?: string; hostname?: string }[];

/** One port of a Service; `targetPort` is a number, a numeric string or a container port's name. */
export interface ServicePort {
  name?: string;
  port: number;
  nodePort?: number;
  targetPort?: number | string;
  protocol?: string;
}

/** A Service; `clusterIP: None` makes it headless. */
export interface ServiceObject extends KubeObject {
  spec?: {
    type?: string;
    selector?: Record<string, string>;
    clusterIP?: string;
    externalIPs?: string[];
    externalName?: string;
    ports?: ServicePort[];
  };
  status?: { loadBalancer?: { ingress?: LoadBalancerIngress } };
}

/** An Ingress. */
export interface IngressObject extends KubeObject {
  spec?: { ingressClassName?: string; rules?: { host?: string }[]; tls?: unknown[] };
  status?: { loadBalancer?: { ingress?: LoadBalancerIngress } };
}

/** A NetworkPolicy; an empty `podSelector` selects every pod of its namespace. */
export interface NetworkPolicyObject extends KubeObject {
  spec?: { podSelector?: LabelSelector; policyTypes?: string[] };
}

/** An EndpointSlice: the addresses behind (part of) a Service. */
export interface EndpointSliceObject extends KubeObject {
  addressType?: string;
  ports?: { name?: string; port?: number; protocol?: string }[] | null;
  endpoints?: { addresses?: string[]; conditions?: { ready?: boolean } }[] | null;
}

/** kubectl shows this many of an EndpointSlice's ports or addresses, then "+ N more...". */
const SLICE_ITEMS_SHOWN = 3;

/** `items` as kubectl lists them in a column: the first few, and how many more; null for none (kubectl's "<unset>"). */
function listWithMore(items: string[]): string | null {
  if (!items.length) return null;
  const more = items.length - SLICE_ITEMS_SHOWN;
  const shown = items.slice(0, SLICE_ITEMS_SHOWN).join(',');
  return more > 0 ? `${shown} + ${more} more...` : shown;
}

/** kubectl's PORTS column of an EndpointSlice: "8080,metrics + 2 more..." (a port without number or name is "*"). */
export function endpointSlicePorts(slice: EndpointSliceObject): string | null {
  return listWithMore((slice.ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : (p.name ?? '*'))));
}

/** kubectl's ENDPOINTS column of an EndpointSlice: every endpoint's addresses, ready or not. */
export function endpointSliceAddresses(slice: EndpointSliceObject): string | null {
  return listWithMore((slice.endpoints ?? []).flatMap((e) => e.addresses ?? []));
}

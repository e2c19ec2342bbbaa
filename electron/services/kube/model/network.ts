/** Services and Ingresses. */
import type { KubeObject } from './kubeObject';

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

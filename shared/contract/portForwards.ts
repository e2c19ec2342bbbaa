import { z } from 'zod';
import { defineArea, Empty, method } from './area';
import { KubeName, KubeNamespace } from './kubeResources';

export const PortForwardParams = z
  .object({
    connectionId: z.string().min(1).max(64),
    namespace: KubeNamespace,
    /** A pod, or a Service / Deployment / StatefulSet / ReplicaSet: then one of its ready pods is chosen, as kubectl does. */
    kind: z.enum(['pod', 'service', 'deployment', 'statefulset', 'replicaset']).default('pod'),
    name: KubeName,
    remotePort: z.number().int().min(1).max(65_535),
    /** 0 or absent: any free port. Always bound to 127.0.0.1. */
    localPort: z.number().int().min(0).max(65_535).optional(),
  })
  .strict();

/** A port-forward that is listening on localhost. */
export const PortForward = z.object({
  id: z.string(),
  connectionId: z.string(),
  connectionName: z.string(),
  namespace: z.string(),
  /** What the user asked for, e.g. "service/ranker". */
  target: z.string(),
  /** The pod traffic goes to. */
  pod: z.string(),
  remotePort: z.number().int(),
  localPort: z.number().int(),
  startedAt: z.string(),
  /** TCP connections open through it now. */
  activeConnections: z.number().int(),
  /** Bytes carried each way since it started. */
  bytesIn: z.number(),
  bytesOut: z.number(),
  /** The last connection failure, e.g. the pod went away. */
  lastError: z.string().optional(),
});
export type PortForward = z.infer<typeof PortForward>;

/** The port-forwards area: local ports forwarded to pods, listed for every window. */
export const portForwardsContract = defineArea('portForwards', {
  methods: {
    /** Forwards a port on 127.0.0.1 to a pod (or a ready pod behind a Service or workload); audited. */
    'portForwards.start': method(PortForwardParams, PortForward),
    'portForwards.list': method(Empty, z.array(PortForward)),
    'portForwards.stop': method(z.object({ id: z.string().max(64) }).strict(), z.object({})),
  },
  events: {
    /** The active port-forwards changed (started, stopped, a connection opened or failed). */
    'portForwards.changed': z.object({ forwards: z.array(PortForward) }),
  },
});

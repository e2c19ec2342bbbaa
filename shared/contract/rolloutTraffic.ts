/**
 * Blue/green and canary for plain Deployments (#17): pairs of Deployments
 * behind one Service, found by labels, and the tasks that move traffic
 * between them. Part of the rollouts area (./rollouts.ts lists the methods).
 */
import { z } from 'zod';
import { method } from './area';
import { KubeName, KubeNamespace } from './kubeResources';
import { ObjectRef } from './kubeObjects';

const ConnectionId = ObjectRef.shape.connectionId;
/** A label value, as Kubernetes allows it (63 characters, alphanumerics with `-_.` inside). */
const LabelValue = z
  .string()
  .max(63)
  .regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, 'A label value is letters, digits, "-", "_" and ".", starting and ending with a letter or digit');
const Replicas = z.number().int().min(0).max(100_000);
/** A Deployment's `metadata.generation`: it moves with every change to its spec (template or replicas). */
const Generation = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** One Deployment of a pair, as the Rollouts page shows it. */
export const PairSide = z.object({
  deployment: z.string(),
  /** Its slot (blue/green) or track (canary) label's value. */
  value: z.string(),
  /** Container images of its pod template, as `container=image`. */
  images: z.array(z.string()),
  /** `spec.replicas`. */
  replicas: z.number().int(),
  ready: z.number().int(),
  available: z.number().int(),
  paused: z.boolean(),
  /** `metadata.generation`: what an action sends back, so it acts only on the spec the user saw. */
  generation: z.number().int(),
  /**
   * Its rollout as `kubectl rollout status` judges it: `complete` once the controller has seen its latest spec and every
   * replica is updated and available; `stalled` past its progress deadline; with the verdict's words.
   */
  rollout: z.object({ state: z.enum(['waiting', 'complete', 'stalled', 'unwatched']), message: z.string() }),
});
export type PairSide = z.infer<typeof PairSide>;

/** Two Deployments behind one Service whose selector picks one of them by a slot label. */
export const BlueGreenPair = z.object({
  kind: z.literal('blueGreen'),
  namespace: z.string(),
  service: z.string(),
  /** The label that tells the slots apart: `slot`, `color`, or the Service's `pilothouse.dev/slot-key`. */
  slotKey: z.string(),
  /** The slot the Service's selector picks now; absent when it picks neither. */
  live: z.string().optional(),
  /** The two slots, by value. */
  slots: z.tuple([PairSide, PairSide]),
});
export type BlueGreenPair = z.infer<typeof BlueGreenPair>;

/** A stable and a canary Deployment that one Service selects together. */
export const CanaryPair = z.object({
  kind: z.literal('canary'),
  namespace: z.string(),
  service: z.string(),
  /** The label whose values `stable` and `canary` tell them apart: `track`, or the Service's `pilothouse.dev/track-key`. */
  trackKey: z.string(),
  stable: PairSide,
  canary: PairSide,
  /** The canary's share of the ready pods behind the Service, in percent; absent when none is ready. */
  weight: z.number().optional(),
});
export type CanaryPair = z.infer<typeof CanaryPair>;

/** A blue/green or a canary pair. */
export const TrafficPair = z.discriminatedUnion('kind', [BlueGreenPair, CanaryPair]);
export type TrafficPair = z.infer<typeof TrafficPair>;

/** A Service set up for blue/green or canary that does not make a pair, and why. */
export const PairProblem = z.object({ namespace: z.string(), service: z.string(), message: z.string() });
export type PairProblem = z.infer<typeof PairProblem>;

/** Which connection, and which namespace (all when absent), to find pairs in. */
export const TrafficPairsParams = z
  .object({
    connectionId: ConnectionId,
    /** Absent for every namespace. */
    namespace: KubeNamespace.optional(),
  })
  .strict();

/** The pairs found, and the Services set up for one that make none; each sorted by namespace and Service. */
export const TrafficPairs = z.object({ pairs: z.array(TrafficPair), problems: z.array(PairProblem) });
export type TrafficPairs = z.infer<typeof TrafficPairs>;

/** The Service a traffic action works through. */
const ServiceAt = { connectionId: ConnectionId, namespace: KubeNamespace, service: KubeName };

/** Which blue/green Service to switch, to which slot. */
export const SwitchSlotParams = z
  .object({
    ...ServiceAt,
    /** The slot the Service is to send traffic to. */
    toSlot: LabelValue.min(1),
    /** Only if the Service still sends to this slot (what the user saw; "" for neither slot); CONFLICT otherwise. */
    ifLiveSlot: LabelValue.optional(),
    /** Only if the target slot's Deployment is still at this generation (the template and replicas the user saw); CONFLICT otherwise. */
    ifTargetGeneration: Generation.optional(),
  })
  .strict();
export type SwitchSlotParams = z.infer<typeof SwitchSlotParams>;

/** The replicas a canary action found, and checks are still so. */
const IfReplicas = z.object({ stable: Replicas, canary: Replicas }).strict();

/** Which canary Service, and the split of replicas to give it. */
export const SetCanaryWeightParams = z
  .object({
    ...ServiceAt,
    /** The canary's share of the replicas, in percent (fractions allowed: an undo restores an exact split). */
    weight: z.number().min(0).max(100),
    /** Stable plus canary replicas after the change. */
    total: Replicas.min(1),
    /** Only if they still run these replicas; CONFLICT otherwise. */
    ifReplicas: IfReplicas.optional(),
  })
  .strict();
export type SetCanaryWeightParams = z.infer<typeof SetCanaryWeightParams>;

/** The generations of stable and canary an action found (their specs: templates and replicas), and checks are still so. */
const IfGenerations = z.object({ stable: Generation, canary: Generation }).strict();

/** Which canary Service to promote or abort, held to the replicas and the specs the user saw. */
export const CanaryActionParams = z.object({ ...ServiceAt, ifReplicas: IfReplicas.optional(), ifGenerations: IfGenerations.optional() }).strict();
export type CanaryActionParams = z.infer<typeof CanaryActionParams>;

/** A traffic action started as a task: follow it in the tray, its report gives the verdict. */
export const TrafficTaskStarted = z.object({ taskId: z.string() });

/** The rollouts area's traffic methods. */
export const trafficMethods = {
  /** Blue/green and canary pairs of Deployments behind a Service, in a namespace or all, and the Services set up for one that do not make a pair. */
  'rollouts.trafficPairs': method(TrafficPairsParams, TrafficPairs),
  /**
   * Points a blue/green Service at the other slot, as an audited task (its undo switches back): refused unless the target
   * Deployment's rollout is complete; CONFLICT when the Service or the target changed since the user saw them (or since it
   * was read); then checks its EndpointSlices hold only the target's pods.
   */
  'rollouts.switchSlot': method(SwitchSlotParams, TrafficTaskStarted),
  /** Splits `total` replicas between stable and canary by `weight` through their scale subresources, guarded and audited (undo: the split before); waits for the pods. */
  'rollouts.setCanaryWeight': method(SetCanaryWeightParams, TrafficTaskStarted),
  /**
   * The stable Deployment takes the canary's pod template (keeping its own selector labels) and all replicas, is followed
   * to a complete rollout, then the canary goes to 0; CONFLICT when either changed since the user saw it. Its undo rolls
   * stable's template back and leaves the replicas as they are.
   */
  'rollouts.promoteCanary': method(CanaryActionParams, TrafficTaskStarted),
  /** The canary goes to 0 replicas and the stable Deployment back to all of them; audited, its undo restores the split. */
  'rollouts.abortCanary': method(CanaryActionParams, TrafficTaskStarted),
} as const;

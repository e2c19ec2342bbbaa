/** HorizontalPodAutoscalers (autoscaling/v2), and their targets as kubectl prints them. */
import type { KubeObject } from './kubeObject';

/**
 * A metric's wanted or measured value: a quantity, a per-pod average
 * quantity, or a per-pod average utilization in percent. A target's `type`
 * names the one it sets; kubectl reads the fields themselves, and so does this.
 */
export interface MetricValue {
  type?: string;
  value?: string;
  averageValue?: string;
  averageUtilization?: number;
}

/** The part of a metric its type names: the spec gives its `target`, the status its `current` value. */
export interface MetricSource {
  /** The resource, for Resource and ContainerResource metrics ("cpu"). */
  name?: string;
  target?: MetricValue;
  current?: MetricValue;
}

/** One metric of an HPA's spec or status: `type` says which of the other fields is set. */
export interface HpaMetric {
  type: string;
  resource?: MetricSource;
  containerResource?: MetricSource;
  pods?: MetricSource;
  object?: MetricSource;
  external?: MetricSource;
}

/** A HorizontalPodAutoscaler. */
export interface HpaObject extends KubeObject {
  spec?: {
    scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string };
    minReplicas?: number;
    maxReplicas?: number;
    metrics?: HpaMetric[];
  };
  status?: { currentReplicas?: number; desiredReplicas?: number; currentMetrics?: HpaMetric[] };
}

const SOURCE: Record<string, Exclude<keyof HpaMetric, 'type'>> = {
  Resource: 'resource',
  ContainerResource: 'containerResource',
  Pods: 'pods',
  Object: 'object',
  External: 'external',
};

/** kubectl's word for a value the metrics pipeline has not reported (no metrics server yet, no pods yet). */
const UNKNOWN = '<unknown>';
/** kubectl shows this many metrics, then "+ N more...". */
const METRICS_SHOWN = 2;

const percent = (n: number | undefined) => (n === undefined ? undefined : `${n}%`);

/** One metric as "current/target"; the status metric at the same index is the one measured for it, as kubectl pairs them. */
function metricText(spec: HpaMetric, status: HpaMetric | undefined): string {
  const field = SOURCE[spec.type];
  const source = field ? spec[field] : undefined;
  if (!field || !source) return '<unknown type>';
  const target = source.target ?? {};
  const current = status?.[field]?.current;
  switch (spec.type) {
    case 'Resource':
    case 'ContainerResource':
      if (target.averageValue !== undefined) return `${source.name}: ${current?.averageValue ?? UNKNOWN}/${target.averageValue}`;
      return `${source.name}: ${percent(current?.averageUtilization) ?? UNKNOWN}/${percent(target.averageUtilization) ?? '<auto>'}`;
    case 'Pods':
      return `${current?.averageValue ?? UNKNOWN}/${target.averageValue ?? UNKNOWN}`;
    default:
      // Object and External metrics: an average per pod, or one value.
      if (target.averageValue !== undefined) return `${current?.averageValue ?? UNKNOWN}/${target.averageValue} (avg)`;
      return `${current?.value ?? UNKNOWN}/${target.value ?? UNKNOWN}`;
  }
}

/**
 * kubectl's TARGETS column: each metric as "current/target", e.g.
 * "cpu: 42%/80%, 120/100 (avg)"; "cpu: <unknown>/80%" before the metrics
 * pipeline has reported; the first two, then "+ N more...". Null when the
 * HPA has no metrics (kubectl's "<none>").
 */
export function hpaTargets(hpa: HpaObject): string | null {
  const specs = hpa.spec?.metrics ?? [];
  if (!specs.length) return null;
  const statuses = hpa.status?.currentMetrics ?? [];
  const shown = specs.slice(0, METRICS_SHOWN).map((spec, i) => metricText(spec, statuses[i]));
  const more = specs.length - METRICS_SHOWN;
  return more > 0 ? `${shown.join(', ')} + ${more} more...` : shown.join(', ');
}

/** kubectl's REFERENCE column: "Deployment/web". */
export function hpaReference(hpa: HpaObject): string | null {
  const ref = hpa.spec?.scaleTargetRef;
  return ref?.kind && ref.name ? `${ref.kind}/${ref.name}` : null;
}

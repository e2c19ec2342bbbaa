/** ConfigMaps, Secrets and PersistentVolumeClaims. */
import type { KubeObject } from './kubeObject';
import type { ContainerResources } from './pods';

/** A ConfigMap or a Secret (whose `data` values are base64). */
export interface DataObject extends KubeObject {
  type?: string;
  data?: Record<string, unknown>;
  binaryData?: Record<string, unknown>;
}

/** A PersistentVolumeClaim. */
export interface PvcObject extends KubeObject {
  spec?: { volumeName?: string; storageClassName?: string; accessModes?: string[]; resources?: ContainerResources };
  status?: { phase?: string; capacity?: Record<string, string> };
}

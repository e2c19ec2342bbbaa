/** ConfigMaps, Secrets, PersistentVolumeClaims, PersistentVolumes and StorageClasses. */
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

/** A PersistentVolume. */
export interface PvObject extends KubeObject {
  spec?: {
    capacity?: Record<string, string>;
    accessModes?: string[];
    persistentVolumeReclaimPolicy?: string;
    claimRef?: { namespace?: string; name?: string };
    storageClassName?: string;
    volumeAttributesClassName?: string;
    volumeMode?: string;
  };
  status?: { phase?: string; reason?: string };
}

/** A StorageClass; unset policies are Kubernetes' defaults (Delete, Immediate, no expansion). */
export interface StorageClassObject extends KubeObject {
  provisioner?: string;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  allowVolumeExpansion?: boolean;
}

/** kubectl's abbreviations of access modes, in the order it lists them. */
const ACCESS_MODES: [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** Access modes as kubectl prints them: "RWO,RWX", whatever order the object lists them in; null for none. */
export function accessModesText(modes: string[] = []): string | null {
  return ACCESS_MODES.filter(([mode]) => modes.includes(mode)).map(([, short]) => short).join(',') || null;
}

/** A volume's phase, or Terminating once it is being deleted, as kubectl says it. */
export function pvStatus(pv: PvObject): string | null {
  if (pv.metadata?.deletionTimestamp) return 'Terminating';
  return pv.status?.phase ?? null;
}

/** A volume's storage class: the field, else the annotation volumes carried before Kubernetes 1.6 (kubectl reads both). */
export function pvStorageClass(pv: PvObject): string | null {
  return pv.spec?.storageClassName || pv.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] || null;
}

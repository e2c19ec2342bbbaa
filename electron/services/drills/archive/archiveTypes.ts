/**
 * The shape of a Pilothouse backup archive, shared by the code that writes
 * one (backup) and the code that restores one (drill). The format is
 * documented for people in `docs/backup-archive.md`.
 *
 * An archive is a folder (or an S3 prefix) named after the backup:
 *
 *     manifest.json                                  what is in it, with every file's sha256
 *     objects/<namespace>/<group|core>/<resource>/<name>.yaml      one object per file
 *     objects/_cluster/<group>/<resource>/<name>.yaml              the CRDs its custom resources need
 *
 * A Secret's file holds the object with its `data` replaced by an AES-256-GCM
 * envelope (see `secretCrypto.ts`), under a key kept sealed in the store and
 * named by `manifest.keyId`.
 */
import type { KindCount } from '../../../../shared/contract/drills';
import type { KubeObject } from '../../kube/model/kubeObject';

/** One object in an archive. */
export interface ArchivedObject {
  /** Relative to the archive, "/"-separated, never absolute or with a ".." segment. */
  path: string;
  apiVersion: string;
  kind: string;
  /** Discovery's group ("" for the core group) and plural resource, as backed up. */
  group: string;
  resource: string;
  /** Absent for a cluster-scoped object (a CRD). */
  namespace?: string;
  name: string;
  /** sha256 (hex) of the file as stored: for a Secret, of its encrypted form. */
  sha256: string;
  bytes: number;
  /** A Secret whose data is encrypted in its file. */
  encrypted: boolean;
  /** For ConfigMaps: {@link dataHash} of the object at backup, which a drill compares with the restored one. Never in a manifest for a Secret (the manifest is in clear); the reader sets it on a VerifiedArchive's Secret entries from the decrypted values. */
  dataSha256?: string;
  /**
   * Restore order, lower first: CRDs, the Namespace, ServiceAccounts and
   * RBAC, ConfigMaps and Secrets, storage, Services, workloads, the rest.
   */
  order: number;
}

/** `manifest.json`. */
export interface ArchiveManifest {
  /** `ARCHIVE_FORMAT` of the contract. */
  format: string;
  /** The backup's id (its record in the store has the same). */
  id: string;
  /** The archive's folder name. */
  name: string;
  /** When the objects were read. */
  takenAt: string;
  finishedAt: string;
  source: { connectionName: string; server?: string };
  namespaces: string[];
  /** The id of the key the Secrets are encrypted with; absent when the archive holds no Secret. */
  keyId?: string;
  counts: KindCount[];
  /** Resources that could not be listed, and why. */
  skipped: { resource: string; reason: string }[];
  /** In restore order. */
  objects: ArchivedObject[];
}

/** An archive that was read and checked: every file matched its hash, Secrets decrypted. */
export interface VerifiedArchive {
  manifest: ArchiveManifest;
  /** Sha256 (hex) of `manifest.json` as read. */
  manifestSha256: string;
  /** In restore order; each object as backed up (cleaned of server-set fields), Secrets with their data in clear. */
  objects: { entry: ArchivedObject; object: KubeObject }[];
}

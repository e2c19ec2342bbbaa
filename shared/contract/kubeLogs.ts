import { z } from 'zod';
import { KubeName, KubeNamespace } from './kubeResources';

/** Which log to read: one container of one pod. */
export const LogTarget = z
  .object({
    connectionId: z.string().min(1).max(64),
    namespace: KubeNamespace,
    pod: KubeName,
    /** A container's name is a DNS label; it goes into the query, not the path. */
    container: z.string().min(1).max(63),
    /** The previous, terminated instance of the container. */
    previous: z.boolean().default(false),
    /** Prefix each line with the kubelet's RFC 3339 timestamp. */
    timestamps: z.boolean().default(false),
  })
  .strict();
export type LogTarget = z.infer<typeof LogTarget>;

export const LogOpenParams = LogTarget.extend({
  /** Keep the stream open for new lines. Ignored for `previous`. */
  follow: z.boolean().default(true),
  /** Lines from the end to start with; absent for the whole log. */
  tailLines: z.number().int().min(0).max(1_000_000).optional(),
}).strict();

/**
 * One message of a log stream (`kube.logs`, private to the window that opened
 * it). Lines arrive in batches at a bounded rate; when the pod writes faster
 * than the window takes them, the services hold the stream back (and, past
 * their buffer, drop the oldest lines and say how many in `dropped`).
 */
export const LogLines = z.object({
  lines: z.array(z.string()),
  /** Lines skipped since the previous batch, because the reader fell behind. */
  dropped: z.number().int().optional(),
  state: z.object({
    phase: z.enum(['connecting', 'streaming', 'reconnecting', 'ended', 'error']),
    message: z.string().optional(),
  }),
});
export type LogLines = z.infer<typeof LogLines>;

/** A whole log for saving to a file, up to a size limit. */
export const LogDownload = z.object({
  fileName: z.string(),
  text: z.string(),
  bytes: z.number().int(),
  /** The log was longer than the limit: `text` holds its last `bytes` bytes. */
  truncated: z.boolean(),
});

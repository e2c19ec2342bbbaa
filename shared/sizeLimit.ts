// Limits are powers of two (10 MiB) but people read "MB"; both sides say MB.
const MB = 1024 * 1024;

/** A size limit as people read it: "10 MB". */
export function megabytes(bytes: number): string {
  return `${Number((bytes / MB).toFixed(1))} MB`;
}

/**
 * The one wording for input over a size limit, in the UI and the services
 * alike: "~/.kube/config is 12.3 MB; Pilothouse reads at most 10 MB".
 */
export function tooLargeMessage(what: string, bytes: number, maxBytes: number): string {
  return `${what} is ${(bytes / MB).toFixed(1)} MB; Pilothouse reads at most ${megabytes(maxBytes)}`;
}

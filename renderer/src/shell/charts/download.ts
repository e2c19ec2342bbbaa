/**
 * Hands `blob` to the browser as a download named `fileName`: a blob URL and
 * an `<a download>`, which browser mode and Electron (a save dialog) both
 * honour without a contract call.
 */
export function saveBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later, not now: the download reads the blob after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * A file name made from words a user or a cluster chose ("GPUs on prod/eu"):
 * only letters, digits, dots, dashes and underscores, no leading dot, at most
 * 100 characters, and a date stamp so exports do not overwrite each other.
 */
export function exportFileName(title: string, extension: string, now = new Date()): string {
  const stem =
    title
      .normalize('NFKD')
      .replace(/[^\w.-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 100) || 'export';
  const stamp = now.toISOString().slice(0, 16).replace(/[:T]/g, '-');
  return `${stem}-${stamp}.${extension}`;
}

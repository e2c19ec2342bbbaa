import { MAX_IMPORT_BYTES } from '../../../../shared/contract';
import { tooLargeMessage } from '../../../../shared/sizeLimit';

/**
 * Why a kubeconfig of `bytes` can't be imported, said before anything is
 * sent: the services read at most {@link MAX_IMPORT_BYTES}. Undefined when it fits.
 */
export function importSizeProblem(bytes: number): string | undefined {
  if (bytes <= MAX_IMPORT_BYTES) return undefined;
  return `${tooLargeMessage('This kubeconfig', bytes, MAX_IMPORT_BYTES)}. Import the contexts you need from a smaller file.`;
}

/**
 * The UTF-8 size of `text`, as the services will count it, without encoding
 * it: a paste may be tens of MB and this runs on every change.
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3; // Including a lone surrogate, sent as U+FFFD.
  }
  return bytes;
}

/**
 * Reads a file the user picked as base64 of its bytes, for the contract's
 * upload source: the services decode and check it as they do a file read from
 * a path, so a UTF-16 or Latin-1 file is refused there rather than misread here.
 * Callers check {@link importSizeProblem} first.
 */
export async function readUploadedFile(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  // In chunks: spreading a whole file into fromCharCode overflows the call stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

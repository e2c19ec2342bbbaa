import { MAX_IMPORT_BYTES } from '../../../../shared/contract';
import { CallError } from '../../api/client';

/**
 * Reads a file the user picked, refusing one over the import limit before
 * reading it, with the message the services give for the same file.
 */
export async function readUploadedFile(file: File): Promise<string> {
  const label = `${file.name} (uploaded)`;
  if (file.size > MAX_IMPORT_BYTES) {
    throw new CallError({
      code: 'FILE_TOO_LARGE',
      message: `${label} is ${(file.size / 1024 / 1024).toFixed(1)} MB; kubeconfigs and AWS files over 10 MB are refused`,
      location: { file: label },
    });
  }
  return file.text();
}

import { describe, expect, it } from 'vitest';
import { megabytes, tooLargeMessage } from './sizeLimit';

describe('size limits', () => {
  it('says a size and its limit in MB, as the UI and the services both word it', () => {
    expect(tooLargeMessage('~/.kube/config', 12.3 * 1024 * 1024, 10 * 1024 * 1024)).toBe('~/.kube/config is 12.3 MB; Pilothouse reads at most 10 MB');
    expect(megabytes(10 * 1024 * 1024)).toBe('10 MB');
    expect(megabytes(1.5 * 1024 * 1024)).toBe('1.5 MB');
  });
});

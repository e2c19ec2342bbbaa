import { describe, expect, it } from 'vitest';
import { downloadName } from './podLogs';

describe('downloadName', () => {
  const target = { connectionId: 'c', namespace: 'platform', pod: 'redis-0', container: 'redis', previous: false, timestamps: false };

  it('names pod, container and local time', () => {
    expect(downloadName(target, new Date(2024, 4, 1, 9, 5, 7))).toBe('redis-0_redis_20240501-090507.log');
  });

  it('marks the previous instance', () => {
    expect(downloadName({ ...target, previous: true }, new Date(2024, 11, 31, 23, 59, 59))).toBe('redis-0_redis_previous_20241231-235959.log');
  });
});

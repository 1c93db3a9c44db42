import { describe, expect, it } from 'vitest';
import { createSpoolQuota } from './createSpoolQuota.js';

describe('createSpoolQuota', () => {
  it('takes and gives back bytes', () => {
    const quota = createSpoolQuota(100);
    quota.reserve(60, 'job-a', 0);
    quota.reserve(40, 'job-b', 0);
    expect(quota.usedBytes).toBe(100);
    quota.release(60);
    expect(quota.usedBytes).toBe(40);
  });

  it('refuses bytes past the limit with CW_SPOOL_FULL naming the quota and the job, taking nothing', () => {
    const quota = createSpoolQuota(100);
    quota.reserve(90, 'job-a', 0);
    let thrown: unknown;
    try {
      quota.reserve(11, 'job-b', 3);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'CW_SPOOL_FULL' });
    expect((thrown as Error).message).toContain('100 bytes');
    expect((thrown as Error).message).toContain('job-b');
    expect(quota.usedBytes).toBe(90);
  });
});

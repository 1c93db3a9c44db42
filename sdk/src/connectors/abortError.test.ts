import { CausewayError } from '../errors.js';
import { describe, expect, it } from 'vitest';
import { abortError } from './abortError.js';

describe('abortError', () => {
  it("follows the host's coded reason", () => {
    expect(abortError(new CausewayError('CW_QUERY_TIMEOUT', 'deadline'), undefined, 'db:5432').code).toBe('CW_QUERY_TIMEOUT');
    expect(abortError(new CausewayError('CW_JOB_CANCELLED', 'cancel'), Date.now() - 1000, 'db:5432').code).toBe('CW_JOB_CANCELLED');
  });

  it('falls back to comparing the deadline with now', () => {
    expect(abortError(undefined, Date.now() - 1, 'db:5432').code).toBe('CW_QUERY_TIMEOUT');
    expect(abortError(new Error('stop'), Date.now() + 60_000, 'db:5432').code).toBe('CW_JOB_CANCELLED');
    expect(abortError(undefined, undefined, 'db:5432')).toMatchObject({ code: 'CW_JOB_CANCELLED', message: expect.stringContaining('db:5432') });
  });
});

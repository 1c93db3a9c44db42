import { describe, expect, it } from 'vitest';
import { callTimeoutFor } from './callTimeoutFor.js';

describe('callTimeoutFor', () => {
  it('is 0 (no limit) without a statement timeout or a deadline', () => {
    expect(callTimeoutFor(undefined, undefined, 5000, 1000)).toBe(0);
    expect(callTimeoutFor(0, undefined, 5000, 1000)).toBe(0);
  });

  it('takes the statement timeout, or the time to the deadline plus the grace, whichever is shorter', () => {
    expect(callTimeoutFor(30_000, undefined, 5000, 1000)).toBe(30_000);
    expect(callTimeoutFor(undefined, 11_000, 5000, 1000)).toBe(15_000);
    expect(callTimeoutFor(8000, 11_000, 5000, 1000)).toBe(8000);
    expect(callTimeoutFor(60_000, 11_000, 5000, 1000)).toBe(15_000);
  });

  it('never gives 0 for a deadline already passed, and rounds to whole milliseconds', () => {
    expect(callTimeoutFor(undefined, 500, 0, 1000)).toBe(1);
    expect(callTimeoutFor(undefined, 1000.4, 0, 0)).toBe(1001);
  });
});

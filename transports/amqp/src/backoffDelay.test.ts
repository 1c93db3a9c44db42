import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoffDelay.js';

describe('backoffDelay', () => {
  const limits = { initialDelayMs: 100, maxDelayMs: 1000 };
  it('doubles its ceiling per attempt up to the maximum, between half the ceiling and the ceiling', () => {
    expect([1, 2, 3, 4, 5, 30].map((a) => backoffDelay(a, limits, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, limits, () => 0))).toEqual([50, 100, 200, 400, 500]);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(3, limits);
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './reconnectDelay.js';

const limits = { initialDelayMs: 250, maxDelayMs: 10_000 };

describe('reconnectDelay', () => {
  it('doubles its ceiling per attempt, starting at twice the initial delay', () => {
    expect([1, 2, 3, 4].map((a) => reconnectDelay(a, limits, () => 1))).toEqual([500, 1000, 2000, 4000]);
  });

  it('never waits less than the initial delay', () => {
    expect([1, 5, 20].map((a) => reconnectDelay(a, limits, () => 0))).toEqual([250, 250, 250]);
  });

  it('never waits more than the maximum, however many attempts failed', () => {
    expect(reconnectDelay(10_000, limits, () => 1)).toBe(10_000);
  });

  it('spreads delays between the bounds (jitter)', () => {
    expect(reconnectDelay(3, limits, () => 0.5)).toBe(1125);
  });
});

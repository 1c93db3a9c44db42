import { describe, expect, it } from 'vitest';
import { median, percentile, ratioSummary, summarize, summarizeRounded } from './stats.mjs';

describe('median and summarize', () => {
  it('takes the middle value of an odd count and the mean of the two middle ones of an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('does not reorder the caller\'s list', () => {
    const list = [3, 1, 2];
    summarize(list);
    expect(list).toEqual([3, 1, 2]);
  });
  it('gives median, min and max', () => {
    expect(summarize([2, 9, 4])).toEqual({ median: 4, min: 2, max: 9 });
    expect(summarizeRounded([1.23456, 2.34567, 3.45678], 2)).toEqual({ median: 2.35, min: 1.23, max: 3.46 });
  });
});

describe('percentile', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 .. 1, unsorted on purpose
  it('uses the nearest rank: p50 of 1..100 is 50, p99 is 99, p100 is the maximum', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
  });
  it('returns a real sample, never an interpolated value', () => {
    expect(percentile([10, 20], 50)).toBe(10);
    expect(percentile([10, 20], 51)).toBe(20);
    expect(percentile([7], 99)).toBe(7);
  });
  it('refuses an empty list and a percentile out of range', () => {
    expect(() => percentile([], 50)).toThrow(/empty/);
    expect(() => percentile([1], 0)).toThrow(/not in/);
    expect(() => percentile([1], 101)).toThrow(/not in/);
  });
});

describe('ratioSummary', () => {
  it('pairs the figures of each run before taking the median, min and max', () => {
    // Run 1: 2/1, run 2: 3/2, run 3: 8/2. A ratio of medians would say 3/2 = 1.5; per run the median is 2.
    expect(ratioSummary([2, 3, 8], [1, 2, 2])).toEqual({ median: 2, min: 1.5, max: 4 });
  });
  it('refuses lists of different lengths or no samples', () => {
    expect(() => ratioSummary([1, 2], [1])).toThrow(/same non-zero number/);
    expect(() => ratioSummary([], [])).toThrow(/same non-zero number/);
  });
});

import { describe, expect, it } from 'vitest';
import { createFrameSizer } from './createFrameSizer.js';

describe('createFrameSizer', () => {
  it('starts small, then puts as many rows in a frame as fit the target at the bytes per row seen', () => {
    const sizer = createFrameSizer(128 * 1024);
    expect(sizer.next(5000)).toBe(256);
    sizer.observe(256, 256 * 100); // 100 bytes per row
    expect(sizer.next(5000)).toBe(1310);
    expect(sizer.next(40)).toBe(40);
    expect(sizer.next(0)).toBe(0);
  });

  it('follows the running bytes per row, so one wide frame moves the size only in proportion', () => {
    const sizer = createFrameSizer(100_000);
    sizer.observe(1000, 100_000); // 100 B/row
    expect(sizer.next(10_000)).toBe(1000);
    sizer.observe(10, 100_000); // ten 10 KB rows: 200,000 B over 1,010 rows
    expect(sizer.next(10_000)).toBe(505);
  });

  it('never goes below one row per frame, even for rows larger than the target', () => {
    const sizer = createFrameSizer(1024);
    sizer.observe(1, 5 * 1024 * 1024);
    expect(sizer.next(100)).toBe(1);
  });

  it('refuses a target that is not positive', () => {
    expect(() => createFrameSizer(0)).toThrow(RangeError);
  });
});

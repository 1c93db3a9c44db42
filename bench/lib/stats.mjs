/** The median of a non-empty list of numbers (the mean of the two middle values for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median, min and max of a non-empty list of numbers. */
export function summarize(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** Rounds to `digits` decimals (for reports: the raw samples stay unrounded). */
export function round(value, digits = 3) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Bytes to mebibytes, one decimal. */
export function mb(bytes) {
  return round(bytes / 1024 / 1024, 1);
}

/**
 * The p-th percentile (0 < p <= 100) of a non-empty list by the nearest-rank method: the smallest
 * sample with at least p % of the samples at or below it, so every reported figure is a real sample.
 */
export function percentile(values, p) {
  if (values.length === 0) throw new Error('percentile of an empty list');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile ${p} is not in (0, 100]`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Median, min and max of a list, each rounded to `digits` decimals (the shape of every figure in a report). */
export function summarizeRounded(values, digits = 3) {
  const s = summarize(values);
  return { median: round(s.median, digits), min: round(s.min, digits), max: round(s.max, digits) };
}

/**
 * A comparison measured in the same run: `numerators[i] / denominators[i]` for each run i (the two
 * figures of one run, taken side by side), then median, min and max of those ratios. Never the ratio
 * of two medians: that would pair figures from different moments of a shared machine.
 */
export function ratioSummary(numerators, denominators, digits = 3) {
  if (numerators.length !== denominators.length || numerators.length === 0) {
    throw new Error(`a ratio needs the same non-zero number of samples on both sides (got ${numerators.length} and ${denominators.length})`);
  }
  return summarizeRounded(numerators.map((n, i) => n / denominators[i]), digits);
}

// Text forms of SQL Server dates and times in the SDK's value forms. SQL Server keeps 100 ns (7
// fractional digits); the SDK carries at most microseconds, so the seventh digit is dropped
// (truncated, never rounded: a value never moves into the next second, day or year, and order is
// kept). Trailing zeros of the fraction are not written.

const msPerDay = 86_400_000;
const ticksPerMs = 10_000;

/** `YYYY-MM-DD` of a Date's UTC calendar day (years 1-9999). */
export function dateText(date: Date): string {
  return `${String(date.getUTCFullYear()).padStart(4, '0')}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
}

/** `HH:MM:SS[.ffffff]` for a time of day in 100 ns ticks. */
export function timeText(ticksOfDay: number): string {
  const seconds = Math.floor(ticksOfDay / 10_000_000);
  const micros = Math.floor((ticksOfDay % 10_000_000) / 10);
  const base = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
  if (micros === 0) return base;
  return `${base}.${String(micros).padStart(6, '0').replace(/0+$/, '')}`;
}

/**
 * The time of day of a value tedious decoded (with `useUTC`), in 100 ns ticks: the Date holds
 * whole milliseconds and tedious adds `nanosecondsDelta`, the rest in seconds (a multiple of 1e-7).
 */
export function ticksOfDay(date: Date): number {
  const ms = ((date.getTime() % msPerDay) + msPerDay) % msPerDay;
  const delta = (date as Date & { nanosecondsDelta?: number }).nanosecondsDelta ?? 0;
  return ms * ticksPerMs + Math.round(delta * 10_000_000);
}

/** `YYYY-MM-DDTHH:MM:SS[.ffffff]` (no zone) of a value tedious decoded with `useUTC`. */
export function timestampText(date: Date): string {
  return `${dateText(date)}T${timeText(ticksOfDay(date))}`;
}

/** The Date of `days` days after 0001-01-01 (UTC midnight). */
export function dateFromDays0001(days: number): Date {
  // 0001-01-01 is 730119 days before 2000-01-01 (Date.UTC maps years 0-99 to 19xx, so count from 2000).
  return new Date(Date.UTC(2000, 0, 1) + (days - 730119) * msPerDay);
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

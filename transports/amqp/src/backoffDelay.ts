/**
 * The delay before reconnect attempt `attempt` (1, 2, ...): half of a ceiling that doubles per
 * attempt up to `maxDelayMs`, plus a random part of the other half. Members of a cluster that lost
 * the broker together do not all dial back at the same moment.
 */
export function backoffDelay(attempt: number, limits: { initialDelayMs: number; maxDelayMs: number }, random: () => number = Math.random): number {
  const ceiling = Math.min(limits.maxDelayMs, limits.initialDelayMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.max(1, Math.round(ceiling / 2 + random() * (ceiling / 2)));
}

/**
 * The delay before reconnect attempt `attempt` (1, 2, ...): uniform between `initialDelayMs` and a
 * ceiling that doubles per attempt up to `maxDelayMs`. The jitter keeps many gateways that lost
 * the relay together from dialling back in lockstep.
 */
export function reconnectDelay(attempt: number, limits: { initialDelayMs: number; maxDelayMs: number }, random: () => number = Math.random): number {
  const ceiling = Math.min(limits.maxDelayMs, limits.initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(limits.initialDelayMs + random() * (ceiling - limits.initialDelayMs));
}

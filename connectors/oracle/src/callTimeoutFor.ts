/**
 * The oracledb `callTimeout` for a query's round trips: the data source's `statementTimeoutMs`,
 * and, when the job has a deadline, the time left until it plus `graceMs`. The connector stops a
 * query at its deadline itself (with a break); this is the driver's own backstop should that not
 * happen. 0 means no limit. oracledb wants a whole number of milliseconds.
 */
export function callTimeoutFor(statementTimeoutMs: number | undefined, deadline: number | undefined, graceMs: number, now = Date.now()): number {
  const limits: number[] = [];
  if (statementTimeoutMs !== undefined && statementTimeoutMs > 0) limits.push(statementTimeoutMs);
  if (deadline !== undefined) limits.push(Math.max(1, deadline - now + graceMs));
  return limits.length === 0 ? 0 : Math.ceil(Math.min(...limits));
}

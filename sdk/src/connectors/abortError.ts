import { ConnectorError } from '../errors.js';

/**
 * The error for a query stopped by its abort signal: CW_QUERY_TIMEOUT when the deadline passed,
 * CW_JOB_CANCELLED otherwise. The host's abort reason (a coded error) decides when it has a code.
 */
export function abortError(reason: unknown, deadline: number | undefined, where: string): ConnectorError {
  const code = (reason as { code?: unknown } | undefined)?.code;
  const timedOut = code === 'CW_QUERY_TIMEOUT' || (code !== 'CW_JOB_CANCELLED' && deadline !== undefined && Date.now() >= deadline);
  return timedOut
    ? new ConnectorError('CW_QUERY_TIMEOUT', `the query on ${where} ran past its deadline and was stopped`, { cause: reason })
    : new ConnectorError('CW_JOB_CANCELLED', `the query on ${where} was cancelled`, { cause: reason });
}

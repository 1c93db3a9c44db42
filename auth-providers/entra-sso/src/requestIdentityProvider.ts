import { providerUnreachable } from './providerUnreachable.js';

/** One HTTP request to the identity provider. */
export interface IdentityProviderRequest {
  url: string;
  init?: RequestInit;
  timeoutMs: number;
  /** The caller's signal (a job's); its reason is rethrown as is when it fires. */
  signal?: AbortSignal | undefined;
  fetch?: typeof fetch;
}

/**
 * Sends one request with a time limit and reads the body as text. A refused connection, an unknown
 * host or a dropped socket is `network`, the time limit `timeout`: both `CW_IDENTITY_PROVIDER_UNREACHABLE`.
 */
export async function requestIdentityProvider(request: IdentityProviderRequest): Promise<{ status: number; body: string }> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
  const doFetch = request.fetch ?? fetch;
  try {
    const response = await doFetch(request.url, { ...request.init, signal, redirect: 'error' });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason;
    if (timeout.aborted) throw providerUnreachable('timeout', request.url, `no answer within ${request.timeoutMs} ms`, { timeoutMs: request.timeoutMs });
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? cause.code : undefined;
    return Promise.reject(providerUnreachable('network', request.url, `request failed${code ? ` (${code})` : ''}`, code ? { networkCode: code } : {}));
  }
}

import { CausewayError } from '@causeway/sdk';

const loopback = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Parses an identity-provider URL and requires https, except on the loopback interface (local test
 * issuers): keys and tokens fetched over plain HTTP could be swapped by anyone on the path.
 */
export function checkEndpointUrl(value: unknown, where: string): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new CausewayError('CW_CONFIG_INVALID', `${where}: not a URL`, { location: { field: where } });
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback.has(url.hostname))) {
    throw new CausewayError('CW_CONFIG_INVALID', `${where}: ${url.origin} must use https`, { location: { field: where } });
  }
  return url;
}

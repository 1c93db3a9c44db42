import { escapeFilterValue } from './escapeFilterValue.js';

/**
 * The search filter for one UPN: `(attribute=value)` with the value escaped, ANDed with the admin's
 * extra filter when there is one: `(&(objectClass=user)(userPrincipalName=ada@contoso.com))`.
 */
export function buildLookupFilter(attribute: string, value: string, extra?: string): string {
  const assertion = `(${attribute}=${escapeFilterValue(value)})`;
  return extra ? `(&${extra}${assertion})` : assertion;
}

import { foldCase } from './foldCase.js';

/** A domain as rules compare it: without a leading `@`, case folded (`@Contoso.COM` → `contoso.com`). */
export function normalizeDomain(domain: string): string {
  return foldCase(domain.startsWith('@') ? domain.slice(1) : domain);
}

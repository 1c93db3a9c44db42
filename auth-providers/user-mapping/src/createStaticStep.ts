import { expandAccountTemplate } from './expandAccountTemplate.js';
import { foldCase } from './foldCase.js';
import { ruleLabel, type MappingStep, type StepResult } from './mappingStep.js';
import { normalizeDomain } from './normalizeDomain.js';
import { parseAccount, type ParsedAccount } from './parseAccount.js';
import { splitUpn } from './splitUpn.js';
import type { DomainRule, IdentityRule, TableRule } from './userMappingConfig.js';
import type { MappingSource } from './userMapper.js';

/** Builds the step for a table, domain or identity rule (config already validated). */
export function createStaticStep(rule: TableRule | DomainRule | IdentityRule, index: number): MappingStep {
  const label = ruleLabel(index, rule.kind, rule.name);
  const mapped = (upn: string, account: ParsedAccount | undefined, source: MappingSource, why: string): StepResult =>
    account ? { user: { ...account, upn, source, rule: index, ...(rule.name ? { ruleName: rule.name } : {}) } } : { miss: why };

  if (rule.kind === 'table') {
    const table = new Map<string, ParsedAccount>();
    for (const [upn, account] of Object.entries(rule.accounts)) table.set(foldCase(upn), parseAccount(account)!);
    return { label, map: async (upn) => mapped(upn, table.get(foldCase(upn)), 'rule', 'not in the table') };
  }

  if (rule.kind === 'domain') {
    const from = rule.from === '*' ? undefined : normalizeDomain(rule.from);
    return {
      label,
      map: async (upn) => {
        const parts = splitUpn(upn);
        if (!parts) return { miss: 'not of the form user@domain' };
        if (from !== undefined && foldCase(parts.domain) !== from) return { miss: `domain is not ${from}` };
        return mapped(upn, parseAccount(expandAccountTemplate(rule.account, parts.user)), 'rule', `"${parts.user}" does not make a valid account with ${rule.account}`);
      },
    };
  }

  const domains = rule.domains ? new Set(rule.domains.map(normalizeDomain)) : undefined;
  return {
    label,
    map: async (upn) => {
      if (domains) {
        const parts = splitUpn(upn);
        if (!parts || !domains.has(foldCase(parts.domain))) return { miss: `domain is not one of ${[...domains].join(', ')}` };
      }
      return mapped(upn, parseAccount(upn), 'identity', 'not a valid account name');
    },
  };
}

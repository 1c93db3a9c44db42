import type { MappedUser } from './userMapper.js';

/** What one rule says about a UPN: mapped, or why not (for the "unknown user" message). */
export type StepResult = { user: MappedUser } | { miss: string };

/** One rule of the pipeline. */
export interface MappingStep {
  /** Short description for messages: `rule 2 (ldap "corp")`. */
  readonly label: string;
  map(upn: string, signal: AbortSignal): Promise<StepResult>;
}

/** The label a rule carries in messages and logs: `rule 2 (ldap "corp")`. */
export function ruleLabel(index: number, kind: string, name: string | undefined): string {
  return `rule ${index} (${kind}${name ? ` "${name}"` : ''})`;
}

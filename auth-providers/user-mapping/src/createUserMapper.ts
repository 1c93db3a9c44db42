import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AuthError, type Logger } from '@causeway/sdk';
import { abortReason } from './abortReason.js';
import { createLdapStep, type LdapStep } from './createLdapStep.js';
import { createStaticStep } from './createStaticStep.js';
import type { MappingStep } from './mappingStep.js';
import type { Ldapts } from './openDirectorySession.js';
import { quoteText } from './quoteText.js';
import type { UserMapper, UserMapperOptions } from './userMapper.js';
import type { LdapRule, UserMappingConfig } from './userMappingConfig.js';
import { userMappingConfigError, type ConfigProblem } from './userMappingConfigError.js';
import { assertUserMappingConfig } from './validateUserMappingConfig.js';

/** UPNs longer than this (Active Directory's limit for userPrincipalName) are refused without a lookup. */
const maxUpnLength = 1024;

async function readConfigFile(path: string, what: string, pointer: string, problems: ConfigProblem[]): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    // The path and the system's reason only: never the content.
    problems.push({ pointer, message: `cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    return undefined;
  }
}

/** Builds an LDAP rule's step: checks its filter, reads its CA and password files now, so a bad path fails at start. */
async function ldapStep(rule: LdapRule, index: number, ldapts: Ldapts, options: UserMapperOptions, logger: Logger, problems: ConfigProblem[]): Promise<LdapStep> {
  const at = `/rules/${index}`;
  const baseDir = options.baseDir ?? process.cwd();
  if (rule.filter !== undefined) {
    try {
      ldapts.FilterParser.parseString(rule.filter);
    } catch (error) {
      problems.push({ pointer: `${at}/filter`, message: `is not an LDAP filter: ${(error as Error).message}` });
    }
  }
  let caPem: string | undefined;
  if (rule.tls?.ca !== undefined) {
    caPem = await readConfigFile(resolve(baseDir, rule.tls.ca), 'CA file', `${at}/tls/ca`, problems);
    if (caPem !== undefined && !caPem.includes('-----BEGIN CERTIFICATE-----')) problems.push({ pointer: `${at}/tls/ca`, message: `${rule.tls.ca} holds no PEM certificate` });
  }
  let filePassword: string | undefined;
  if (rule.bindPasswordFile !== undefined) {
    const text = await readConfigFile(resolve(baseDir, rule.bindPasswordFile), 'bind password file', `${at}/bindPasswordFile`, problems);
    if (text !== undefined) {
      filePassword = text.replace(/\r?\n$/, '');
      if (filePassword === '') problems.push({ pointer: `${at}/bindPasswordFile`, message: `${rule.bindPasswordFile} is empty` });
    }
  }
  if (rule.bindDn !== undefined && rule.bindPasswordFile === undefined && !options.bindPassword) {
    problems.push({ pointer: at, message: 'has "bindDn" but no "bindPasswordFile", and the auth provider supplies no password' });
  }
  const request = { rule: index, ...(rule.name ? { ruleName: rule.name } : {}), bindDn: rule.bindDn ?? '' };
  const password = async (): Promise<string | undefined> => (await options.bindPassword?.(request)) ?? filePassword;
  return createLdapStep(rule, index, { ldapts, logger, clock: options.clock ?? Date, ...(caPem ? { caPem } : {}), password });
}

/**
 * Creates a user mapper from a config (validated here: CW_CONFIG_INVALID lists every problem, with
 * pointers under `options.configPointer`). LDAP rules import ldapts and read their CA and password
 * files now; a config without LDAP rules loads no LDAP code.
 */
export async function createUserMapper(config: UserMappingConfig, options: UserMapperOptions): Promise<UserMapper> {
  const at = { ...(options.configPointer ? { pointer: options.configPointer } : {}), ...(options.configFile ? { file: options.configFile } : {}) };
  assertUserMappingConfig(config, at);
  const logger = options.logger.child({ component: 'user-mapping' });
  const ldapts: Ldapts | undefined = config.rules.some((r) => r.kind === 'ldap') ? await import('ldapts') : undefined;
  const problems: ConfigProblem[] = [];
  const steps: MappingStep[] = [];
  const ldapSteps: LdapStep[] = [];
  for (const [index, rule] of config.rules.entries()) {
    if (rule.kind !== 'ldap') {
      steps.push(createStaticStep(rule, index));
      continue;
    }
    const step = await ldapStep(rule, index, ldapts!, options, logger, problems);
    steps.push(step);
    ldapSteps.push(step);
  }
  if (problems.length > 0) {
    for (const step of ldapSteps) step.close();
    throw userMappingConfigError(problems, at);
  }

  return {
    async map(identity, signal) {
      const upn = identity.userPrincipalName;
      if (typeof upn !== 'string' || upn === '') throw new AuthError('CW_CREDENTIALS_MISSING', 'the job carries no user principal name (UPN) to map to a local account');
      if (upn.length > maxUpnLength) throw new AuthError('CW_USER_UNKNOWN', `the job's UPN is longer than ${maxUpnLength} characters; not mapped`);
      const misses: string[] = [];
      for (const step of steps) {
        if (signal.aborted) throw abortReason(signal);
        const result = await step.map(upn, signal);
        if ('user' in result) {
          const { user } = result;
          logger.debug({ upn, rule: user.rule, source: user.source, account: user.account, cached: user.cached ?? false }, 'mapped user');
          return user;
        }
        misses.push(`${step.label}: ${result.miss}`);
      }
      throw new AuthError('CW_USER_UNKNOWN', `user ${quoteText(upn)} maps to no local account (${misses.join('; ')})`, { details: { upn } });
    },
    async verify(signal) {
      const checks = [];
      for (const step of ldapSteps) checks.push(await step.verify(signal));
      return checks;
    },
    async close() {
      for (const step of ldapSteps) step.close();
    },
  };
}

import { performance } from 'node:perf_hooks';
import { AuthError, CausewayError, type Clock, type Logger } from '@causeway/sdk';
import { createSlots } from '@causeway/sdk/connectors';
import { abortReason, raceAbort } from './abortReason.js';
import { buildLookupFilter } from './buildLookupFilter.js';
import { createTtlCache } from './createTtlCache.js';
import { expandAccountTemplate } from './expandAccountTemplate.js';
import { foldCase } from './foldCase.js';
import { ruleLabel, type MappingStep, type StepResult } from './mappingStep.js';
import { normalizeDomain } from './normalizeDomain.js';
import type { DirectoryEndpoint, Ldapts } from './openDirectorySession.js';
import { parseAccount } from './parseAccount.js';
import { quoteText } from './quoteText.js';
import { searchEntries } from './searchEntries.js';
import { splitUpn } from './splitUpn.js';
import { useDirectory, type Directory } from './useDirectory.js';
import type { DirectoryCheck } from './userMapper.js';
import { ldapRuleDefaults, type LdapRule } from './userMappingConfig.js';

/** Entries read at most per lookup: more than one already means "ambiguous"; the rest only sizes the message. */
const maxEntriesRead = 100;

/** What the directory said about one UPN (cached). */
type Answer = { kind: 'found'; dn: string; value: string; url: string } | { kind: 'none'; url: string };

/** The LDAP step with its directory check and shutdown. */
export interface LdapStep extends MappingStep {
  verify(signal: AbortSignal): Promise<DirectoryCheck>;
  close(): void;
}

/** What an LDAP step needs besides its rule. */
export interface LdapStepDeps {
  ldapts: Ldapts;
  logger: Logger;
  clock: Clock;
  /** The rule's CA certificates (PEM), read from `tls.ca`. */
  caPem?: string;
  password(): Promise<string | undefined>;
}

/**
 * Builds the step for an LDAP rule. Each lookup that misses the cache opens its own connection
 * (connect, StartTLS, bind, paged search, unbind): no long-lived bound connection to keep alive,
 * re-bind after an idle disconnect or re-upgrade after a reconnect, and fail-over is per lookup. The
 * cache takes the repeated cost away; lookups of the same UPN running at once share one search, and
 * at most `maxConcurrentLookups` run against the directory at once.
 */
export function createLdapStep(rule: LdapRule, index: number, deps: LdapStepDeps): LdapStep {
  const label = ruleLabel(index, 'ldap', rule.name);
  const d = ldapRuleDefaults;
  const settings = {
    startTls: rule.startTls ?? d.startTls,
    scope: rule.scope ?? d.scope,
    searchAttribute: rule.searchAttribute ?? d.searchAttribute,
    resultAttribute: rule.resultAttribute ?? d.resultAttribute,
    account: rule.account ?? d.account,
    pageSize: rule.pageSize ?? d.pageSize,
    connectTimeoutMs: rule.connectTimeoutMs ?? d.connectTimeoutMs,
    timeoutMs: rule.timeoutMs ?? d.timeoutMs,
    maxConcurrentLookups: rule.maxConcurrentLookups ?? d.maxConcurrentLookups,
    ttlMs: rule.cache?.ttlMs ?? d.cache.ttlMs,
    negativeTtlMs: rule.cache?.negativeTtlMs ?? d.cache.negativeTtlMs,
    maxEntries: rule.cache?.maxEntries ?? d.cache.maxEntries,
    rejectUnauthorized: rule.tls?.rejectUnauthorized ?? d.tls.rejectUnauthorized,
  };
  const logger = deps.logger.child({ rule: index, ...(rule.name ? { ruleName: rule.name } : {}) });
  const endpoints: DirectoryEndpoint[] = rule.urls.map((url) => ({
    url: url.replace(/\/$/, ''),
    startTls: settings.startTls,
    tls: { rejectUnauthorized: settings.rejectUnauthorized, ...(deps.caPem ? { ca: deps.caPem } : {}), ...(rule.tls?.servername ? { servername: rule.tls.servername } : {}) },
    connectTimeoutMs: settings.connectTimeoutMs,
    timeoutMs: settings.timeoutMs,
  }));
  const directory: Directory = { label, endpoints, ...(rule.bindDn ? { bindDn: rule.bindDn } : {}), password: deps.password, baseDn: rule.baseDn };
  const domains = rule.domains ? new Set(rule.domains.map(normalizeDomain)) : undefined;
  const cache = createTtlCache<Answer>({ maxEntries: settings.maxEntries, clock: deps.clock });
  const slots = createSlots(settings.maxConcurrentLookups);
  const closer = new AbortController();
  const inFlight = new Map<string, { answer: Promise<Answer>; waiters: number; controller: AbortController }>();

  async function search(upn: string, signal: AbortSignal): Promise<Answer> {
    const filter = buildLookupFilter(settings.searchAttribute, upn, rule.filter);
    await slots.acquire(signal);
    const started = performance.now();
    try {
      const { url, value } = await useDirectory(deps.ldapts, directory, logger, signal, (session) =>
        searchEntries(session, { baseDn: rule.baseDn, scope: settings.scope, filter, attribute: settings.resultAttribute, pageSize: settings.pageSize, maxEntries: maxEntriesRead }),
      );
      const { entries, truncated } = value;
      logger.debug({ upn, url, filter, entries: entries.length, truncated, ms: Math.round(performance.now() - started) }, 'directory lookup');
      if (entries.length === 0) return { kind: 'none', url };
      if (entries.length > 1) {
        const count = truncated ? `more than ${maxEntriesRead}` : String(entries.length);
        const dns = entries.slice(0, 3).map((e) => `"${e.dn}"`).join(', ');
        throw new AuthError('CW_USER_AMBIGUOUS', `user ${quoteText(upn)}: ${count} directory entries match ${filter} at ${url} (${label}), e.g. ${dns}; refusing to pick one`, {
          details: { upn, url, matches: truncated ? maxEntriesRead + 1 : entries.length, truncated, dns: entries.slice(0, 10).map((e) => e.dn) },
        });
      }
      const entry = entries[0]!;
      if (entry.values.length === 0) {
        throw new AuthError('CW_USER_UNKNOWN', `user ${quoteText(upn)}: the directory entry "${entry.dn}" at ${url} (${label}) has no ${settings.resultAttribute}`, { details: { upn, url, dn: entry.dn } });
      }
      if (entry.values.length > 1) {
        throw new AuthError('CW_USER_AMBIGUOUS', `user ${quoteText(upn)}: the directory entry "${entry.dn}" at ${url} (${label}) has ${entry.values.length} values of ${settings.resultAttribute}; refusing to pick one`, {
          details: { upn, url, dn: entry.dn, matches: entry.values.length },
        });
      }
      return { kind: 'found', dn: entry.dn, value: entry.values[0]!, url };
    } finally {
      slots.release();
    }
  }

  // Callers for the same UPN share one search; it is cancelled only when every caller has gone.
  async function lookup(upn: string, signal: AbortSignal): Promise<{ answer: Answer; cached: boolean }> {
    const hit = cache.get(upn);
    if (hit) return { answer: hit, cached: true };
    let shared = inFlight.get(upn);
    if (!shared || shared.controller.signal.aborted) {
      const controller = new AbortController();
      const onClose = (): void => controller.abort(closer.signal.reason);
      closer.signal.addEventListener('abort', onClose, { once: true });
      const answer = search(upn, controller.signal).then((found) => {
        cache.set(upn, found, found.kind === 'found' ? settings.ttlMs : settings.negativeTtlMs);
        return found;
      });
      const entry = { answer, waiters: 0, controller };
      shared = entry;
      inFlight.set(upn, entry);
      void answer
        .catch(() => undefined)
        .finally(() => {
          closer.signal.removeEventListener('abort', onClose);
          if (inFlight.get(upn) === entry) inFlight.delete(upn);
        });
    }
    const current = shared;
    current.waiters += 1;
    try {
      return { answer: await raceAbort(current.answer, signal), cached: false };
    } finally {
      current.waiters -= 1;
      if (current.waiters === 0 && signal.aborted) current.controller.abort(signal.reason);
    }
  }

  return {
    label,
    async map(upn, signal): Promise<StepResult> {
      if (domains) {
        const parts = splitUpn(upn);
        if (!parts || !domains.has(foldCase(parts.domain))) return { miss: `domain is not one of ${[...domains].join(', ')}` };
      }
      if (closer.signal.aborted) throw abortReason(closer.signal);
      const { answer, cached } = await lookup(upn, signal);
      if (answer.kind === 'none') return { miss: `no entry with ${settings.searchAttribute}=${quoteText(upn)} under "${rule.baseDn}" at ${answer.url}` };
      const account = parseAccount(expandAccountTemplate(settings.account, answer.value));
      if (!account) {
        throw new AuthError('CW_USER_UNKNOWN', `user ${quoteText(upn)}: the ${settings.resultAttribute} "${answer.value}" of "${answer.dn}" (${label}) does not make a valid account with ${settings.account}`, {
          details: { upn, dn: answer.dn },
        });
      }
      return { user: { ...account, upn, source: 'ldap', rule: index, ...(rule.name ? { ruleName: rule.name } : {}), dn: answer.dn, cached } };
    },
    async verify(signal) {
      const started = performance.now();
      const { url } = await useDirectory(deps.ldapts, directory, logger, signal, (session) =>
        session.run('search', (client) => client.search(rule.baseDn, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] })),
      );
      return { rule: index, ...(rule.name ? { ruleName: rule.name } : {}), url, latencyMs: performance.now() - started };
    },
    close() {
      const reason = new CausewayError('CW_SHUTTING_DOWN', `${label}: the user mapper was closed`);
      closer.abort(reason);
      slots.close(reason);
      cache.clear();
    },
  };
}

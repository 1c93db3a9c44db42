import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CausewayError, type Clock, type Logger } from '@causeway/sdk';
import { untilAborted } from '@causeway/sdk/connectors';
import { classifyKerberosFailure } from './classifyKerberosFailure.js';
import { parseKlistExpiry } from './parseKlistExpiry.js';
import { runKerberosTool } from './runKerberosTool.js';

/** Paths of the MIT tools the store runs. */
export interface KerberosToolPaths {
  kinit: string;
  kvno: string;
  klist: string;
}

/** Options of `createTicketStore`. */
export interface TicketStoreOptions {
  keytab: string;
  gatewayPrincipal: string;
  /** Folder for the caches (created 0700). */
  directory: string;
  /** Environment of the tools (KRB5_CONFIG); KRB5CCNAME is always set per call. */
  env: Readonly<Record<string, string>>;
  tools: KerberosToolPaths;
  kdcTimeoutMs: number;
  renewBeforeExpiryMs: number;
  clock: Clock;
  logger: Logger;
}

/** A user's proxy ticket to one SPN, as the store holds it. */
export interface UserTicket {
  principal: string;
  spn: string;
  /** The `DIR:` collection of the SPN; the user's cache in it holds only this user's ticket. */
  collection: string;
  expiresAt: number;
  /** True when the ticket came from the store without a KDC exchange. */
  cached: boolean;
}

/** Gets and keeps the gateway's TGT and the users' S4U2Proxy tickets. */
export interface TicketStore {
  /** A valid ticket for `principal` to `spn` (S4U2Self + S4U2Proxy when none is held or it is about to end). */
  ticketFor(principal: string, spn: string, signal?: AbortSignal): Promise<UserTicket>;
  /** The `DIR:` collection holding the users' caches for `spn`. */
  collectionFor(spn: string): string;
  /** Removes every cache. */
  dispose(): Promise<void>;
}

const ticketWaitCancelled = (): Error => new CausewayError('CW_JOB_CANCELLED', 'the job was cancelled while waiting for its Kerberos ticket');

function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 24);
}

/**
 * Layout: `<directory>/gateway.ccache` (the gateway's TGT, FILE type) and one `DIR:` collection per
 * SPN, `<directory>/spn-<hash>/`, with one cache per user, `tkt-<hash of principal>`. A cache is
 * written under a temporary name outside the collection's `tkt*` pattern and renamed into place, so
 * a GSS step running at the same time sees the old cache or the new one, never a half-written one;
 * and since every user has a cache of their own, no two users ever share one.
 */
export function createTicketStore(options: TicketStoreOptions): TicketStore {
  const { clock, logger } = options;
  const gatewayCache = join(options.directory, 'gateway.ccache');
  const gatewayRealm = options.gatewayPrincipal.slice(options.gatewayPrincipal.lastIndexOf('@') + 1);
  let gateway: { expiresAt: number } | undefined;
  let gatewayPending: Promise<void> | undefined;
  const tickets = new Map<string, UserTicket>();
  const pending = new Map<string, Promise<UserTicket>>();
  let ready: Promise<void> | undefined;

  const prepare = (): Promise<void> => (ready ??= mkdir(options.directory, { recursive: true, mode: 0o700 }).then(() => undefined));
  const fresh = (expiresAt: number): boolean => expiresAt - options.renewBeforeExpiryMs > clock.now();
  const tool = (file: string, args: string[], cache: string, signal?: AbortSignal) => runKerberosTool(file, args, { ...options.env, KRB5CCNAME: `FILE:${cache}` }, options.kdcTimeoutMs, signal);

  const expiryOf = async (cache: string, signal?: AbortSignal): Promise<number> => {
    const listed = await tool(options.tools.klist, ['-c', `FILE:${cache}`], cache, signal);
    const expiresAt = listed.ok ? parseKlistExpiry(listed.stdout) : undefined;
    if (expiresAt === undefined) throw new CausewayError('CW_KERBEROS_FAILED', `klist could not read the credential cache it was given: ${listed.stderr.trim().split('\n').at(-1) ?? ''}`);
    return expiresAt;
  };

  const renewGateway = async (signal?: AbortSignal): Promise<void> => {
    const started = performance.now();
    const result = await tool(options.tools.kinit, ['-k', '-t', options.keytab, '-c', `FILE:${gatewayCache}`, options.gatewayPrincipal], gatewayCache, signal);
    if (!result.ok) throw classifyKerberosFailure(result.stderr, { step: 'gateway-tgt', gatewayPrincipal: options.gatewayPrincipal, keytab: options.keytab });
    gateway = { expiresAt: await expiryOf(gatewayCache, signal) };
    logger.info({ principal: options.gatewayPrincipal, expiresAt: new Date(gateway.expiresAt).toISOString(), ms: Math.round(performance.now() - started) }, 'kerberos-kcd: gateway TGT obtained');
  };

  const ensureGateway = async (signal?: AbortSignal): Promise<void> => {
    await prepare();
    if (gateway && fresh(gateway.expiresAt)) return;
    gatewayPending ??= renewGateway(signal).finally(() => (gatewayPending = undefined));
    await gatewayPending;
  };

  const collectionDir = (spn: string): string => join(options.directory, `spn-${digest(spn)}`);

  const delegate = async (principal: string, spn: string, signal?: AbortSignal): Promise<UserTicket> => {
    await ensureGateway(signal);
    const dir = collectionDir(spn);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = join(dir, `.new-${randomBytes(8).toString('hex')}`);
    const started = performance.now();
    try {
      // S4U2Self (-U: a ticket for the user to the gateway itself, no user password or key involved)
      // then S4U2Proxy (-P: that ticket as evidence for a ticket to the SPN); --out-cache gets a
      // cache whose default principal is the user, holding only the proxy ticket.
      // kvno parses -U as an enterprise name: "alice@R" would become the one-component name
      // "alice\@R" in the default realm, which only Active Directory resolves; a user of the
      // gateway's own realm is therefore given by name alone.
      const forUser = principal.endsWith(`@${gatewayRealm}`) ? principal.slice(0, -gatewayRealm.length - 1) : principal;
      const result = await tool(options.tools.kvno, ['-q', '-c', `FILE:${gatewayCache}`, '-U', forUser, '-P', '--out-cache', `FILE:${temp}`, spn], gatewayCache, signal);
      if (!result.ok) throw classifyKerberosFailure(result.stderr, { step: 's4u', gatewayPrincipal: options.gatewayPrincipal, keytab: options.keytab, user: principal, spn });
      const expiresAt = await expiryOf(temp, signal);
      await rename(temp, join(dir, `tkt-${digest(principal)}`));
      logger.info({ principal, spn, expiresAt: new Date(expiresAt).toISOString(), ms: Math.round(performance.now() - started) }, 'kerberos-kcd: delegated ticket obtained (S4U2Self + S4U2Proxy)');
      return { principal, spn, collection: `DIR:${dir}`, expiresAt, cached: false };
    } finally {
      await rm(temp, { force: true });
    }
  };

  return {
    async ticketFor(principal, spn, signal) {
      const key = `${principal}\u0000${spn}`;
      const held = tickets.get(key);
      if (held && fresh(held.expiresAt)) return { ...held, cached: true };
      // The exchange is shared by every job waiting for this user and SPN, so it is bounded by
      // kdcTimeoutMs, not by one job's signal; a cancelled job stops waiting for it.
      let flight = pending.get(key);
      if (!flight) {
        flight = delegate(principal, spn).finally(() => pending.delete(key));
        pending.set(key, flight);
      }
      const ticket = await untilAborted(flight, signal, { reason: ticketWaitCancelled });
      tickets.set(key, ticket);
      return ticket;
    },
    collectionFor: (spn) => `DIR:${collectionDir(spn)}`,
    async dispose() {
      tickets.clear();
      gateway = undefined;
      await rm(options.directory, { recursive: true, force: true });
    },
  };
}

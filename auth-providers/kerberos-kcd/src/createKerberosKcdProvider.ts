import { constants } from 'node:fs';
import { access, open } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { createJobIdentityVerifier } from '@causeway/auth-entra-sso';
import { AuthError, CausewayError, type AuthProvider, type AuthRequest, type Clock, type JobIdentity, type KerberosIdentity, type Logger } from '@causeway/sdk';
import { createUserMapper, type UserMapper } from '@causeway/user-mapping';
import { createGssHelperPool } from './createGssHelperPool.js';
import { createTicketStore } from './createTicketStore.js';
import { findKerberosTools } from './findKerberosTools.js';
import { kerberosKcdDefaults, type KerberosKcdDataSourceSettings, type KerberosKcdSettings } from './kerberosKcdSettings.js';
import { toHostbasedService } from './toHostbasedService.js';
import { toKerberosPrincipal } from './toKerberosPrincipal.js';

/** What the provider needs from its host. */
export interface KerberosKcdProviderOptions {
  logger: Logger;
  clock: Clock;
  /** The plugin's data folder; the caches go to `<dataDirectory>/ccache` unless `ccacheDirectory` is set. */
  dataDirectory: string;
  /** Where relative paths resolve (default: the current folder). */
  baseDir?: string;
}

const settingsPointer = '/plugins/settings/kerberos-kcd';

async function requireReadable(file: string, field: string, what: string): Promise<void> {
  try {
    await access(file, constants.R_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read by the gateway';
    throw new CausewayError('CW_CONFIG_INVALID', `kerberos-kcd: the ${what} ${file} (setting "${field}") ${reason}`, {
      cause: error,
      location: { file, pointer: `${settingsPointer}/${field}`, field },
    });
  }
}

// A keytab starts with 0x05 0x02 (MIT format version 2); reading it also proves the gateway can.
async function requireKeytab(file: string): Promise<void> {
  let head: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      head = Buffer.alloc(2);
      await handle.read(head, 0, 2, 0);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `cannot be read by the gateway (${code ?? 'error'})`;
    throw new CausewayError('CW_CONFIG_INVALID', `kerberos-kcd: the keytab file ${file} (setting "keytab") ${reason}`, { cause: error, location: { file, pointer: `${settingsPointer}/keytab`, field: 'keytab' } });
  }
  if (head[0] !== 0x05 || head[1] !== 0x02) {
    throw new CausewayError('CW_CONFIG_INVALID', `kerberos-kcd: the file ${file} (setting "keytab") is not a keytab (make one with ktutil, kadmin ktadd or ktpass)`, { location: { file, pointer: `${settingsPointer}/keytab`, field: 'keytab' } });
  }
}

/**
 * The kerberos-kcd provider: maps the job's UPN to a principal, gets a ticket for that user to the
 * data source's SPN with S4U2Self + S4U2Proxy using the gateway's keytab, and hands the connector a
 * `kerberos` identity whose `createGssContext` produces GSS tokens as that user. Checks the keytab,
 * krb5.conf and the tools at creation, so a misconfigured host fails at start.
 */
export async function createKerberosKcdProvider(settings: KerberosKcdSettings, options: KerberosKcdProviderOptions): Promise<AuthProvider<KerberosKcdDataSourceSettings>> {
  const { logger, clock } = options;
  const baseDir = options.baseDir ?? process.cwd();
  const path = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));
  if (!settings.keytab || !settings.principal) {
    throw new CausewayError('CW_CONFIG_INVALID', `kerberos-kcd needs "keytab" and "principal" in its plugin settings`, { location: { pointer: settingsPointer } });
  }
  const keytab = path(settings.keytab);
  await requireKeytab(keytab);
  const realm = /@([^@/\s]+)$/.exec(settings.principal)?.[1];
  if (!realm) {
    throw new CausewayError('CW_CONFIG_INVALID', `kerberos-kcd: "principal" must be a full principal name with its realm, e.g. HTTP/gateway.contoso.local@CONTOSO.LOCAL`, {
      location: { pointer: `${settingsPointer}/principal`, field: 'principal' },
    });
  }
  const krb5Config = settings.krb5Config ? path(settings.krb5Config) : process.env.KRB5_CONFIG;
  if (settings.krb5Config) await requireReadable(krb5Config!, 'krb5Config', 'krb5.conf');
  const env: Record<string, string> = krb5Config ? { KRB5_CONFIG: krb5Config } : {};
  const tools = findKerberosTools(settings.kerberosToolsDirectory ? path(settings.kerberosToolsDirectory) : undefined);
  const store = createTicketStore({
    keytab,
    gatewayPrincipal: settings.principal,
    directory: settings.ccacheDirectory ? path(settings.ccacheDirectory) : join(options.dataDirectory, 'ccache'),
    env,
    tools,
    kdcTimeoutMs: settings.kdcTimeoutMs ?? kerberosKcdDefaults.kdcTimeoutMs,
    renewBeforeExpiryMs: settings.renewBeforeExpiryMs ?? kerberosKcdDefaults.renewBeforeExpiryMs,
    clock,
    logger,
  });
  const helpers = createGssHelperPool({ env, timeoutMs: settings.gssTimeoutMs ?? kerberosKcdDefaults.gssTimeoutMs, logger });
  const tokens = settings.entraToken ? createJobIdentityVerifier(settings.entraToken, { clock, logger }) : undefined;
  const mappers = new Map<string, { config: string; mapper: Promise<UserMapper> }>();

  // With `entraToken`, the user is the one the validated token names, never the job's bare claim.
  const userOf = (request: AuthRequest<KerberosKcdDataSourceSettings>): Promise<JobIdentity> =>
    tokens ? tokens.verify(request.identity, { dataSourceId: request.dataSourceId, provider: 'kerberos-kcd' }) : Promise.resolve(request.identity);

  const mapperFor = (request: AuthRequest<KerberosKcdDataSourceSettings>): Promise<UserMapper> => {
    const config = JSON.stringify(request.settings.userMapping);
    const known = mappers.get(request.dataSourceId);
    if (known && known.config === config) return known.mapper;
    const mapper = createUserMapper(request.settings.userMapping, { logger, clock, baseDir, configPointer: `/dataSources/${request.dataSourceId}/auth/settings/userMapping` });
    mappers.set(request.dataSourceId, { config, mapper });
    mapper.catch(() => mappers.delete(request.dataSourceId));
    return mapper;
  };

  return {
    async authenticate(request) {
      const started = performance.now();
      if (!request.accepts.includes('kerberos')) {
        throw new AuthError('CW_AUTH_MODE_UNSUPPORTED', `data source "${request.dataSourceId}": its connector does not take a "kerberos" identity, the only kind kerberos-kcd produces`);
      }
      const configured = request.settings.spn;
      const service = toHostbasedService(configured);
      if (!service) {
        throw new CausewayError('CW_CONFIG_INVALID', `data source "${request.dataSourceId}": "spn" must be service/host[:port][@REALM], got "${configured}"`, {
          location: { pointer: `/dataSources/${request.dataSourceId}/auth/settings/spn`, field: 'spn' },
        });
      }
      const spn = configured.includes('@') ? configured : `${configured}@${realm}`;
      const user = await (await mapperFor(request)).map(await userOf(request), request.signal);
      const principal = toKerberosPrincipal(user, realm);
      const ticket = await store.ticketFor(principal, spn, request.signal);
      logger.debug({ dataSource: request.dataSourceId, upn: user.upn, principal, spn, cached: ticket.cached, ms: Math.round(performance.now() - started) }, 'kerberos-kcd: job authenticated');
      const identity: KerberosIdentity = {
        kind: 'kerberos',
        principal,
        spn,
        credentialCache: ticket.collection,
        expiresAt: ticket.expiresAt,
        createGssContext: async ({ mechanism, spn: asked, mutual, signal }) => {
          const target = asked === undefined ? service : toHostbasedService(asked);
          if (target === undefined || target.toLowerCase() !== service.toLowerCase()) {
            throw new CausewayError('CW_KERBEROS_FAILED', `the data source asked for a Kerberos ticket to "${asked}", but its configured SPN is "${spn}" (auth.settings.spn of data source "${request.dataSourceId}")`);
          }
          return helpers.createContext({ collection: ticket.collection, principal, service, mechanism, mutual: mutual ?? true, ...(signal ? { signal } : {}) });
        },
      };
      return identity;
    },
    async dispose() {
      const all = [...mappers.values()];
      mappers.clear();
      await Promise.all(all.map(async (m) => (await m.mapper.catch(() => undefined))?.close()));
      await helpers.close();
      await store.dispose();
    },
  };
}

import {
  AuthError,
  CausewayError,
  type AuthProvider,
  type AuthRequest,
  type Clock,
  type ConnectionIdentity,
  type IdentityKind,
  type Logger,
} from '@causeway/sdk';
import { createUserMapper, type UserMapper } from '@causeway/user-mapping';
import { createEntraTokenValidator, type EntraTokenValidator, type ValidatedEntraToken } from './createEntraTokenValidator.js';
import { createOboCache, type OboCacheStats } from './createOboCache.js';
import type { EntraDataSourceSettings, EntraPluginSettings } from './entraSettings.js';
import { exchangeOnBehalfOf } from './exchangeOnBehalfOf.js';
import { readClientCredential } from './readClientCredential.js';

/** The entra-sso provider, with its validator and cache figures for tests and diagnostics. */
export interface EntraAuthProvider extends AuthProvider<EntraDataSourceSettings> {
  readonly validator: EntraTokenValidator;
  /** On-behalf-of cache counters. */
  oboStats(): OboCacheStats;
}

/** Options of `createEntraAuthProvider`. */
export interface EntraAuthProviderOptions {
  logger: Logger;
  clock?: Clock;
  fetch?: typeof fetch;
  /** Where relative paths in data-source settings (a user mapping's bindPasswordFile) resolve. */
  baseDir?: string;
}

/**
 * Creates the entra-sso provider: validates the job's Entra access token, then produces the first
 * kind of `request.accepts` the data source is set up for: `access-token` (an on-behalf-of token for
 * `scope`) or `effective-user` (the stored service account, acting as the token's UPN mapped through
 * `userMapping`). The UPN always comes from the verified token.
 */
export function createEntraAuthProvider(settings: EntraPluginSettings, options: EntraAuthProviderOptions): EntraAuthProvider {
  const { logger } = options;
  const clock = options.clock ?? { now: () => Date.now() };
  const validator = createEntraTokenValidator(settings, { clock, logger, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const cache = createOboCache({
    now: () => clock.now(),
    refreshMarginMs: (settings.oboRefreshMarginSeconds ?? 300) * 1000,
    maxEntries: settings.oboCacheMaxEntries ?? 10_000,
  });
  const mappers = new Map<string, { config: string; mapper: Promise<UserMapper> }>();

  const mapperFor = (request: AuthRequest<EntraDataSourceSettings>): Promise<UserMapper> => {
    const config = JSON.stringify(request.settings.userMapping);
    const known = mappers.get(request.dataSourceId);
    if (known && known.config === config) return known.mapper;
    const mapper = createUserMapper(request.settings.userMapping!, {
      logger,
      clock,
      ...(options.baseDir ? { baseDir: options.baseDir } : {}),
      configPointer: `/dataSources/${request.dataSourceId}/auth/settings/userMapping`,
    });
    mappers.set(request.dataSourceId, { config, mapper });
    mapper.catch(() => mappers.delete(request.dataSourceId));
    return mapper;
  };

  const accessToken = async (request: AuthRequest<EntraDataSourceSettings>, user: ValidatedEntraToken, token: string): Promise<ConnectionIdentity> => {
    const scope = request.settings.scope!;
    if (!settings.clientId) {
      throw new CausewayError('CW_CONFIG_INVALID', 'plugin "entra-sso" has no "clientId": the on-behalf-of exchange needs the gateway app\'s client id', {
        location: { pointer: '/plugins/settings/entra-sso/clientId' },
      });
    }
    const clientId = settings.clientId;
    const kind = settings.clientCredential ?? 'secret';
    // Read before the cache: a data source without its client credential fails the same way every time.
    const credential = readClientCredential(kind, request.secret, request.dataSourceId);
    const key = [clientId, user.tid, user.oid, scope].join('\n');
    const before = cache.stats().hits;
    const exchanged = await cache.get(
      key,
      async () => {
        const meta = await validator.metadata();
        return exchangeOnBehalfOf({
          tokenEndpoint: meta.tokenEndpoint.href,
          clientId,
          credential,
          assertion: token,
          scope,
          timeoutMs: settings.tokenEndpointTimeoutMs ?? 10_000,
          now: clock.now(),
          ...(options.fetch ? { fetch: options.fetch } : {}),
        });
      },
      request.signal,
    );
    logger.debug({ dataSource: request.dataSourceId, upn: user.upn, scope, cached: cache.stats().hits > before }, 'entra on-behalf-of token ready');
    return { kind: 'access-token', token: exchanged.token, expiresAt: exchanged.expiresAt };
  };

  const effectiveUser = async (request: AuthRequest<EntraDataSourceSettings>, user: ValidatedEntraToken): Promise<ConnectionIdentity> => {
    const secret = request.secret;
    const username = typeof secret?.username === 'string' && secret.username ? secret.username : request.settings.serviceUsername;
    if (!username || typeof secret?.password !== 'string') {
      throw new AuthError('CW_CREDENTIALS_MISSING', `data source "${request.dataSourceId}": effective-user needs the service account's user name and password in the stored secret`);
    }
    const mapper = await mapperFor(request);
    const mapped = await mapper.map({ userPrincipalName: user.upn }, request.signal);
    logger.debug({ dataSource: request.dataSourceId, upn: user.upn, effectiveUser: mapped.account }, 'entra effective user mapped');
    return { kind: 'effective-user', service: { kind: 'password', username, password: secret.password }, effectiveUserName: mapped.account };
  };

  const producible = (kind: IdentityKind, s: EntraDataSourceSettings): boolean =>
    (kind === 'access-token' && typeof s.scope === 'string') || (kind === 'effective-user' && s.userMapping !== undefined);

  return {
    validator,
    oboStats: () => cache.stats(),
    async authenticate(request) {
      const kind = request.accepts.find((k) => producible(k, request.settings));
      if (!kind) {
        throw new AuthError(
          'CW_AUTH_MODE_UNSUPPORTED',
          `data source "${request.dataSourceId}": the connector takes ${request.accepts.map((k) => `"${k}"`).join(', ') || 'nothing entra-sso produces'}; entra-sso needs "scope" for access-token and "userMapping" for effective-user in the data source's auth settings`,
          { details: { accepts: [...request.accepts] } },
        );
      }
      const token = request.identity.accessToken;
      if (!token) throw new AuthError('CW_CREDENTIALS_MISSING', `data source "${request.dataSourceId}" signs users on with Entra ID, and the job carries no access token`);
      let user: ValidatedEntraToken;
      try {
        user = await validator.validate(token, { expectedUpn: request.identity.userPrincipalName });
      } catch (error) {
        const details = (error as CausewayError).details;
        logger.warn({ dataSource: request.dataSourceId, code: (error as CausewayError).code, reason: details?.reason }, 'entra token refused');
        throw error;
      }
      try {
        return kind === 'access-token' ? await accessToken(request, user, token) : await effectiveUser(request, user);
      } catch (error) {
        if (error instanceof CausewayError) {
          logger.warn({ dataSource: request.dataSourceId, upn: user.upn, code: error.code, details: error.details }, 'entra sign-on failed');
        }
        throw error;
      }
    },
    async dispose() {
      cache.clear();
      const all = [...mappers.values()];
      mappers.clear();
      await Promise.all(all.map(async (m) => (await m.mapper.catch(() => undefined))?.close()));
    },
  };
}

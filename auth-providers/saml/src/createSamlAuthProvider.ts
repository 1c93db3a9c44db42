import { AuthError, type AuthProvider, type Clock, type Logger, type SamlIdentity } from '@causeway/sdk';
import { createJobIdentityVerifier } from '@causeway/auth-entra-sso';
import { createUserMapper, type MappedUser, type UserMapper } from '@causeway/user-mapping';
import { createAssertionSigner } from './createAssertionSigner.js';
import { loadSigningMaterial } from './loadSigningMaterial.js';
import { nameIdFormatUrns, samlDefaults, type NameIdValue, type SamlDataSourceSettings, type SamlPluginSettings } from './samlSettings.js';

/** What the provider is created with (the plugin's core services, or a test's own). */
export interface SamlAuthProviderOptions {
  settings: SamlPluginSettings;
  logger: Logger;
  clock: Clock;
  /** Folder relative key and certificate paths resolve against (default: the current folder). */
  baseDir?: string;
}

function nameIdOf(user: MappedUser, value: NameIdValue): string {
  if (value === 'upn') return user.upn;
  return value === 'localName' ? user.localName : user.account;
}

/**
 * Creates the SAML auth provider: reads and checks the signing key and certificate now (so a bad
 * file fails the gateway's start), then for each job maps the user's UPN with the data source's
 * user mapping and signs a fresh assertion for the mapped account.
 *
 * Assertions are not cached: each job gets its own, with its own ID. A bearer assertion is meant for
 * one logon (SAML profiles, section 4.1.4.5), a server may refuse a replayed ID, and a reused one
 * stays usable by whoever copies it for its whole lifetime; signing costs a few milliseconds.
 */
export async function createSamlAuthProvider(options: SamlAuthProviderOptions): Promise<AuthProvider<SamlDataSourceSettings>> {
  const { settings, clock } = options;
  const logger = options.logger.child({ component: 'saml' });
  const material = await loadSigningMaterial({ signingKeyFile: settings.signingKeyFile, certificateFile: settings.certificateFile, ...(options.baseDir ? { baseDir: options.baseDir } : {}) });
  const validTo = Date.parse(material.certificate.validTo);
  if (Number.isFinite(validTo) && validTo <= clock.now()) {
    logger.warn({ certificateFile: settings.certificateFile, validTo: material.certificate.validTo }, 'the SAML signing certificate has expired; servers that check it will refuse every assertion');
  }
  const signer = createAssertionSigner({
    material,
    issuer: settings.issuer,
    validitySeconds: settings.validitySeconds ?? samlDefaults.validitySeconds,
    clockSkewSeconds: settings.clockSkewSeconds ?? samlDefaults.clockSkewSeconds,
    clock,
  });
  // With `entraToken`, the user is the one a validated token names, never the job's bare UPN claim.
  const tokens = settings.entraToken ? createJobIdentityVerifier(settings.entraToken, { clock, logger }) : undefined;
  // One mapper per data source, kept for its cache; rebuilt when that data source's mapping changes.
  const mappers = new Map<string, { config: string; mapper: Promise<UserMapper> }>();
  const mapperFor = (dataSourceId: string, config: SamlDataSourceSettings['userMapping']): Promise<UserMapper> => {
    const text = JSON.stringify(config);
    const known = mappers.get(dataSourceId);
    if (known?.config === text) return known.mapper;
    if (known) void known.mapper.then((m) => m.close(), () => undefined);
    const mapper = createUserMapper(config, { logger, clock, ...(options.baseDir ? { baseDir: options.baseDir } : {}), configPointer: `/dataSources/${dataSourceId}/auth/settings/userMapping` });
    mappers.set(dataSourceId, { config: text, mapper });
    mapper.catch(() => {
      if (mappers.get(dataSourceId)?.mapper === mapper) mappers.delete(dataSourceId);
    });
    return mapper;
  };

  return {
    async authenticate(request): Promise<SamlIdentity> {
      if (!request.accepts.includes('saml')) {
        throw new AuthError('CW_AUTH_MODE_UNSUPPORTED', `data source "${request.dataSourceId}": the saml provider produces SAML assertions, and its connector takes none`);
      }
      const ds = request.settings;
      const jobUser = tokens ? await tokens.verify(request.identity, { dataSourceId: request.dataSourceId, provider: 'saml' }) : request.identity;
      const user = await (await mapperFor(request.dataSourceId, ds.userMapping)).map(jobUser, request.signal);
      const nameId = nameIdOf(user, ds.nameIdValue ?? samlDefaults.nameIdValue);
      let signed;
      try {
        signed = signer.sign({
          nameId,
          nameIdFormat: nameIdFormatUrns[ds.nameIdFormat ?? samlDefaults.nameIdFormat],
          audience: ds.audience,
          ...(ds.recipient === undefined ? {} : { recipient: ds.recipient }),
        });
      } catch (error) {
        if (error instanceof RangeError) throw new AuthError('CW_USER_UNKNOWN', `data source "${request.dataSourceId}": the account user ${JSON.stringify(user.upn)} maps to cannot be put in a SAML NameID: ${error.message}`);
        throw error;
      }
      logger.debug(
        { dataSource: request.dataSourceId, upn: user.upn, nameId, assertionId: signed.id, notOnOrAfter: new Date(signed.notOnOrAfter).toISOString() },
        'signed a SAML assertion',
      );
      return { kind: 'saml', assertion: signed.assertion };
    },
    async dispose() {
      const all = [...mappers.values()];
      mappers.clear();
      await Promise.all(all.map(async ({ mapper }) => (await mapper.catch(() => undefined))?.close()));
    },
  };
}

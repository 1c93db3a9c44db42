// @causeway/auth-entra-sso: Entra ID single sign-on. Validates the user's access token, then logs on
// with an on-behalf-of token (access-token) or as the service account acting for the user (effective-user).
import { coreServices, defineAuthProvider } from '@causeway/sdk';
import { createEntraAuthProvider } from './createEntraAuthProvider.js';
import type { EntraDataSourceSettings, EntraPluginSettings } from './entraSettings.js';

export { createEntraAuthProvider, type EntraAuthProvider, type EntraAuthProviderOptions } from './createEntraAuthProvider.js';
export { createJobIdentityVerifier, type JobIdentityVerifier } from './createJobIdentityVerifier.js';
export { createEntraTokenValidator, type EntraTokenValidator, type EntraTokenValidatorOptions, type ValidatedEntraToken } from './createEntraTokenValidator.js';
export type { EntraMetadata } from './createMetadataLoader.js';
export type { OboCacheStats } from './createOboCache.js';
export type { TokenInvalidReason } from './tokenInvalid.js';
export { signatureAlgorithms, type EntraPluginSettings, type EntraValidatorSettings, type EntraDataSourceSettings, type SignatureAlgorithm, type TokenVersion } from './entraSettings.js';

/** The entra-sso auth provider plugin. */
export default defineAuthProvider<EntraDataSourceSettings, { logger: typeof coreServices.logger; clock: typeof coreServices.clock; plugin: typeof coreServices.plugin }>({
  deps: { logger: coreServices.logger, clock: coreServices.clock, plugin: coreServices.plugin },
  create: ({ logger, clock, plugin }) => createEntraAuthProvider(plugin.settings as unknown as EntraPluginSettings, { logger, clock, baseDir: plugin.baseDir }),
});

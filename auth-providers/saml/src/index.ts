// @causeway/auth-saml: signs a SAML 2.0 bearer assertion for the job's mapped user, for connectors
// that log on with one (SAP HANA).
import { coreServices, defineAuthProvider } from '@causeway/sdk';
import { createSamlAuthProvider } from './createSamlAuthProvider.js';
import type { SamlDataSourceSettings, SamlPluginSettings } from './samlSettings.js';

export { createSamlAuthProvider, type SamlAuthProviderOptions } from './createSamlAuthProvider.js';
export { loadSigningMaterial, type SigningMaterial, type SigningMaterialSource } from './loadSigningMaterial.js';
export { createAssertionSigner, type AssertionSigner, type AssertionSignerOptions, type AssertionRequest, type SignedAssertion } from './createAssertionSigner.js';
export { buildAssertion, type AssertionFields } from './buildAssertion.js';
export { signAssertion } from './signAssertion.js';
export { escapeXml } from './escapeXml.js';
export { newAssertionId } from './newAssertionId.js';
export { nameIdFormatUrns, samlDefaults, type SamlPluginSettings, type SamlDataSourceSettings, type NameIdFormat, type NameIdValue, type SamlSignatureAlgorithm } from './samlSettings.js';

/** The saml auth provider: a SAML 2.0 assertion signed with the gateway's key for the mapped user. */
export default defineAuthProvider<SamlDataSourceSettings, { logger: typeof coreServices.logger; clock: typeof coreServices.clock; plugin: typeof coreServices.plugin }>({
  deps: { logger: coreServices.logger, clock: coreServices.clock, plugin: coreServices.plugin },
  create: ({ logger, clock, plugin }) => createSamlAuthProvider({ settings: plugin.settings as unknown as SamlPluginSettings, logger, clock, baseDir: plugin.baseDir }),
});

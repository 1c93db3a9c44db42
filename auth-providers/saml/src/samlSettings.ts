import type { EntraValidatorSettings } from '@causeway/auth-entra-sso';
import type { UserMappingConfig } from '@causeway/user-mapping';

/** Signature algorithms the provider signs with. */
export type SamlSignatureAlgorithm = 'rsa-sha256';

/** Plugin-wide settings (`plugins.settings.saml`): the gateway's SAML identity provider key, certificate and issuer. */
export interface SamlPluginSettings {
  /** PEM file with the unencrypted PKCS#8 private key (mode 0600). */
  signingKeyFile: string;
  /** PEM file with the X.509 certificate of that key, the one HANA trusts. */
  certificateFile: string;
  /** The assertion's Issuer (the identity provider's entity ID). */
  issuer: string;
  validitySeconds?: number;
  clockSkewSeconds?: number;
  signatureAlgorithm?: SamlSignatureAlgorithm;
  digestAlgorithm?: 'sha256';
  /** Take the user from the job's validated Entra ID access token instead of its UPN claim (entra-sso's validation settings). */
  entraToken?: EntraValidatorSettings;
}

/** NameID formats the provider can state. */
export type NameIdFormat = 'unspecified' | 'emailAddress' | 'persistent' | 'X509SubjectName' | 'WindowsDomainQualifiedName' | 'kerberos';

/** Which value of the mapped user becomes the NameID. */
export type NameIdValue = 'account' | 'localName' | 'upn';

/** Data-source settings (`dataSources.<id>.auth.settings`). */
export interface SamlDataSourceSettings {
  /** The Audience HANA expects (its SAML service provider name). */
  audience: string;
  /** SubjectConfirmationData Recipient, when the server checks one. */
  recipient?: string;
  nameIdFormat?: NameIdFormat;
  nameIdValue?: NameIdValue;
  userMapping: UserMappingConfig;
}

/** Defaults and bounds of the plugin settings (the manifest states the same). */
export const samlDefaults = {
  validitySeconds: 120,
  minValiditySeconds: 10,
  maxValiditySeconds: 3600,
  clockSkewSeconds: 60,
  maxClockSkewSeconds: 600,
  nameIdFormat: 'unspecified' as NameIdFormat,
  nameIdValue: 'account' as NameIdValue,
} as const;

/** The URN of each NameID format (SAML 2.0 core, section 8.3). */
export const nameIdFormatUrns: Readonly<Record<NameIdFormat, string>> = {
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  emailAddress: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  X509SubjectName: 'urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName',
  WindowsDomainQualifiedName: 'urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName',
  kerberos: 'urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos',
};

/**
 * The one catalogue of stable Causeway error codes. Codes cross the relay to clients; messages are
 * for people. Grouped by subsystem; never renumber or reuse a code.
 */
export const errorCodes = {
  // config
  CW_CONFIG_NOT_FOUND: 'The gateway config file does not exist',
  CW_CONFIG_INVALID: 'The gateway config does not match its schema',
  // plugins
  CW_MANIFEST_UNREADABLE: 'A plugin.json could not be read or is not JSON',
  CW_MANIFEST_INVALID: 'A plugin.json does not match the manifest schema',
  CW_PLUGIN_DUPLICATE: 'Two plugins declare the same id',
  CW_PLUGIN_SDK_INCOMPATIBLE: "A plugin was built for an SDK range this host's SDK does not satisfy",
  CW_PLUGIN_ENTRY_OUTSIDE: "A plugin's entry module resolves outside its plugin folder",
  CW_PLUGIN_ENTRY_MISSING: "A plugin's entry module does not exist",
  CW_PLUGIN_LOAD_FAILED: "A plugin's entry module failed to import or to initialise",
  CW_PLUGIN_KIND_MISMATCH: "A plugin's entry module exports a definition of another kind than its manifest declares",
  CW_PLUGIN_NOT_FOUND: 'No plugin with that id was discovered',
  CW_PLUGIN_DISABLED: 'The plugin is disabled by the gateway config',
  CW_PLUGIN_SETTINGS_INVALID: "Settings do not match the plugin's settings schema",
  // keys and credentials
  CW_KEYFILE_NOT_FOUND: 'The key file does not exist',
  CW_KEYFILE_INVALID: 'The key file is malformed or of an unknown version',
  CW_KEYFILE_UNREADABLE: 'The key file exists but cannot be read (permissions or I/O)',
  CW_KEYFILE_EXISTS: 'A key file already exists at that path',
  CW_RECOVERY_KEY_MISSING: 'No recovery key was given',
  CW_RECOVERY_KEY_WRONG: 'The recovery key does not open the key file',
  CW_RECOVERY_KEY_WEAK: 'The recovery key is too short',
  CW_ENVELOPE_INVALID: 'A credential envelope is malformed',
  CW_ENVELOPE_UNKNOWN_KEY: "A credential envelope was encrypted for another gateway key (unknown key id)",
  CW_ENVELOPE_TAMPERED: 'A credential envelope failed authentication (tampered or corrupted)',
  // jobs and data sources
  CW_JOB_INVALID: 'A relay job does not match the job schema',
  CW_DATASOURCE_UNKNOWN: 'The job names a data source this gateway does not have',
  CW_SHUTTING_DOWN: 'The gateway is shutting down',
  // authentication
  CW_CREDENTIALS_MISSING: 'The data source needs credentials and none were given',
  CW_AUTH_DENIED: 'The data source refused the credentials',
  CW_AUTH_MODE_UNSUPPORTED: 'The connector does not accept the identity the auth provider produced',
  // connectors
  CW_CONNECT_FAILED: 'The data source could not be reached',
  CW_HOST_NOT_FOUND: 'The data source host name does not resolve',
  CW_CONNECT_REFUSED: 'The data source host refused the connection (nothing listens on that port)',
  CW_CONNECT_TIMEOUT: 'Connecting to the data source timed out',
  CW_TLS_FAILED: 'The TLS handshake with the data source failed (certificate, host name or protocol)',
  CW_CONNECTION_LOST: 'The connection to the data source was lost while the query ran',
  CW_QUERY_FAILED: 'The data source reported an error for the query',
  CW_QUERY_TIMEOUT: 'The job ran past its deadline',
  CW_JOB_CANCELLED: 'The job was cancelled',
  CW_RESULT_TOO_LARGE: 'The result exceeds the configured maximum size',
  // user mapping
  CW_USER_UNKNOWN: 'No mapping rule and no directory entry maps the user to a local account',
  CW_USER_AMBIGUOUS: 'Several directory entries (or attribute values) match the user; refusing to pick one',
  CW_DIRECTORY_UNREACHABLE: 'The directory (LDAP) could not be reached, failed the TLS handshake, or did not answer in time',
  CW_DIRECTORY_BIND_DENIED: "The directory refused the gateway's service account (bind DN or password)",
  CW_DIRECTORY_FAILED: 'The directory reported an error for the lookup (e.g. no such base DN, insufficient access)',
  // spooling
  CW_SPOOL_FULL: 'The spool quota is exhausted',
  CW_SPOOL_IO: 'The spool could not read or write its files',
  // relay
  CW_RELAY_AUTH_FAILED: 'The relay refused the gateway or client credentials',
  CW_RELAY_UNREACHABLE: 'The relay could not be reached or did not complete the handshake',
  CW_RELAY_PROTOCOL: 'A relay message or frame is malformed',
  CW_GATEWAY_OFFLINE: 'The gateway is not connected to the relay',
  CW_FRAME_INVALID: 'A result frame is malformed or out of sequence',
  CW_CLUSTER_KEY_MISMATCH: 'A gateway holds other keys than the cluster it tries to join',
  CW_RESULT_DIVERGED: 'A job run again after a failover produced other results than those already delivered',
  // Entra ID single sign-on (entra-sso provider)
  CW_TOKEN_INVALID: "The user's access token was refused (details.reason: expired, not-yet-valid, audience, issuer, signature, algorithm, tenant, malformed, missing, upn-mismatch)",
  CW_TOKEN_EXCHANGE_FAILED: 'The identity provider refused the on-behalf-of token exchange (consent missing, token expired, client credential or scope refused)',
  CW_IDENTITY_PROVIDER_UNREACHABLE: 'The identity provider (OpenID metadata, JWKS or token endpoint) could not be reached, failed, or did not answer in time',
  // SAML auth provider
  CW_SAML_CONFIG_INVALID: "The SAML provider's signing key or certificate cannot be used (unreadable, open to other users, wrong format, or the two do not match)",
  // Kerberos constrained delegation (kerberos-kcd provider)
  CW_DELEGATION_DENIED: "The KDC refused to delegate the user to the data source's SPN (not in the gateway's allowed-to-delegate list, or protocol transition not allowed)",
  CW_KERBEROS_FAILED: 'Kerberos failed: the KDC could not be reached or refused the gateway, or the GSS-API exchange with the data source failed',
  // anything else
  CW_INTERNAL: 'An internal error; the gateway log has the details',
} as const;

/** A stable Causeway error code. */
export type ErrorCode = keyof typeof errorCodes;

/** True when `code` is a code from the catalogue. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(errorCodes, code);
}

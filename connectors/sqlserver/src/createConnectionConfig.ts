import { readFile } from 'node:fs/promises';
import { CausewayError, type AccessTokenIdentity, type PasswordIdentity, type PoolLimits } from '@causeway/sdk';
import type { ConnectionConfiguration } from 'tedious';
import { defaultApplicationName, defaultPort, type SqlServerSettings } from './sqlServerSettings.js';

/** The identities the connector logs on with. */
export type SqlServerIdentity = PasswordIdentity | AccessTokenIdentity;

/** Builds tedious connection settings for one identity. */
export type ConnectionConfigFor = (identity: SqlServerIdentity) => ConnectionConfiguration;

/**
 * Turns validated settings into a tedious config factory. Reads the CA file now, so a wrong path
 * fails when the data source is opened rather than on the first job.
 *
 * - `encrypt` true: TLS negotiated in PRELOGIN, certificate checked unless trustServerCertificate;
 *   `"strict"`: TDS 8, TLS first, certificate always checked (trustServerCertificate is refused:
 *   TDS 8 drivers ignore it, and silently ignoring a setting is worse than refusing it);
 * - SQL logins use tedious's `default` authentication, access tokens
 *   `azure-active-directory-access-token` (FEDAUTH with a security token in LOGIN7);
 * - values: UTC dates (no local time zone creeps in), lower-case uniqueidentifiers, no row
 *   buffering (rows are streamed), and no automatic retry of transient login errors (the job
 *   fails fast and can be retried as a whole).
 */
export async function createConnectionConfig(settings: SqlServerSettings, limits: PoolLimits): Promise<ConnectionConfigFor> {
  if (settings.encrypt === 'strict' && settings.trustServerCertificate) {
    throw new CausewayError('CW_CONFIG_INVALID', `SQL Server at ${settings.server}: trustServerCertificate cannot be used with encrypt "strict" (TDS 8 always checks the certificate); give the CA in "ca" instead`, {
      location: { field: 'trustServerCertificate' },
    });
  }
  const ca = settings.ca === undefined ? undefined : await readCa(settings);
  const options: NonNullable<ConnectionConfiguration['options']> = {
    database: settings.database,
    encrypt: settings.encrypt,
    trustServerCertificate: settings.encrypt === true && settings.trustServerCertificate === true,
    appName: settings.applicationName ?? defaultApplicationName,
    connectTimeout: limits.connectTimeoutMs,
    // The job deadline and cancel are enforced by the connector; this is the optional per-statement limit.
    requestTimeout: settings.requestTimeoutMs ?? 0,
    // How long tedious waits for the ATTENTION acknowledgement before it drops the socket.
    cancelTimeout: limits.connectTimeoutMs,
    useUTC: true,
    lowerCaseGuids: true,
    useColumnNames: false,
    rowCollectionOnDone: false,
    rowCollectionOnRequestCompletion: false,
    maxRetriesOnTransientErrors: 0,
    tdsVersion: '7_4',
  };
  if (settings.instanceName) options.instanceName = settings.instanceName;
  else options.port = settings.port ?? defaultPort;
  if (settings.hostNameInCertificate) options.serverName = settings.hostNameInCertificate;
  if (settings.packetSize) options.packetSize = settings.packetSize;
  if (ca) options.cryptoCredentialsDetails = { ca };
  return (identity) => ({
    server: settings.server,
    options: { ...options },
    authentication:
      identity.kind === 'password'
        ? { type: 'default', options: { userName: identity.username, password: identity.password } }
        : { type: 'azure-active-directory-access-token', options: { token: identity.token } },
  });
}

async function readCa(settings: SqlServerSettings): Promise<string> {
  try {
    return await readFile(settings.ca as string, 'utf8');
  } catch (error) {
    throw new CausewayError('CW_CONFIG_INVALID', `cannot read the CA file for SQL Server at ${settings.server}: ${(error as Error).message}`, {
      cause: error,
      location: { file: settings.ca, field: 'ca' },
    });
  }
}

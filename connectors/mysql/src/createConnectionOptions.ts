import { readFile } from 'node:fs/promises';
import { CausewayError, ConnectorError, type ConnectionIdentity, type KerberosIdentity, type PasswordIdentity } from '@causeway/sdk';
import type { ConnectionOptions } from 'mysql2';
import { createGssapiAuthPlugin } from './createGssapiAuthPlugin.js';
import { defaultApplicationName, defaultCollation, defaultPort, type MysqlSettings } from './mysqlSettings.js';

/**
 * The identities this connector logs on with: a password, or Kerberos (MariaDB's GSSAPI through
 * mysql2's `auth_gssapi_client` auth plugin). Pools are keyed by identity (a Kerberos one by its
 * principal and cache) and every connection, the side connection for KILL QUERY included, is built
 * here.
 */
export type MysqlIdentity = PasswordIdentity | KerberosIdentity;

/** Builds mysql2 connection options for one identity. */
export type ConnectionOptionsFor = (identity: MysqlIdentity) => ConnectionOptions;

/** Prepared statements kept per session (an LRU; evicted ones are closed on the server). */
export const preparedStatementsPerSession = 64;

/**
 * Turns validated settings into a mysql2 connection options factory. Reads the CA file now, so a
 * wrong path fails when the data source is opened rather than on the first job.
 *
 * Value options: BIGINT arrives as a number when it is a safe integer and as exact text otherwise
 * (`supportBigNumbers` without `bigNumberStrings`, which would format every value through a Long),
 * DECIMAL and dates as text, JSON as text: no value passes through a JS float it was not on the
 * server, or a Date. typeMap.ts turns them into the SDK's value forms.
 */
export async function createConnectionOptions(settings: MysqlSettings, connectTimeoutMs: number): Promise<ConnectionOptionsFor> {
  const ssl = await tlsOptions(settings);
  const base: ConnectionOptions = {
    host: settings.host,
    port: settings.port ?? defaultPort,
    database: settings.database,
    charset: settings.charset ?? defaultCollation,
    connectTimeout: connectTimeoutMs,
    connectAttributes: { ...settings.connectAttributes, program_name: settings.applicationName ?? defaultApplicationName },
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: false,
    dateStrings: true,
    jsonStrings: true,
    rowsAsArray: true,
    multipleStatements: false,
    // LOAD DATA LOCAL would let the server ask the gateway for one of its files.
    flags: ['-LOCAL_FILES'],
    maxPreparedStatements: preparedStatementsPerSession,
    enableKeepAlive: true,
  };
  if (ssl) base.ssl = ssl;
  return (identity) => ({ ...base, ...credentialsFor(identity) });
}

/** The identity as mysql2 logon options. */
function credentialsFor(identity: MysqlIdentity): ConnectionOptions {
  switch (identity.kind) {
    case 'password':
      return { user: identity.username, password: identity.password };
    case 'kerberos':
      // The MariaDB account is the principal's name (CREATE USER alice IDENTIFIED VIA gssapi AS 'alice@REALM').
      return { user: localNameOf(identity.principal), password: '', authPlugins: { auth_gssapi_client: createGssapiAuthPlugin(identity) } };
  }
}

function localNameOf(principal: string): string {
  const at = principal.lastIndexOf('@');
  return at === -1 ? principal : principal.slice(0, at);
}

/** Narrows an identity to the kinds this connector takes, or throws CW_AUTH_MODE_UNSUPPORTED. */
export function requireMysqlIdentity(identity: ConnectionIdentity): MysqlIdentity {
  if (identity.kind !== 'password' && identity.kind !== 'kerberos') {
    throw new ConnectorError('CW_AUTH_MODE_UNSUPPORTED', `the MySQL connector logs on with a user name and password or Kerberos (GSSAPI), not a "${identity.kind}" identity`);
  }
  return identity;
}

/** The user name an identity logs on as, for messages. */
export function userOf(identity: MysqlIdentity): string {
  return identity.kind === 'kerberos' ? localNameOf(identity.principal) : identity.username;
}

async function tlsOptions(settings: MysqlSettings): Promise<ConnectionOptions['ssl']> {
  const mode = settings.ssl?.mode ?? 'disable';
  if (mode === 'disable') return undefined;
  if (mode === 'require') return { rejectUnauthorized: false };
  const caPath = settings.ssl?.ca;
  if (caPath === undefined) return { rejectUnauthorized: true, verifyIdentity: true };
  try {
    return { rejectUnauthorized: true, verifyIdentity: true, ca: await readFile(caPath, 'utf8') };
  } catch (error) {
    throw new CausewayError('CW_CONFIG_INVALID', `cannot read the CA file for MySQL at ${settings.host}: ${(error as Error).message}`, {
      cause: error,
      location: { file: caPath, field: 'ssl.ca' },
    });
  }
}

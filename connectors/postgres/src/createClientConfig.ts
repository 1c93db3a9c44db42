import { readFile } from 'node:fs/promises';
import { CausewayError, type PasswordIdentity } from '@causeway/sdk';
import type { ClientConfig } from 'pg';
import { defaultApplicationName, defaultPort, type PostgresSettings } from './postgresSettings.js';

/**
 * Session settings sent in the startup packet (no extra round trip): the type parsers rely on ISO
 * dates, hex bytea and UTC timestamps, and on floats printed exactly.
 */
export const sessionOptions = '-c TimeZone=UTC -c DateStyle=ISO,MDY -c IntervalStyle=postgres -c bytea_output=hex -c extra_float_digits=3';

/** Builds pg client settings for one identity. */
export type ClientConfigFor = (identity: PasswordIdentity) => ClientConfig;

/**
 * Turns validated settings into a pg client config factory. Reads the CA file now, so a wrong path
 * fails when the data source is opened rather than on the first job.
 */
export async function createClientConfig(settings: PostgresSettings): Promise<ClientConfigFor> {
  const ssl = await tlsOptions(settings);
  const base: ClientConfig = {
    host: settings.host,
    port: settings.port ?? defaultPort,
    database: settings.database,
    ssl,
    application_name: settings.applicationName ?? defaultApplicationName,
    options: sessionOptions,
    keepAlive: true,
  };
  if (settings.statementTimeoutMs !== undefined) base.statement_timeout = settings.statementTimeoutMs;
  return (identity) => ({ ...base, user: identity.username, password: identity.password });
}

async function tlsOptions(settings: PostgresSettings): Promise<ClientConfig['ssl']> {
  const mode = settings.ssl?.mode ?? 'disable';
  if (mode === 'disable') return false;
  if (mode === 'require') return { rejectUnauthorized: false };
  const caPath = settings.ssl?.ca;
  if (caPath === undefined) return { rejectUnauthorized: true };
  try {
    return { rejectUnauthorized: true, ca: await readFile(caPath, 'utf8') };
  } catch (error) {
    throw new CausewayError('CW_CONFIG_INVALID', `cannot read the CA file for PostgreSQL at ${settings.host}: ${(error as Error).message}`, {
      cause: error,
      location: { file: caPath, field: 'ssl.ca' },
    });
  }
}

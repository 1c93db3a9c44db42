import { readFile } from 'node:fs/promises';
import { CausewayError } from '@causeway/sdk';
import { hanaDataFormat, type HanaClientOptions } from './hanaDriver.js';
import { defaultPort, maxFetchSize, type HanaSettings } from './hanaSettings.js';

/** The application name the connector shows in M_SESSION_CONTEXT (session variable APPLICATION). */
export const applicationName = 'causeway';

/**
 * Turns validated settings into hdb client options (no credentials: those go to `connect` only).
 * Reads the CA file now, so a wrong path fails when the data source is opened, not on the first job.
 * With a CA file only that CA is trusted: hdb would otherwise add the SAP HANA Cloud roots.
 */
export async function createClientOptions(settings: HanaSettings, connectTimeoutMs: number): Promise<HanaClientOptions> {
  const options: HanaClientOptions = {
    host: settings.host,
    port: settings.port ?? defaultPort,
    initializationTimeout: connectTimeoutMs,
    rowsAsArray: true,
    fetchSize: Math.min(settings.fetchSize ?? 1024, maxFetchSize),
    dataFormatSupport: hanaDataFormat,
    'SESSIONVARIABLE:APPLICATION': applicationName,
  };
  if (settings.databaseName) options.databaseName = settings.databaseName;
  if (settings.useTLS) {
    options.useTLS = true;
    options.rejectUnauthorized = settings.rejectUnauthorized ?? true;
    if (settings.ca !== undefined) {
      options.ca = [await readCa(settings, settings.ca)];
      options.sslHanaCloudCertificates = false;
    }
  }
  return options;
}

async function readCa(settings: HanaSettings, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CausewayError('CW_CONFIG_INVALID', `cannot read the CA file for SAP HANA at ${settings.host}: ${(error as Error).message}`, {
      cause: error,
      location: { file: path, field: 'ca' },
    });
  }
}

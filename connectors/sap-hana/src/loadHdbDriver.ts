import type { HanaClient, HanaDriver } from './hanaDriver.js';

/**
 * Imports hdb (only when a data source opens) and returns the driver boundary the connector uses.
 * hdb's client already has the shape of `HanaClient`; hdb.d.ts declares the part that is used.
 */
export async function loadHdbDriver(): Promise<HanaDriver> {
  const hdb = await import('hdb');
  return {
    createClient: (options) => {
      const client: HanaClient = hdb.createClient({ ...options });
      return client;
    },
    decodeText: (bytes) => hdb.iconv.decode(bytes, 'cesu8'),
  };
}

import { encryptForGateway } from '@causeway/protocol';
import type { RelayServer } from '@causeway/relay';
import type { GatewayConfig } from '@causeway/schemas';
import type { Logger } from '@causeway/sdk';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createHost, type Host } from '../createHost.js';
import { createKeyFile, openKeyFile } from '../keys/index.js';
import { startSampleDatabase, type SampleDatabase } from './startSampleDatabase.js';

/** What `causeway query` reads to find the embedded gateway. */
export interface EmbeddedState {
  relayUrl: string;
  token: string;
  gatewayId: string;
  pid: number;
}

/** A running embedded gateway: relay, host and sample database in one process. */
export interface EmbeddedGateway {
  relay: RelayServer;
  host: Host;
  sample: SampleDatabase;
  state: EmbeddedState;
  stateDirectory: string;
  configFile: string;
  stop(): Promise<void>;
}

/** The file the embedded gateway writes its connection details to. */
export function embeddedStateFile(stateDirectory: string): string {
  return join(stateDirectory, 'embedded.json');
}

/** Reads the embedded gateway's connection details. */
export async function readEmbeddedState(stateDirectory: string): Promise<EmbeddedState> {
  return JSON.parse(await readFile(embeddedStateFile(stateDirectory), 'utf8')) as EmbeddedState;
}

async function writePrivate(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: 0o600 });
  await chmod(path, 0o600);
}

async function startRelay(port: number, token: string, logger: Logger): Promise<RelayServer> {
  // Imported here: a host that is not the embedded set-up never loads the relay.
  const { createRelayServer } = await import('@causeway/relay');
  const relay = createRelayServer({ port, clientTokens: [token], logger: logger.child({ component: 'relay' }) });
  try {
    await relay.start();
    return relay;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw error;
    logger.warn({ port }, 'relay port in use; taking a free one');
    return startRelay(0, token, logger);
  }
}

/**
 * Runs the whole path on one machine with no set-up: a sample PostgreSQL-compatible database
 * (PGlite), an embedded relay on loopback, and a host that dials out to it. Keys are created on
 * first run under `stateDirectory` (a development recovery key is kept beside them, mode 0600).
 */
export async function startEmbedded(options: { stateDirectory: string; logger: Logger; relayPort?: number; sampleRows?: number }): Promise<EmbeddedGateway> {
  const stateDirectory = resolve(options.stateDirectory);
  const { logger } = options;
  await mkdir(stateDirectory, { recursive: true, mode: 0o700 });
  const recoveryKeyFile = join(stateDirectory, 'recovery.key');
  const keyFile = join(stateDirectory, 'keys.json');
  let recoveryKey: string;
  try {
    recoveryKey = (await readFile(recoveryKeyFile, 'utf8')).trim();
  } catch {
    recoveryKey = randomBytes(24).toString('base64url');
    await writePrivate(recoveryKeyFile, recoveryKey + '\n');
  }
  const keys = await openKeyFile(keyFile, recoveryKey).catch(async (error: { code?: string }) => {
    if (error.code !== 'CW_KEYFILE_NOT_FOUND') throw error;
    logger.info({ keyFile }, 'creating the development key file');
    return createKeyFile(keyFile, recoveryKey);
  });

  const sample = await startSampleDatabase({ logger, ...(options.sampleRows ? { rows: options.sampleRows } : {}) });
  const token = randomBytes(24).toString('base64url');
  const gatewayId = 'embedded';
  let relay: RelayServer | undefined;
  try {
    relay = await startRelay(options.relayPort ?? 7420, token, logger);
    relay.registerGateway(gatewayId, keys.publicKeyPem);
    const config: GatewayConfig = {
      $schema: '../../schemas/gateway-config.schema.json',
      gatewayId,
      keyFile: 'keys.json',
      recoveryKeyFile: 'recovery.key',
      dataDirectory: 'data',
      relay: { transport: 'websocket', settings: { url: relay.wsUrl } },
      spooler: { plugin: 'disk', mode: 'stream' },
      dataSources: {
        sample: {
          description: 'PGlite sample database (table sales)',
          connector: 'postgres',
          settings: { host: sample.host, port: sample.port, database: sample.database, ssl: { mode: 'disable' } },
          // Encrypted with the public key only, as an admin would with `causeway credentials encrypt`.
          auth: { provider: 'stored-credential', secret: encryptForGateway(keys.publicKeyPem, { username: sample.user, password: 'sample' }) },
          pool: { maxConnections: 4 },
        },
      },
    };
    const configFile = join(stateDirectory, 'gateway.config.json');
    await writePrivate(configFile, JSON.stringify(config, null, 2) + '\n');
    const host = createHost({ configFile, keys, logger: logger.child({ component: 'host' }) });
    await host.start();
    const state: EmbeddedState = { relayUrl: relay.url, token, gatewayId, pid: process.pid };
    await writePrivate(embeddedStateFile(stateDirectory), JSON.stringify(state, null, 2) + '\n');
    const started = relay;
    return {
      relay: started,
      host,
      sample,
      state,
      stateDirectory,
      configFile,
      async stop() {
        await host.stop();
        await started.stop();
        await sample.stop();
      },
    };
  } catch (error) {
    await relay?.stop().catch(() => undefined);
    await sample.stop().catch(() => undefined);
    throw error;
  }
}

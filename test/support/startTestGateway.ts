import { createHost, createKeyFile, createLogger, type GatewayKeys, type Host, type JobReport } from '@causeway/host';
import { encryptForGateway } from '@causeway/protocol';
import type { GatewayConfig } from '@causeway/schemas';
import { createRelayClient, createRelayServer, type RelayClient, type RelayServer } from '@causeway/relay';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The PostgreSQL every machine of this project runs (trust auth, database `test`). */
export const pgConfig = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' };

/** A relay, a host connected to it over WebSocket, and a client: the whole path in one process. */
export interface TestGateway {
  relay: RelayServer;
  host: Host;
  client: RelayClient;
  /** The relay's client token. */
  clientToken: string;
  keys: GatewayKeys;
  gatewayId: string;
  /** The password the stored credential holds (PostgreSQL trusts loopback, so it is a marker to scan for). */
  storedPassword: string;
  /** Every log line the host and relay wrote. */
  logs: string[];
  dataDirectory: string;
  reports: JobReport[];
  stop(): Promise<void>;
}

let sharedKeys: Promise<GatewayKeys> | undefined;

/** Key file creation costs an RSA-3072 key pair; one per test file is enough. */
export function testKeys(): Promise<GatewayKeys> {
  sharedKeys ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'causeway-keys-'));
    return createKeyFile(join(dir, 'keys.json'), 'test recovery key 0123456789', { scrypt: { N: 1024, r: 8, p: 1 } });
  })();
  return sharedKeys;
}

/** Starts a test gateway; `configure` may change the config document before the host starts. */
export async function startTestGateway(options: { configure?: (config: GatewayConfig) => void; creditFrames?: number } = {}): Promise<TestGateway> {
  const keys = await testKeys();
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
  const token = randomBytes(16).toString('hex');
  const gatewayId = `gw-${randomBytes(4).toString('hex')}`;
  const relay = createRelayServer({ clientTokens: [token], logger: logger.child({ component: 'relay' }), ...(options.creditFrames ? { creditFrames: options.creditFrames } : {}) });
  await relay.start();
  relay.registerGateway(gatewayId, keys.publicKeyPem);
  const dataDirectory = await mkdtemp(join(tmpdir(), 'causeway-gw-'));
  const storedPassword = `stored-SECRET-${randomBytes(6).toString('hex')}`;
  const config: GatewayConfig = {
    gatewayId,
    keyFile: 'unused-keys-are-passed-in.json',
    dataDirectory,
    relay: { transport: 'websocket', settings: { url: relay.wsUrl } },
    spooler: { plugin: 'disk', mode: 'stream' },
    dataSources: {
      pg: {
        connector: 'postgres',
        settings: { host: pgConfig.host, port: pgConfig.port, database: pgConfig.database, ssl: { mode: 'disable' } },
        auth: { provider: 'stored-credential', secret: encryptForGateway(keys.publicKeyPem, { username: pgConfig.user, password: storedPassword }) },
      },
    },
    limits: { concurrentJobs: 8 },
  };
  options.configure?.(config);
  const host = createHost({ config, baseDir: dataDirectory, keys, logger: logger.child({ component: 'host' }) });
  const reports: JobReport[] = [];
  host.on('job:end', (report) => reports.push(report));
  try {
    await host.start();
  } catch (error) {
    await relay.stop();
    throw error;
  }
  const client = createRelayClient({ url: relay.url, token });
  return {
    relay,
    host,
    client,
    clientToken: token,
    keys,
    gatewayId,
    storedPassword,
    logs,
    dataDirectory,
    reports,
    async stop() {
      await host.stop();
      await relay.stop();
      await rm(dataDirectory, { recursive: true, force: true });
    },
  };
}

/** Waits until `predicate` holds (polling), or fails after `ms`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Cluster members for the tests: hosts whose relay transport is amqp, in this process or in a child.
import { createHost, createKeyFile, createLogger, type GatewayKeys, type Host, type JobReport } from '@causeway/host';
import { encryptForGateway } from '@causeway/protocol';
import type { GatewayConfig } from '@causeway/schemas';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rabbitConfig, TEST_PASSWORD_ENV } from './rabbitmq.js';
import { pgConfig } from './startTestGateway.js';

/** A key file the members of one test cluster share (as members share the cluster's keys). */
export interface ClusterKeys {
  keys: GatewayKeys;
  keyFile: string;
  recoveryKey: string;
  dir: string;
}

/** Creates a key file (cheap scrypt: key derivation is not what these tests are about). */
export async function createClusterKeys(): Promise<ClusterKeys> {
  const dir = await mkdtemp(join(tmpdir(), 'causeway-cluster-keys-'));
  const keyFile = join(dir, 'keys.json');
  const recoveryKey = `cluster recovery key ${randomBytes(6).toString('hex')}`;
  const keys = await createKeyFile(keyFile, recoveryKey, { scrypt: { N: 1024, r: 8, p: 1 } });
  return { keys, keyFile, recoveryKey, dir };
}

/** What a test member is configured with. */
export interface MemberSpec {
  vhost: string;
  cluster: string;
  memberId?: string;
  concurrentJobs?: number;
  /** The broker address (a proxy in front of RabbitMQ, to cut the connection). */
  broker?: { host: string; port: number };
  /** Extra or overriding amqp transport settings. */
  settings?: Record<string, unknown>;
}

/** The gateway config of a test member. */
export function memberConfig(spec: MemberSpec, keys: ClusterKeys, dataDirectory: string): GatewayConfig {
  const broker = spec.broker ?? rabbitConfig;
  return {
    gatewayId: spec.memberId ?? `m-${randomBytes(3).toString('hex')}`,
    keyFile: keys.keyFile,
    dataDirectory,
    relay: {
      transport: 'amqp',
      settings: {
        url: `amqp://${broker.host}:${broker.port}`,
        cluster: spec.cluster,
        vhost: spec.vhost,
        auth: { username: rabbitConfig.username, passwordEnv: TEST_PASSWORD_ENV },
        statusIntervalMs: 500,
        reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
        ...spec.settings,
      },
    },
    spooler: { plugin: 'disk', mode: 'stream' },
    dataSources: {
      pg: {
        connector: 'postgres',
        settings: { host: pgConfig.host, port: pgConfig.port, database: pgConfig.database, ssl: { mode: 'disable' } },
        auth: { provider: 'stored-credential', secret: encryptForGateway(keys.keys.publicKeyPem, { username: pgConfig.user, password: 'trusted-anyway' }) },
      },
    },
    limits: { concurrentJobs: spec.concurrentJobs ?? 4 },
  };
}

/** A member running in this process. */
export interface TestMember {
  memberId: string;
  host: Host;
  reports: JobReport[];
  started: string[];
  logs: string[];
  /** The most jobs the member held at once (from job:start to job:end). */
  readonly maxHeld: number;
  stop(): Promise<void>;
}

/** Starts a member in this process. */
export async function startClusterMember(spec: MemberSpec, keys: ClusterKeys): Promise<TestMember> {
  const dataDirectory = await mkdtemp(join(tmpdir(), 'causeway-member-'));
  const config = memberConfig(spec, keys, dataDirectory);
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
  const host = createHost({ config, baseDir: dataDirectory, keys: keys.keys, logger });
  const reports: JobReport[] = [];
  const started: string[] = [];
  let held = 0;
  let maxHeld = 0;
  host.on('job:end', (report) => {
    held--;
    reports.push(report);
  });
  host.on('job:start', ({ jobId }) => {
    held++;
    maxHeld = Math.max(maxHeld, held);
    started.push(jobId);
  });
  try {
    await host.start();
  } catch (error) {
    await rm(dataDirectory, { recursive: true, force: true });
    throw error;
  }
  return {
    memberId: config.gatewayId,
    host,
    reports,
    started,
    logs,
    get maxHeld() {
      return maxHeld;
    },
    async stop() {
      await host.stop();
      await rm(dataDirectory, { recursive: true, force: true });
    },
  };
}

/** A member running in a child process (so a test can SIGKILL it). */
export interface ChildMember {
  memberId: string;
  child: ChildProcess;
  /** Job ids the child started. */
  started: string[];
  /** Job reports the child finished. */
  reports: JobReport[];
  stop(): Promise<void>;
}

const CHILD_SCRIPT = fileURLToPath(new URL('./clusterMemberProcess.mjs', import.meta.url));

/** Forks test/support/clusterMemberProcess.mjs with a member config and waits until it joined the cluster. */
export async function startChildMember(spec: MemberSpec, keys: ClusterKeys): Promise<ChildMember> {
  const dataDirectory = await mkdtemp(join(tmpdir(), 'causeway-child-member-'));
  const config = memberConfig(spec, keys, dataDirectory);
  const child = fork(CHILD_SCRIPT, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { ...process.env, CAUSEWAY_RECOVERY_KEY: keys.recoveryKey } });
  const started: string[] = [];
  const reports: JobReport[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: { type: string; jobId?: string; report?: JobReport; error?: string }) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'failed') reject(new Error(message.error));
      else if (message.type === 'job:start' && message.jobId) started.push(message.jobId);
      else if (message.type === 'job:end' && message.report) reports.push(message.report);
    });
    child.once('exit', (code, signal) => reject(new Error(`member child exited before it joined (${code ?? signal})`)));
  });
  child.send({ type: 'start', config, baseDir: dataDirectory });
  try {
    await ready;
  } catch (error) {
    child.kill('SIGKILL');
    await rm(dataDirectory, { recursive: true, force: true });
    throw error;
  }
  return {
    memberId: config.gatewayId,
    child,
    started,
    reports,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.send({ type: 'stop' });
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      await rm(dataDirectory, { recursive: true, force: true });
    },
  };
}

// A throw-away RabbitMQ virtual host per test file: quorum queues by default (delivery limits work),
// a dead-letter policy on the cluster's job queue, and everything deleted with the vhost at the end.
import { openBrokerConnection } from '@causeway/transport-amqp';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { requireService } from './requireService.js';

const run = promisify(execFile);

/** The RabbitMQ every machine of this project runs (guest/guest, loopback only). */
export const rabbitConfig = { host: '127.0.0.1', port: 5672, username: 'guest', password: 'guest' };

/** The environment variable the test members read their broker password from. */
export const TEST_PASSWORD_ENV = 'CAUSEWAY_TEST_AMQP_PASSWORD';
process.env[TEST_PASSWORD_ENV] = rabbitConfig.password;

/** A virtual host and cluster name of one test file. */
export interface TestVhost {
  vhost: string;
  cluster: string;
  /** Deletes the vhost and with it every queue the tests made. */
  delete(): Promise<void>;
}

async function rabbitmqctl(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('rabbitmqctl', ['--quiet', ...args], { timeout: 60_000 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

/** Fails clearly unless RabbitMQ listens and speaks AMQP 1.0 (the rabbitmq_amqp1_0 plugin is enabled). */
export async function requireRabbitMqAmqp10(): Promise<void> {
  await requireService('RabbitMQ', rabbitConfig.host, rabbitConfig.port);
  try {
    const broker = await openBrokerConnection({ host: rabbitConfig.host, port: rabbitConfig.port, tls: false, username: rabbitConfig.username, password: rabbitConfig.password, operationTimeoutMs: 5000 });
    await broker.close();
  } catch (error) {
    throw new Error(`RabbitMQ at ${rabbitConfig.host}:${rabbitConfig.port} does not speak AMQP 1.0 (enable it: rabbitmq-plugins enable rabbitmq_amqp1_0): ${(error as Error).message}`);
  }
}

/**
 * Creates a vhost whose default queue type is quorum, lets guest use it, and sets the policy an
 * admin sets for a cluster: the job queue dead-letters to `<cluster>.dead` after `deliveryLimit`
 * returns (the broker's bound for a job whose member keeps dying).
 */
export async function createTestVhost(options: { deliveryLimit?: number } = {}): Promise<TestVhost> {
  const id = randomBytes(4).toString('hex');
  const vhost = `causeway-test-${process.pid}-${id}`;
  const cluster = `c${id}`;
  await rabbitmqctl('add_vhost', vhost, '--default-queue-type', 'quorum');
  await rabbitmqctl('set_permissions', '-p', vhost, rabbitConfig.username, '.*', '.*', '.*');
  const policy = { 'delivery-limit': options.deliveryLimit ?? 5, 'dead-letter-exchange': '', 'dead-letter-routing-key': `${cluster}.dead` };
  await rabbitmqctl('set_policy', '-p', vhost, `${cluster}-jobs`, `^${cluster}\\.jobs$`, JSON.stringify(policy), '--apply-to', 'queues');
  return {
    vhost,
    cluster,
    async delete() {
      await rabbitmqctl('delete_vhost', vhost);
    },
  };
}

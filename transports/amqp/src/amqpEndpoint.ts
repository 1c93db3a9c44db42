import { CausewayError } from '@causeway/sdk';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'rhea-promise';
import type { AmqpTransportSettings } from './readAmqpSettings.js';

/** Where and how to connect to the broker, secrets resolved. Shared by cluster members and the cloud-side client. */
export interface AmqpEndpoint {
  host: string;
  port: number;
  /** TLS (`amqps://`). */
  tls: boolean;
  /** The AMQP open `hostname`; RabbitMQ reads `vhost:<name>` from it. */
  hostname?: string | undefined;
  /** SASL PLAIN when both are given, SASL ANONYMOUS otherwise. */
  username?: string | undefined;
  password?: string | undefined;
  /** Trusted CA certificates (PEM) for TLS; default: Node's bundled roots. */
  ca?: string | Buffer | undefined;
  /** The TLS server name; default: the host, unless it is an IP address. */
  servername?: string | undefined;
  /** Refuse a broker certificate that does not verify (default true). */
  rejectUnauthorized?: boolean | undefined;
  /** The AMQP idle time-out announced to the broker (0: none). */
  idleTimeoutMs?: number | undefined;
  /** How long opening the connection or a link may take. */
  operationTimeoutMs?: number | undefined;
}

/** `host:port` for messages; never holds a secret. */
export function describeEndpoint(endpoint: Pick<AmqpEndpoint, 'host' | 'port' | 'tls'>): string {
  return `${endpoint.tls ? 'amqps' : 'amqp'}://${isIP(endpoint.host) === 6 ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
}

/** The rhea connection options for an endpoint. Reconnecting is the caller's business, never rhea's. */
export function toConnectionOptions(endpoint: AmqpEndpoint): ConnectionOptions {
  const common = {
    host: endpoint.host,
    port: endpoint.port,
    reconnect: false,
    ...(endpoint.hostname !== undefined ? { hostname: endpoint.hostname } : {}),
    ...(endpoint.username !== undefined ? { username: endpoint.username } : {}),
    ...(endpoint.username !== undefined && endpoint.password !== undefined ? { password: endpoint.password } : {}),
    ...(endpoint.idleTimeoutMs ? { idle_time_out: endpoint.idleTimeoutMs } : {}),
    operationTimeoutInSeconds: Math.max(1, Math.ceil((endpoint.operationTimeoutMs ?? 10_000) / 1000)),
  };
  if (!endpoint.tls) return { ...common, transport: 'tcp' };
  const servername = endpoint.servername ?? (isIP(endpoint.host) ? undefined : endpoint.host);
  return {
    ...common,
    transport: 'tls',
    rejectUnauthorized: endpoint.rejectUnauthorized !== false,
    ...(servername !== undefined ? { servername } : {}),
    ...(endpoint.ca !== undefined ? { ca: endpoint.ca } : {}),
  };
}

/** Resolves the member's endpoint from its settings: the password from its file or environment variable, the CA from its file. */
export async function resolveEndpoint(settings: AmqpTransportSettings, env: NodeJS.ProcessEnv = process.env): Promise<AmqpEndpoint> {
  let username: string | undefined;
  let password: string | undefined;
  if (settings.auth.mechanism === 'plain') {
    username = settings.auth.username;
    if (settings.auth.passwordFile !== undefined) {
      try {
        password = (await readFile(settings.auth.passwordFile, 'utf8')).replace(/\r?\n$/, '');
      } catch (error) {
        throw new CausewayError('CW_PLUGIN_SETTINGS_INVALID', `amqp transport settings: auth.passwordFile ${settings.auth.passwordFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
          location: { field: 'auth.passwordFile' },
        });
      }
    } else {
      password = env[settings.auth.passwordEnv];
      if (password === undefined || password === '') {
        throw new CausewayError('CW_PLUGIN_SETTINGS_INVALID', `amqp transport settings: SASL PLAIN for user "${username}" needs a password in the environment variable ${settings.auth.passwordEnv} (or auth.passwordFile)`, {
          location: { field: 'auth.passwordEnv' },
        });
      }
    }
  }
  let ca: Buffer | undefined;
  if (settings.tlsOptions.caFile !== undefined) {
    try {
      ca = await readFile(settings.tlsOptions.caFile);
    } catch (error) {
      throw new CausewayError('CW_PLUGIN_SETTINGS_INVALID', `amqp transport settings: tls.caFile ${settings.tlsOptions.caFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
        location: { field: 'tls.caFile' },
      });
    }
  }
  return {
    host: settings.host,
    port: settings.port,
    tls: settings.tls,
    hostname: settings.hostname,
    username,
    password,
    ca,
    servername: settings.tlsOptions.servername,
    rejectUnauthorized: settings.tlsOptions.rejectUnauthorized,
    idleTimeoutMs: settings.idleTimeoutMs,
    operationTimeoutMs: settings.connectTimeoutMs,
  };
}

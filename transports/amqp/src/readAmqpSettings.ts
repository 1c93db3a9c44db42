import { CausewayError } from '@causeway/sdk';

/** How the transport authenticates to the broker. */
export type AmqpAuthSettings =
  | {
      /** SASL PLAIN: user name and password (over TLS in production). */
      mechanism: 'plain';
      username: string;
      /** The environment variable that holds the password. */
      passwordEnv: string;
      /** A file that holds the password (one trailing newline dropped); wins over `passwordEnv`. */
      passwordFile: string | undefined;
    }
  | { mechanism: 'anonymous' };

/** The broker addresses a cluster uses; `{cluster}` and `{member}` are already substituted where known. */
export interface ClusterAddresses {
  /** The cluster's job queue; members are its competing consumers. */
  jobs: string;
  /** Where members announce themselves and `cluster status` reads. */
  status: string;
  /** Where jobs that failed `maxAttempts` times go, with their error. */
  deadLetter: string;
  /** A member's own queue for control messages (cancel); `{member}` is the member id. */
  control: string;
}

/** The amqp transport's settings, defaults applied. */
export interface AmqpTransportSettings {
  /** The broker URL without credentials, as configured. */
  url: string;
  host: string;
  port: number;
  /** True for `amqps://`. */
  tls: boolean;
  /** The cluster name; it names the cluster's queues. */
  cluster: string;
  /** The AMQP open `hostname` (RabbitMQ reads the virtual host from `vhost:<name>`). */
  hostname: string | undefined;
  auth: AmqpAuthSettings;
  tlsOptions: { caFile: string | undefined; servername: string | undefined; rejectUnauthorized: boolean };
  addresses: ClusterAddresses;
  /** `forward`: send a copy with the error to `addresses.deadLetter`; `reject`: reject it with the error (Service Bus dead-letters it natively). */
  deadLetterMode: 'forward' | 'reject';
  /** Attempts a member makes at a job it cannot run or answer before the job is dead-lettered. */
  maxAttempts: number;
  /** When set, the key id every member must hold. */
  clusterKeyId: string | undefined;
  /** The largest result message sent; bigger frames are split. */
  maxMessageBytes: number;
  /** Result messages of one job sent and not yet settled by the broker. */
  sendWindow: number;
  /** How long the broker may take to settle one result message before the attempt counts as failed. */
  sendTimeoutMs: number;
  /** How often a member announces itself; announcements live three intervals. */
  statusIntervalMs: number;
  reconnect: { initialDelayMs: number; maxDelayMs: number };
  /** How long connecting and attaching a link may take. */
  connectTimeoutMs: number;
  /** The AMQP idle time-out announced to the broker (0: none). */
  idleTimeoutMs: number;
}

/** Cluster names become parts of queue names. */
export const CLUSTER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

const defaultAddresses = {
  jobs: '/queue/{cluster}.jobs',
  status: '/queue/{cluster}.status',
  deadLetter: '/queue/{cluster}.dead',
  control: '/queue/{cluster}.member.{member}',
};

function invalid(field: string, what: string): CausewayError {
  return new CausewayError('CW_PLUGIN_SETTINGS_INVALID', `amqp transport settings: ${field} ${what}`, { location: { field } });
}

function integer(value: unknown, field: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw invalid(field, `must be an integer of at least ${min}`);
  return value;
}

function text(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw invalid(field, 'must be a non-empty string');
  return value;
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(field, 'must be an object');
  return value as Record<string, unknown>;
}

/** Substitutes `{cluster}` (and `{member}` when given) in an address template. */
export function expandAddress(template: string, names: { cluster: string; member?: string }): string {
  let address = template.replaceAll('{cluster}', names.cluster);
  if (names.member !== undefined) address = address.replaceAll('{member}', names.member);
  return address;
}

/** Reads the plugin settings (already checked against the manifest's schema by the host) and applies defaults. */
export function readAmqpSettings(settings: Readonly<Record<string, unknown>>): AmqpTransportSettings {
  const url = text(settings.url, 'url');
  if (!url) throw invalid('url', 'is required');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('url', 'is not a valid URL');
  }
  if (parsed.protocol !== 'amqp:' && parsed.protocol !== 'amqps:') throw invalid('url', 'must be an amqp:// or amqps:// URL');
  // Credentials never live in the URL: the config file is not a secret store.
  if (parsed.username || parsed.password) throw invalid('url', 'must not carry a user name or password; use auth.username and auth.passwordEnv or auth.passwordFile');
  if (!parsed.hostname) throw invalid('url', 'has no host');
  const tls = parsed.protocol === 'amqps:';
  const port = parsed.port ? Number(parsed.port) : tls ? 5671 : 5672;

  const cluster = text(settings.cluster, 'cluster');
  if (!cluster || !CLUSTER_NAME_PATTERN.test(cluster)) throw invalid('cluster', 'must be 1 to 63 letters, digits, "_" or "-", starting with a letter or digit');

  const vhost = text(settings.vhost, 'vhost');
  const hostname = text(settings.hostname, 'hostname') ?? (vhost !== undefined ? `vhost:${vhost}` : undefined);

  const authIn = object(settings.auth, 'auth');
  const mechanism = authIn.mechanism ?? (authIn.username !== undefined ? 'plain' : 'anonymous');
  let auth: AmqpAuthSettings;
  if (mechanism === 'plain') {
    const username = text(authIn.username, 'auth.username');
    if (!username) throw invalid('auth.username', 'is required for SASL PLAIN');
    auth = { mechanism, username, passwordEnv: text(authIn.passwordEnv, 'auth.passwordEnv') ?? 'CAUSEWAY_AMQP_PASSWORD', passwordFile: text(authIn.passwordFile, 'auth.passwordFile') };
  } else if (mechanism === 'anonymous') {
    auth = { mechanism };
  } else {
    throw invalid('auth.mechanism', 'must be "plain" or "anonymous"');
  }

  const tlsIn = object(settings.tls, 'tls');
  if (tlsIn.rejectUnauthorized !== undefined && typeof tlsIn.rejectUnauthorized !== 'boolean') throw invalid('tls.rejectUnauthorized', 'must be a boolean');

  const addressesIn = object(settings.addresses, 'addresses');
  const template = (name: keyof typeof defaultAddresses): string => text(addressesIn[name], `addresses.${name}`) ?? defaultAddresses[name];
  const addresses: ClusterAddresses = {
    jobs: expandAddress(template('jobs'), { cluster }),
    status: expandAddress(template('status'), { cluster }),
    deadLetter: expandAddress(template('deadLetter'), { cluster }),
    control: expandAddress(template('control'), { cluster }),
  };
  if (!addresses.control.includes('{member}')) throw invalid('addresses.control', 'must contain {member}: every member has its own control address');

  const deadLetterMode = settings.deadLetterMode ?? 'forward';
  if (deadLetterMode !== 'forward' && deadLetterMode !== 'reject') throw invalid('deadLetterMode', 'must be "forward" or "reject"');

  const clusterKeyId = text(settings.clusterKeyId, 'clusterKeyId');
  const reconnect = object(settings.reconnect, 'reconnect');
  const initialDelayMs = integer(reconnect.initialDelayMs, 'reconnect.initialDelayMs', 250, 1);
  const maxDelayMs = integer(reconnect.maxDelayMs, 'reconnect.maxDelayMs', 10_000, 1);
  if (maxDelayMs < initialDelayMs) throw invalid('reconnect.maxDelayMs', `(${maxDelayMs}) must not be below reconnect.initialDelayMs (${initialDelayMs})`);

  return {
    url,
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    tls,
    cluster,
    hostname,
    auth,
    tlsOptions: {
      caFile: text(tlsIn.caFile, 'tls.caFile'),
      servername: text(tlsIn.servername, 'tls.servername'),
      rejectUnauthorized: tlsIn.rejectUnauthorized !== false,
    },
    addresses,
    deadLetterMode,
    maxAttempts: integer(settings.maxAttempts, 'maxAttempts', 3, 1),
    clusterKeyId,
    maxMessageBytes: integer(settings.maxMessageBytes, 'maxMessageBytes', 256 * 1024, 4096),
    sendWindow: integer(settings.sendWindow, 'sendWindow', 32, 1),
    sendTimeoutMs: integer(settings.sendTimeoutMs, 'sendTimeoutMs', 60_000, 100),
    statusIntervalMs: integer(settings.statusIntervalMs, 'statusIntervalMs', 5000, 100),
    reconnect: { initialDelayMs, maxDelayMs },
    connectTimeoutMs: integer(settings.connectTimeoutMs, 'connectTimeoutMs', 10_000, 100),
    idleTimeoutMs: integer(settings.idleTimeoutMs, 'idleTimeoutMs', 30_000, 0),
  };
}

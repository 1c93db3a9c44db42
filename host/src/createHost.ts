import 'reflect-metadata';
import { CausewayError, type Clock, type ClusterStatus, type JobDelivery, type JobIdentity, type Logger, type RelayHandler, type RelayLink, type Spooler } from '@causeway/sdk';
import type { GatewayConfig } from '@causeway/schemas';
import { EventEmitter } from 'node:events';
import { container as rootContainer } from 'tsyringe';
import { checkConfigAgainstPlugins, type CheckedSettings } from './config/checkConfigAgainstPlugins.js';
import { loadConfigFile } from './config/loadConfigFile.js';
import { parseConfig } from './config/parseConfig.js';
import type { ResolvedConfig } from './config/resolvedConfig.js';
import { createCredentialVault, type CredentialVault } from './credentials/credentialVault.js';
import { createDataSourceRegistry, type DataSourceRegistry } from './datasources/dataSourceRegistry.js';
import type { HostEvents } from './hostEvents.js';
import { HOST_VERSION } from './hostVersion.js';
import { createJobSlots } from './jobs/jobSlots.js';
import { runJob, type JobReport } from './jobs/runJob.js';
import { authenticate } from './jobs/authenticate.js';
import { openKeyFile, resolveRecoveryKey, type GatewayKeys } from './keys/index.js';
import { createSilentLogger } from './logging/createLogger.js';
import { discoverPlugins } from './plugins/discoverPlugins.js';
import { createPluginRuntime, type PluginInfo, type PluginRuntime } from './plugins/pluginRuntime.js';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { createAjv } from './validation/createAjv.js';

/** How to build a host. Give `configFile`, or `config` (a document, resolved against `baseDir`). */
export interface HostOptions {
  configFile?: string;
  config?: GatewayConfig;
  baseDir?: string;
  /** The recovery key that opens the key file; default: `recoveryKeyFile` from the config, else CAUSEWAY_RECOVERY_KEY. */
  recoveryKey?: string;
  /** Already-opened keys (tests, or an embedder that manages keys itself). */
  keys?: GatewayKeys;
  logger?: Logger;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
}

/** A Causeway gateway host. No globals: several can run in one process. */
export interface Host {
  /** Loads config, keys and plugins, checks the config against them, connects to the relay. */
  start(): Promise<void>;
  /** Disconnects, cancels running jobs, unloads plugins. */
  stop(): Promise<void>;
  /** Subscribes to an event. */
  on<E extends keyof HostEvents>(event: E, listener: (...args: HostEvents[E]) => void): Host;
  /** Unsubscribes. */
  off<E extends keyof HostEvents>(event: E, listener: (...args: HostEvents[E]) => void): Host;
  /** Discovered plugins with their state (after start, or after `inspect`). */
  plugins(): PluginInfo[];
  /** Tests a data source's connection with its stored credential. */
  testDataSource(id: string, options?: { secret?: Record<string, unknown>; identity?: JobIdentity }): Promise<{ ok: boolean; serverVersion?: string; latencyMs: number }>;
  /** Loads config and plugins and checks them without keys or relay (for `config validate` and `plugins list`). */
  inspect(): Promise<{ config: ResolvedConfig; plugins: PluginInfo[]; failures: Array<{ manifestFile: string; code: string; message: string }> }>;
  /** The resolved config (after start or inspect). */
  readonly config: ResolvedConfig | undefined;
  /** Jobs running now. */
  runningJobs(): number;
  /** The cluster's members as the relay transport sees them (for transports that form clusters, such as amqp). */
  clusterStatus(options?: { signal?: AbortSignal }): Promise<ClusterStatus>;
}

/** A job the host is running: its abort controller and the delivery it answers. */
interface RunningJob {
  controller: AbortController;
  delivery: JobDelivery;
  done: Promise<JobReport>;
}

/** Creates a host; nothing happens until `start()` (or `inspect()`). */
export function createHost(options: HostOptions): Host {
  const logger = options.logger ?? createSilentLogger();
  const clock: Clock = options.clock ?? { now: () => Date.now() };
  // Made on first need (an external plugin's schema, a job): built-in plugins and the config use precompiled validators.
  let ajvInstance: Ajv2020 | undefined;
  const ajv = (): Ajv2020 => (ajvInstance ??= createAjv());
  const events = new EventEmitter();
  const container = rootContainer.createChildContainer();
  let config: ResolvedConfig | undefined;
  let runtime: PluginRuntime | undefined;
  let checked: CheckedSettings | undefined;
  let vault: CredentialVault | undefined;
  let dataSources: DataSourceRegistry | undefined;
  let link: RelayLink | undefined;
  let state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  const running = new Map<string, RunningJob>();
  const jobsDone = new Set<Promise<JobReport>>();

  async function loadConfig(): Promise<ResolvedConfig> {
    config ??= options.configFile ? await loadConfigFile(options.configFile) : parseConfig(options.config, { baseDir: options.baseDir ?? process.cwd() });
    return config;
  }

  async function prepare(): Promise<{ config: ResolvedConfig; runtime: PluginRuntime; checked: CheckedSettings }> {
    if (config && runtime && checked) return { config, runtime, checked };
    config = await loadConfig();
    const discovery = await discoverPlugins(ajv, { searchPaths: config.plugins.searchPaths });
    for (const failure of discovery.failures) {
      logger.error({ code: failure.error.code, file: failure.manifestFile, err: failure.error.message }, 'plugin manifest refused');
    }
    const pluginRuntime = createPluginRuntime({
      discovery,
      enabledExternal: config.plugins.enabled,
      disabled: config.plugins.disabled,
      settingsFor: (id) => checked?.plugins[id] ?? {},
      dataDirectory: config.dataDirectory,
      baseDir: config.baseDir,
      container,
      logger,
      clock,
    });
    checked = await checkConfigAgainstPlugins(ajv, config, pluginRuntime);
    runtime = pluginRuntime;
    return { config, runtime, checked };
  }

  // Opening the key file runs scrypt: once per host, whether start() or testDataSource() asks first.
  let keysOpened: Promise<GatewayKeys> | undefined;
  function openKeys(cfg: ResolvedConfig): Promise<GatewayKeys> {
    if (options.keys) return Promise.resolve(options.keys);
    keysOpened ??= (async () => {
      const recoveryKey = options.recoveryKey ?? resolveRecoveryKey({ file: cfg.recoveryKeyFile, env: options.env ?? process.env });
      const keys = await openKeyFile(cfg.keyFile, recoveryKey);
      for (const warning of keys.warnings) logger.warn({ file: cfg.keyFile }, warning);
      return keys;
    })();
    // A failure (wrong recovery key) is not remembered: the next call tries again.
    keysOpened.catch(() => (keysOpened = undefined));
    return keysOpened;
  }

  /** The one data-source registry of this host (testDataSource may open it before start). */
  function registry(cfg: ResolvedConfig, settings: CheckedSettings, plugins: PluginRuntime): DataSourceRegistry {
    return (dataSources ??= createDataSourceRegistry({ dataSources: cfg.dataSources, settings: settings.dataSources, plugins, logger }));
  }

  const host: Host = {
    get config() {
      return config;
    },
    runningJobs: () => running.size,
    on(event, listener) {
      events.on(event, listener as (...args: unknown[]) => void);
      return host;
    },
    off(event, listener) {
      events.off(event, listener as (...args: unknown[]) => void);
      return host;
    },
    plugins: () => runtime?.list() ?? [],
    async inspect() {
      const prepared = await prepare();
      return {
        config: prepared.config,
        plugins: prepared.runtime.list(),
        failures: prepared.runtime.failures().map((f) => ({ manifestFile: f.manifestFile, code: f.error.code, message: f.error.message })),
      };
    },
    async start() {
      if (state !== 'new') throw new CausewayError('CW_INTERNAL', `host cannot start: it is ${state}`);
      state = 'starting';
      try {
        // The key file's scrypt (by design the slowest step of a start) runs on libuv's thread pool
        // while this thread discovers, checks and loads the plugins; its outcome is awaited below.
        const keysOpening = openKeys(await loadConfig());
        keysOpening.catch(() => undefined);
        const { config: cfg, runtime: plugins, checked: settings } = await prepare();
        const sources = registry(cfg, settings, plugins);
        const spooler: Spooler = await plugins.use(cfg.spooler.plugin, 'spooler');
        // Auth providers hold keytabs, signing keys and client certificates: a bad one fails the
        // start, not the first job of the day.
        for (const id of new Set(Object.values(cfg.dataSources).map((ds) => ds.auth.provider))) await plugins.use(id, 'auth-provider');
        const transport = await plugins.use(cfg.relay.transport, 'relay-transport');
        const keys = await keysOpening;
        if (!vault) {
          vault = createCredentialVault(keys);
          for (const [id, ds] of Object.entries(cfg.dataSources)) if (ds.auth.secret) vault.store(id, ds.auth.secret);
        }
        const slots = createJobSlots(cfg.limits.concurrentJobs);
        const services = {
          plugins,
          dataSources: sources,
          vault,
          spooler,
          authSettings: settings.dataSources,
          limits: cfg.limits,
          spoolMode: cfg.spooler.mode,
          logger,
          clock,
        };
        const startJob = (delivery: JobDelivery): void => {
          const controller = new AbortController();
          // A job the transport takes back stops at once and answers nothing; the broker runs it elsewhere.
          const onRevoked = () => controller.abort(delivery.revoked?.reason);
          if (delivery.revoked?.aborted) onRevoked();
          else delivery.revoked?.addEventListener('abort', onRevoked, { once: true });
          events.emit('job:start', { jobId: delivery.jobId });
          const queuedAt = clock.now();
          const done = (async () => {
            const release = await slots.acquire(controller.signal).catch(() => undefined);
            try {
              return await runJob(services, delivery, { signal: controller.signal, queuedAt });
            } finally {
              release?.();
            }
          })()
            .catch((error: unknown): JobReport => {
              logger.error({ jobId: delivery.jobId, err: error }, 'job pipeline failed');
              return { jobId: delivery.jobId, dataSource: undefined, outcome: 'CW_INTERNAL', rows: 0, bytes: 0, frames: 0, timings: {} };
            })
            .then((report) => {
              delivery.revoked?.removeEventListener('abort', onRevoked);
              if (running.get(delivery.jobId) === job) running.delete(delivery.jobId);
              jobsDone.delete(done);
              events.emit('job:end', report);
              return report;
            });
          const job: RunningJob = { controller, delivery, done };
          running.set(delivery.jobId, job);
          jobsDone.add(done);
        };
        const handler: RelayHandler = {
          onJob(delivery) {
            const previous = running.get(delivery.jobId);
            if (previous && !previous.delivery.revoked?.aborted) {
              logger.warn({ jobId: delivery.jobId }, 'duplicate job delivery ignored');
              return;
            }
            if (previous) {
              // The transport took the job back (its broker connection dropped) and the broker delivered
              // it here again before the first run wound down: start it once that run is over.
              logger.info({ jobId: delivery.jobId }, 'job delivered again after it was taken back; starting when the first run ends');
              void previous.done.then(() => {
                if (state === 'running' || state === 'starting') handler.onJob(delivery);
              });
              return;
            }
            startJob(delivery);
          },
          onCancel(jobId) {
            const job = running.get(jobId);
            if (!job) return;
            logger.info({ jobId }, 'job cancelled by the relay');
            job.controller.abort(new CausewayError('CW_JOB_CANCELLED', 'the job was cancelled'));
          },
          onState(relayState, detail) {
            logger.info({ state: relayState, attempt: detail?.attempt, delayMs: detail?.delayMs, err: detail?.error?.message }, 'relay link');
            events.emit('relay:state', { state: relayState, ...(detail?.error ? { error: detail.error.message } : {}), attempt: detail?.attempt, delayMs: detail?.delayMs });
          },
        };
        link = await transport.connect(
          {
            gatewayId: cfg.gatewayId,
            keyId: keys.keyId,
            publicKey: keys.publicKeyPem,
            sign: (challenge) => keys.sign(challenge),
            freeCapacity: () => slots.free(),
            capacity: cfg.limits.concurrentJobs,
            onCapacityFreed: (listener) => slots.onRelease(listener),
            hostVersion: HOST_VERSION,
          },
          handler,
        );
        state = 'running';
        logger.info({ gatewayId: cfg.gatewayId, keyId: keys.keyId, dataSources: Object.keys(cfg.dataSources) }, 'gateway ready');
        events.emit('ready');
      } catch (error) {
        state = 'new';
        await runtime?.dispose().catch(() => undefined);
        throw error;
      }
    },
    async stop() {
      if (state === 'stopped' || state === 'stopping') return;
      state = 'stopping';
      // The link closes first: a clustering transport hands unfinished jobs back to its broker, so
      // another member runs them rather than their clients getting CW_SHUTTING_DOWN.
      const closing = link?.close().catch(() => undefined);
      for (const job of running.values()) job.controller.abort(new CausewayError('CW_SHUTTING_DOWN', 'the gateway is shutting down'));
      await closing;
      await Promise.allSettled([...jobsDone]);
      await dataSources?.close();
      await runtime?.dispose();
      state = 'stopped';
      events.emit('stopped');
    },
    async clusterStatus(statusOptions = {}) {
      const { config: cfg, runtime: plugins } = await prepare();
      const transport = await plugins.use(cfg.relay.transport, 'relay-transport');
      if (!transport.clusterStatus) {
        throw new CausewayError('CW_CONFIG_INVALID', `relay transport "${cfg.relay.transport}" does not form clusters; cluster status needs a clustering transport such as "amqp"`, {
          location: { file: cfg.file, pointer: '/relay/transport' },
        });
      }
      return transport.clusterStatus(statusOptions);
    },
    async testDataSource(id, testOptions = {}) {
      const { config: cfg, runtime: plugins, checked: settings } = await prepare();
      const sources = registry(cfg, settings, plugins);
      const ds = sources.config(id);
      let secret = testOptions.secret;
      if (!secret) {
        const keys = await openKeys(cfg);
        vault ??= createCredentialVault(keys);
        if (ds.auth.secret && !vault.has(id)) vault.store(id, ds.auth.secret);
        secret = vault.openStored(id);
      }
      const signal = AbortSignal.timeout(ds.pool?.connectTimeoutMs ?? 15_000);
      const identity = await authenticate({
        plugins,
        dataSourceId: id,
        connectorId: ds.connector,
        providerId: ds.auth.provider,
        settings: settings.dataSources[id]?.auth ?? {},
        identity: testOptions.identity ?? {},
        secret,
        signal,
      });
      const handle = await sources.handle(id);
      return handle.testConnection(identity, { signal });
    },
  };
  return host;
}

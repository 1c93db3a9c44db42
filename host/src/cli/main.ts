// The `causeway` command. The only module that prints to the console or exits the process.
import { encryptForGateway } from '@causeway/protocol';
import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createHost } from '../createHost.js';
import { startEmbedded } from '../embedded/startEmbedded.js';
import { changeRecoveryKey, createKeyFile, readPublicKey, resolveRecoveryKey } from '../keys/index.js';
import { destination } from 'pino';
import { createLogger } from '../logging/createLogger.js';
import type { PluginInfo } from '../plugins/pluginRuntime.js';
import { formatClusterStatus } from './formatClusterStatus.js';
import { describeError, readJsonFile, readStdin } from './io.js';
import { queryCommand } from './queryCommand.js';

// A reader that stops early (`causeway query ... | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('causeway').description('Causeway on-premises data gateway').showHelpAfterError();
const stateDirDefault = resolve('.causeway');
const configOption = () => new Option('-c, --config <file>', 'gateway config file').default('gateway.config.json');

/** A config for commands that only need plugins when the admin has no config file yet. */
function configOrDefaults(file: string) {
  if (existsSync(file)) return { configFile: file };
  return { config: { gatewayId: 'local', keyFile: 'keys.json', relay: { settings: { url: 'ws://127.0.0.1:7420' } }, dataSources: {} }, baseDir: process.cwd() };
}

program
  .command('start')
  .description('start the gateway (with --embedded: sample database, embedded relay and host in one process)')
  .addOption(configOption())
  .option('--embedded', 'run the embedded defaults: no config needed')
  .option('--state-dir <dir>', 'where embedded mode keeps keys and state', stateDirDefault)
  .option('--relay-port <port>', 'embedded relay port (0: any free port)', '7420')
  .option('--log-level <level>', 'log level (default: log.level of the config, else info)')
  .action(async (opts: { config: string; embedded?: boolean; stateDir: string; relayPort: string; logLevel?: string }) => {
    const configured = opts.embedded ? undefined : ((await readJsonFile(opts.config).catch(() => undefined)) as { log?: { level?: string } } | undefined)?.log?.level;
    // Logs go to stderr as JSON lines; stdout is for what a person or a script reads.
    const logger = createLogger({ level: opts.logLevel ?? configured ?? 'info', destination: destination(2) });
    let stop: () => Promise<void>;
    if (opts.embedded) {
      const gw = await startEmbedded({ stateDirectory: join(opts.stateDir, 'embedded'), logger, relayPort: Number(opts.relayPort) });
      stop = () => gw.stop();
      process.stdout.write(
        [
          '',
          'Causeway is running (embedded defaults):',
          `  relay       ${gw.state.relayUrl}  (client token in ${join(gw.stateDirectory, 'embedded.json')})`,
          `  gateway     "${gw.state.gatewayId}", connected outbound to the relay over WebSocket`,
          `  data source "sample": PGlite on ${gw.sample.host}:${gw.sample.port}, table sales (${'5,000'} rows)`,
          `  config      ${gw.configFile}`,
          '',
          'Query it from another terminal:',
          '  npx causeway query --datasource sample "select region, count(*), sum(quantity * unit_price) from sales group by region"',
          '  npx causeway query --datasource sample --format csv "select * from sales where id <= $1" --param 10',
          '',
          'Stop with Ctrl+C.',
          '',
        ].join('\n'),
      );
    } else {
      const host = createHost({ configFile: opts.config, logger });
      await host.start();
      stop = () => host.stop();
      process.stdout.write(`Causeway gateway "${host.config?.gatewayId}" is connected to its relay. Stop with Ctrl+C.\n`);
    }
    const shutdown = async (signal: string) => {
      logger.info({ signal }, 'stopping');
      await stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
  });

const plugins = program.command('plugins').description('inspect plugins');
plugins
  .command('list')
  .description('list discovered plugins and their state')
  .addOption(configOption())
  .option('--json', 'print JSON')
  .action(async (opts: { config: string; json?: boolean }) => {
    const result = await createHost(configOrDefaults(opts.config)).inspect();
    if (opts.json) {
      process.stdout.write(JSON.stringify(result.plugins, null, 2) + '\n');
    } else {
      const line = (p: PluginInfo) => `${p.enabled ? '+' : '-'} ${p.id.padEnd(20)} ${p.kind.padEnd(16)} ${p.version.padEnd(8)} ${p.builtin ? 'built-in' : 'external'}  ${p.displayName}`;
      process.stdout.write(result.plugins.map(line).join('\n') + '\n');
    }
    for (const f of result.failures) process.stderr.write(`refused ${f.manifestFile}: ${f.code}: ${f.message}\n`);
  });

program
  .command('config')
  .description('gateway config')
  .command('validate')
  .description('validate a config file against its schema and the plugins it names')
  .argument('[file]', 'config file', 'gateway.config.json')
  .action(async (file: string) => {
    const result = await createHost({ configFile: file }).inspect();
    process.stdout.write(`${resolve(file)} is valid: ${Object.keys(result.config.dataSources).length} data source(s), ${result.plugins.filter((p) => p.enabled).length} enabled plugin(s)\n`);
  });

const keys = program.command('keys').description('gateway keys');
keys
  .command('init')
  .description('create the key file: RSA key pair and AES-256 data key, sealed under the recovery key')
  .option('--key-file <file>', 'key file to create', 'keys.json')
  .option('--recovery-key-file <file>', 'file holding the recovery key (else CAUSEWAY_RECOVERY_KEY)')
  .option('--force', 'replace an existing key file')
  .action(async (opts: { keyFile: string; recoveryKeyFile?: string; force?: boolean }) => {
    const recoveryKey = resolveRecoveryKey({ file: opts.recoveryKeyFile, env: process.env });
    const created = await createKeyFile(resolve(opts.keyFile), recoveryKey, { overwrite: opts.force === true });
    process.stdout.write(`created ${resolve(opts.keyFile)} (key id ${created.keyId}). Keep the recovery key safe: it is needed to recover or move this gateway.\n`);
  });
keys
  .command('public')
  .description("print the gateway's public key (what clients encrypt credentials with)")
  .option('--key-file <file>', 'key file', 'keys.json')
  .action(async (opts: { keyFile: string }) => {
    const pub = await readPublicKey(resolve(opts.keyFile));
    process.stdout.write(pub.publicKeyPem.endsWith('\n') ? pub.publicKeyPem : pub.publicKeyPem + '\n');
  });
keys
  .command('recover')
  .description('re-seal the key file under a new recovery key')
  .option('--key-file <file>', 'key file', 'keys.json')
  .requiredOption('--recovery-key-file <file>', 'file holding the current recovery key')
  .requiredOption('--new-recovery-key-file <file>', 'file holding the new recovery key')
  .action(async (opts: { keyFile: string; recoveryKeyFile: string; newRecoveryKeyFile: string }) => {
    const oldKey = resolveRecoveryKey({ file: opts.recoveryKeyFile, env: {} });
    const newKey = resolveRecoveryKey({ file: opts.newRecoveryKeyFile, env: {} });
    const result = await changeRecoveryKey(resolve(opts.keyFile), oldKey, newKey);
    process.stdout.write(`re-sealed ${resolve(opts.keyFile)} under the new recovery key (key id ${result.keyId} unchanged)\n`);
  });

program
  .command('credentials')
  .description('credentials')
  .command('encrypt')
  .description("encrypt a credential to the gateway's public key; prints an envelope for the config's auth.secret or a job")
  .option('--key-file <file>', 'gateway key file (only its public key is read)')
  .option('--public-key <file>', 'public key PEM file (from `causeway keys public`)')
  .option('--username <name>', 'user name; the password is read from standard input')
  .option('--json', 'read the whole secret as a JSON object from standard input')
  .action(async (opts: { keyFile?: string; publicKey?: string; username?: string; json?: boolean }) => {
    const pem = opts.publicKey ? await readFile(opts.publicKey, 'utf8') : (await readPublicKey(resolve(opts.keyFile ?? 'keys.json'))).publicKeyPem;
    const input = await readStdin();
    let secret: Record<string, unknown>;
    if (opts.json) {
      const parsed = JSON.parse(input) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('standard input must be a JSON object');
      secret = parsed as Record<string, unknown>;
    } else {
      if (!opts.username) throw new Error('give --username (password on standard input) or --json (secret object on standard input)');
      secret = { username: opts.username, password: input.replace(/\r?\n$/, '') };
    }
    process.stdout.write(JSON.stringify(encryptForGateway(pem, secret), null, 2) + '\n');
  });

const datasource = program.command('datasource').description('data sources');
datasource
  .command('list')
  .description('list configured data sources')
  .addOption(configOption())
  .action(async (opts: { config: string }) => {
    const { config } = await createHost({ configFile: opts.config }).inspect();
    for (const [id, ds] of Object.entries(config.dataSources)) process.stdout.write(`${id.padEnd(20)} ${ds.connector.padEnd(12)} auth ${ds.auth.provider}${ds.description ? `  ${ds.description}` : ''}\n`);
  });
datasource
  .command('test')
  .description("open a connection with the data source's stored credential and run the cheapest round trip")
  .argument('<id>', 'data source id')
  .addOption(configOption())
  .option('--as <upn>', 'test single sign-on as this user (the UPN a job would carry), through the data source\'s auth provider and user mapping')
  .option('--token-env <name>', "with --as: read the user's access token from this environment variable (Entra ID SSO)")
  .action(async (id: string, opts: { config: string; as?: string; tokenEnv?: string }) => {
    if (opts.tokenEnv && !opts.as) throw new Error('--token-env needs --as');
    const accessToken = opts.tokenEnv ? process.env[opts.tokenEnv] : undefined;
    if (opts.tokenEnv && !accessToken) throw new Error(`environment variable ${opts.tokenEnv} is not set`);
    const identity = opts.as ? { userPrincipalName: opts.as, ...(accessToken ? { accessToken } : {}) } : undefined;
    const host = createHost({ configFile: opts.config });
    try {
      const result = await host.testDataSource(id, identity ? { identity } : {});
      process.stdout.write(`${id}: ok in ${Math.round(result.latencyMs)} ms${result.serverVersion ? ` (${result.serverVersion})` : ''}\n`);
    } finally {
      await host.stop();
    }
  });

program
  .command('cluster')
  .description('gateway clusters (relay transport amqp)')
  .command('status')
  .description("show the cluster's members from their announcements: version, health, jobs in flight, capacity, last seen")
  .addOption(configOption())
  .option('--json', 'print JSON')
  .action(async (opts: { config: string; json?: boolean }) => {
    const host = createHost({ configFile: opts.config });
    try {
      const status = await host.clusterStatus();
      process.stdout.write(opts.json ? JSON.stringify(status, null, 2) + '\n' : formatClusterStatus(status, Date.now()));
    } finally {
      await host.stop();
    }
  });

program
  .command('query')
  .description('send a query through the relay and print the rows')
  .argument('<sql>', 'query text')
  .requiredOption('-d, --datasource <id>', 'data source id')
  .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
  .option('-p, --param <value>', 'positional parameter ($1, $2, ...); JSON or text; repeatable', (v: string, prev: string[]) => [...prev, v], [] as string[])
  .option('--relay-url <url>', 'relay URL (default: the embedded gateway, or CAUSEWAY_RELAY_URL)')
  .option('--token <token>', 'relay client token (default: the embedded gateway, or CAUSEWAY_RELAY_TOKEN)')
  .option('--gateway <id>', 'gateway id')
  .option('--state-dir <dir>', 'embedded state folder', stateDirDefault)
  .option('--username <name>', 'log on as this user (password from CAUSEWAY_PASSWORD), encrypted to the gateway')
  .option('--timeout <ms>', 'job deadline in milliseconds')
  .addOption(new Option('--mode <mode>', 'stream while spooling, or spool the whole result first').choices(['stream', 'spool']))
  .addOption(new Option('--encoding <encoding>', 'frame encoding').choices(['msgpack', 'json']))
  .option('--no-progress', 'no progress line')
  .action(async (sql: string, opts: Parameters<typeof queryCommand>[1]) => queryCommand(sql, opts));

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`causeway: ${describeError(error)}\n`);
  process.exit(1);
});

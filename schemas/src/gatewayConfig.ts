import { Type, type Static } from '@sinclair/typebox';
import { Envelope, Id } from './common.js';

const Settings = Type.Record(Type.String(), Type.Unknown(), { description: "settings validated by the plugin's own schema" });

const DataSource = Type.Object(
  {
    description: Type.Optional(Type.String()),
    connector: Id,
    settings: Type.Optional(Settings),
    auth: Type.Object(
      {
        provider: Id,
        settings: Type.Optional(Settings),
        secret: Type.Optional(Envelope),
      },
      { additionalProperties: false },
    ),
    pool: Type.Optional(
      Type.Object(
        {
          maxConnections: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          idleTimeoutMs: Type.Optional(Type.Integer({ minimum: 0 })),
          connectTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** The gateway config file (`gateway.config.json`). Secrets appear only as envelopes. */
export const GatewayConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    gatewayId: Id,
    keyFile: Type.String({ minLength: 1, description: 'key file path, relative to the config file' }),
    dataDirectory: Type.Optional(
      Type.String({ minLength: 1, description: 'where the host keeps its state (spool, plugin data); default .causeway beside the config file' }),
    ),
    recoveryKeyFile: Type.Optional(
      Type.String({ minLength: 1, description: 'file holding the recovery key (mode 0600); else the CAUSEWAY_RECOVERY_KEY variable' }),
    ),
    relay: Type.Object(
      {
        transport: Type.Optional(Id),
        settings: Type.Optional(Settings),
      },
      { additionalProperties: false },
    ),
    spooler: Type.Optional(
      Type.Object(
        {
          plugin: Type.Optional(Id),
          mode: Type.Optional(Type.Union([Type.Literal('stream'), Type.Literal('spool')], { description: 'stream while spooling, or spool the whole result first' })),
        },
        { additionalProperties: false },
      ),
    ),
    plugins: Type.Optional(
      Type.Object(
        {
          searchPaths: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
          enabled: Type.Optional(Type.Array(Id, { uniqueItems: true, description: 'third-party plugins to trust and enable' })),
          disabled: Type.Optional(Type.Array(Id, { uniqueItems: true, description: 'plugins (built-in or not) to disable' })),
          settings: Type.Optional(Type.Record(Type.String(), Settings)),
        },
        { additionalProperties: false },
      ),
    ),
    dataSources: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$' }), DataSource, {
      additionalProperties: false,
      description: 'data sources by id (lower-case words joined by dashes)',
    }),
    limits: Type.Optional(
      Type.Object(
        {
          concurrentJobs: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
          queryTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
          maxResultBytes: Type.Optional(Type.Integer({ minimum: 1 })),
          batchRows: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
        },
        { additionalProperties: false },
      ),
    ),
    log: Type.Optional(
      Type.Object(
        { level: Type.Optional(Type.Union(['trace', 'debug', 'info', 'warn', 'error', 'silent'].map((l) => Type.Literal(l)))) },
        { additionalProperties: false },
      ),
    ),
  },
  {
    $id: 'https://causeway.dev/schemas/gateway-config.schema.json',
    title: 'Causeway gateway config',
    additionalProperties: false,
  },
);

/** A validated gateway config. */
export type GatewayConfig = Static<typeof GatewayConfigSchema>;
/** One data source entry of the config. */
export type DataSourceConfig = Static<typeof DataSource>;

import { Type, type Static } from '@sinclair/typebox';
import { Id, IdentityKind } from './common.js';

const ColumnTypeName = Type.Union(
  ['boolean', 'int16', 'int32', 'int64', 'float32', 'float64', 'decimal', 'string', 'binary', 'date', 'time', 'timestamp', 'timestamptz', 'uuid', 'json', 'unknown', 'array'].map(
    (name) => Type.Literal(name),
  ),
);

const JsonSchemaObject = Type.Object({}, { additionalProperties: true, description: 'a JSON Schema (draft 2020-12 subset that ajv accepts)' });

/** The manifest every plugin ships as `plugin.json`. */
export const PluginManifestSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    id: Id,
    kind: Type.Union([Type.Literal('connector'), Type.Literal('auth-provider'), Type.Literal('spooler'), Type.Literal('relay-transport')]),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?$', description: 'semantic version of the plugin' }),
    sdk: Type.String({ minLength: 1, description: 'semver range of @causeway/sdk the plugin was built for, e.g. ^1.0.0' }),
    main: Type.String({ minLength: 1, description: 'entry module, relative to the plugin folder; must stay inside it' }),
    displayName: Type.String({ minLength: 1, maxLength: 80 }),
    publisher: Type.String({ minLength: 1, maxLength: 80 }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    capabilities: Type.Optional(
      Type.Array(Type.String({ pattern: '^[a-z][a-z0-9-]*$' }), { uniqueItems: true, description: 'e.g. streaming, parameters, cancel, effective-user' }),
    ),
    settingsSchema: Type.Optional(JsonSchemaObject),
    dataSourceSchema: Type.Optional(JsonSchemaObject),
    connector: Type.Optional(
      Type.Object(
        {
          identityKinds: Type.Array(IdentityKind, { minItems: 1, uniqueItems: true, description: 'the connection identities the connector can log on with' }),
          columnTypes: Type.Optional(
            Type.Array(ColumnTypeName, {
              minItems: 1,
              uniqueItems: true,
              description: 'the portable column types the connector produces; the conformance kit proves each with a round trip',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    authProvider: Type.Optional(
      Type.Object({ produces: Type.Array(IdentityKind, { minItems: 1, uniqueItems: true }) }, { additionalProperties: false }),
    ),
    isolation: Type.Optional(Type.Union([Type.Literal('in-process'), Type.Literal('worker')])),
  },
  {
    $id: 'https://causeway.dev/schemas/plugin-manifest.schema.json',
    title: 'Causeway plugin manifest',
    additionalProperties: false,
    allOf: [
      { if: { properties: { kind: { const: 'connector' } } }, then: { required: ['connector'] } },
      { if: { properties: { kind: { const: 'auth-provider' } } }, then: { required: ['authProvider'] } },
    ],
  },
);

/** A validated plugin manifest. */
export type PluginManifest = Static<typeof PluginManifestSchema>;

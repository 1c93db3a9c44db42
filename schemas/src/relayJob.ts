import { Type, type Static } from '@sinclair/typebox';
import { HybridEnvelope } from './common.js';

/** A query parameter as JSON: plain JSON values, or tagged forms for what JSON cannot carry exactly. */
const Parameter = Type.Union([
  Type.Null(),
  Type.Boolean(),
  Type.Number(),
  Type.String(),
  Type.Object({ $bigint: Type.String({ pattern: '^-?\\d+$' }) }, { additionalProperties: false }),
  Type.Object({ $base64: Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$' }) }, { additionalProperties: false }),
  Type.Object({ $json: Type.Unknown() }, { additionalProperties: false }),
]);

/** One relay job: what the cloud side asks the gateway to run. */
export const RelayJobSchema = Type.Object(
  {
    jobId: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }),
    dataSource: Type.String({ minLength: 1, maxLength: 64 }),
    query: Type.Object(
      {
        text: Type.String({ minLength: 1, maxLength: 1048576 }),
        parameters: Type.Optional(Type.Array(Parameter, { maxItems: 65535 })),
      },
      { additionalProperties: false },
    ),
    identity: Type.Optional(
      Type.Object(
        {
          userPrincipalName: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
          accessToken: Type.Optional(Type.String({ minLength: 1, maxLength: 16384 })),
        },
        { additionalProperties: false },
      ),
    ),
    credentials: Type.Optional(HybridEnvelope),
    options: Type.Optional(
      Type.Object(
        {
          mode: Type.Optional(Type.Union([Type.Literal('stream'), Type.Literal('spool')])),
          timeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
          encoding: Type.Optional(Type.Union([Type.Literal('msgpack'), Type.Literal('json')])),
          batchRows: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    $id: 'https://causeway.dev/schemas/relay-job.schema.json',
    title: 'Causeway relay job',
    additionalProperties: false,
  },
);

/** A validated relay job. */
export type RelayJob = Static<typeof RelayJobSchema>;
/** A query parameter in its JSON form. */
export type JobParameter = Static<typeof Parameter>;

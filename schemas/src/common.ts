import { Type } from '@sinclair/typebox';

/** Plugin and data-source ids: lower-case words joined by dashes. */
export const Id = Type.String({ pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', maxLength: 64, description: 'lower-case id, words joined by dashes' });

/** A base64url string (no padding). */
export const Base64Url = Type.String({ pattern: '^[A-Za-z0-9_-]*$' });

/** The identity kinds a connector may accept and an auth provider may produce. */
export const IdentityKind = Type.Union(
  ['password', 'access-token', 'saml', 'kerberos', 'effective-user'].map((k) => Type.Literal(k)),
  { description: 'a connection identity kind' },
);

/** A credential encrypted to the gateway's public key: RSA-OAEP-256 wraps a fresh AES-256-GCM key. */
export const HybridEnvelope = Type.Object(
  {
    v: Type.Literal(1),
    alg: Type.Literal('RSA-OAEP-256+A256GCM'),
    kid: Type.String({ minLength: 1, maxLength: 128, description: 'id of the gateway key it was encrypted for' }),
    ek: Base64Url,
    iv: Base64Url,
    ct: Base64Url,
    tag: Base64Url,
  },
  { additionalProperties: false, description: 'a credential encrypted with the gateway public key (causeway credentials encrypt)' },
);

/** A credential sealed under the gateway's own data key (AES-256-GCM), as the host keeps stored credentials. */
export const SealedEnvelope = Type.Object(
  {
    v: Type.Literal(1),
    alg: Type.Literal('A256GCM'),
    kid: Type.String({ minLength: 1, maxLength: 128 }),
    iv: Base64Url,
    ct: Base64Url,
    tag: Base64Url,
  },
  { additionalProperties: false, description: "a credential sealed under the gateway's data key" },
);

/** Either envelope form. */
export const Envelope = Type.Union([HybridEnvelope, SealedEnvelope]);

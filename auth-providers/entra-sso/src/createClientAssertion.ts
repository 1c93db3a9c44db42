import { SignJWT } from 'jose';
import { randomUUID, type KeyObject } from 'node:crypto';

/**
 * Signs the client assertion (RFC 7523) the gateway app authenticates with: issuer and subject its
 * client id, audience the token endpoint, valid for ten minutes, the certificate named by `x5t#S256`.
 */
export async function createClientAssertion(input: { clientId: string; tokenEndpoint: string; privateKey: KeyObject; thumbprintSha256: string; now: number }): Promise<string> {
  const iat = Math.floor(input.now / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', 'x5t#S256': input.thumbprintSha256 })
    .setIssuer(input.clientId)
    .setSubject(input.clientId)
    .setAudience(input.tokenEndpoint)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + 600)
    .sign(input.privateKey);
}

import { AuthError, type Clock, type JobIdentity, type Logger } from '@causeway/sdk';
import { createEntraTokenValidator } from './createEntraTokenValidator.js';
import type { EntraValidatorSettings } from './entraSettings.js';

/** Turns a job's identity into one whose UPN comes from its validated Entra ID access token. */
export interface JobIdentityVerifier {
  /**
   * The job's identity with `userPrincipalName` taken from the verified token. Refuses, with
   * `CW_TOKEN_INVALID`, a job without a token, a token that fails validation, and a job whose UPN
   * claim names someone other than the token.
   */
  verify(identity: JobIdentity, context: { dataSourceId: string; provider: string }): Promise<JobIdentity>;
}

/**
 * For SSO providers other than entra-sso (Kerberos, SAML): with Entra ID token validation set up,
 * the user is the one a verified token names, never the relay's bare UPN claim.
 */
export function createJobIdentityVerifier(settings: EntraValidatorSettings, options: { clock?: Clock; logger?: Logger; fetch?: typeof fetch } = {}): JobIdentityVerifier {
  const validator = createEntraTokenValidator(settings, options);
  return {
    async verify(identity, context) {
      const token = identity.accessToken;
      if (!token) {
        throw new AuthError('CW_TOKEN_INVALID', `data source "${context.dataSourceId}": ${context.provider} takes the user from an Entra ID access token (setting "entraToken") and the job carried none`, {
          details: { reason: 'missing' },
        });
      }
      const verified = await validator.validate(token, { expectedUpn: identity.userPrincipalName });
      return { userPrincipalName: verified.upn, accessToken: token };
    },
  };
}

import { AuthError, type AuthRequest, type PasswordIdentity } from '@causeway/sdk';

/** Data-source settings of the stored-credential provider. */
export interface StoredCredentialSettings {
  username?: string;
  allowJobCredentials?: boolean;
}

/** Builds a password identity from the secret (`{ username?, password }`) and the data source's settings. */
export function authenticateWithStoredCredential(request: AuthRequest<StoredCredentialSettings>): PasswordIdentity {
  const secret = request.secret;
  if (!secret) {
    throw new AuthError('CW_CREDENTIALS_MISSING', `data source "${request.dataSourceId}" has no stored credential and the job carried none`);
  }
  const username = typeof secret.username === 'string' && secret.username ? secret.username : request.settings.username;
  if (!username) {
    throw new AuthError('CW_CREDENTIALS_MISSING', `data source "${request.dataSourceId}": the credential has no username and the data source sets none`);
  }
  if (typeof secret.password !== 'string') {
    throw new AuthError('CW_CREDENTIALS_MISSING', `data source "${request.dataSourceId}": the credential for user "${username}" has no password`);
  }
  return { kind: 'password', username, password: secret.password };
}

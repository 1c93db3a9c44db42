import { defineAuthProvider } from '@causeway/sdk';
import { authenticateWithStoredCredential, type StoredCredentialSettings } from './authenticateWithStoredCredential.js';

export { authenticateWithStoredCredential, type StoredCredentialSettings } from './authenticateWithStoredCredential.js';

/** The stored-credential auth provider: user name and password from the job or the data source. */
export default defineAuthProvider<StoredCredentialSettings>({
  create: () => ({
    authenticate: async (request) => authenticateWithStoredCredential(request),
  }),
});

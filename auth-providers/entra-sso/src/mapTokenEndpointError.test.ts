import { describe, expect, it } from 'vitest';
import { mapTokenEndpointError } from './mapTokenEndpointError.js';

const endpoint = 'https://login.microsoftonline.com/t/oauth2/v2.0/token';

describe('mapTokenEndpointError', () => {
  it.each([
    [400, { error: 'invalid_grant', error_codes: [65001] }, 'CW_TOKEN_EXCHANGE_FAILED', 'consent-required'],
    [400, { error: 'invalid_grant', error_description: 'AADSTS50013: Assertion failed signature validation.' }, 'CW_TOKEN_EXCHANGE_FAILED', 'invalid-grant'],
    [401, { error: 'invalid_client', error_codes: [7000215] }, 'CW_TOKEN_EXCHANGE_FAILED', 'invalid-client'],
    [400, { error: 'invalid_scope', error_codes: [70011] }, 'CW_TOKEN_EXCHANGE_FAILED', 'invalid-scope'],
    [400, { error: 'unsupported_grant_type' }, 'CW_TOKEN_EXCHANGE_FAILED', 'refused'],
    [500, { error: 'server_error' }, 'CW_IDENTITY_PROVIDER_UNREACHABLE', 'server-error'],
  ])('HTTP %i %j is %s (%s)', (status, body, code, reason) => {
    expect(mapTokenEndpointError(status, JSON.stringify(body), endpoint, 'https://database.windows.net/.default')).toMatchObject({ code, details: { reason } });
  });

  it('answers without an OAuth error are unreachable, not a refusal', () => {
    expect(mapTokenEndpointError(502, '<html>Bad gateway</html>', endpoint, 's')).toMatchObject({ code: 'CW_IDENTITY_PROVIDER_UNREACHABLE', details: { reason: 'server-error', status: 502 } });
  });

  it('cuts anything shaped like a JWT out of the description it keeps', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const error = mapTokenEndpointError(400, JSON.stringify({ error: 'invalid_grant', error_description: `AADSTS50013: bad assertion ${jwt}` }), endpoint, 's');
    expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain(jwt);
    expect(error.details).toMatchObject({ aadsts: 'AADSTS50013', description: 'AADSTS50013: bad assertion [token]' });
  });
});

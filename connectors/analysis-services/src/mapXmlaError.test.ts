import { ConnectorError } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { mapXmlaError, type XmlaErrorContext } from './mapXmlaError.js';
import { XmlaHttpError, XmlaProtocolError, XmlaServerError } from './xmlaErrors.js';

const context = (phase: XmlaErrorContext['phase']): XmlaErrorContext => ({
  phase,
  where: 'olap.example.com:443',
  catalog: 'AdventureWorks',
  user: 'CONTOSO\\svc',
  effectiveUser: 'ada@contoso.com',
  connectTimeoutMs: 5000,
});
const errno = (code: string, message = code): Error => Object.assign(new Error(message), { code });

describe('mapXmlaError', () => {
  it.each([
    [new XmlaHttpError(401, 'Unauthorized'), 'query', 'CW_AUTH_DENIED', 'HTTP 401'],
    [new XmlaHttpError(403, 'Forbidden'), 'connect', 'CW_AUTH_DENIED', 'HTTP 403'],
    [new XmlaHttpError(503, 'Service Unavailable'), 'query', 'CW_CONNECT_FAILED', 'HTTP 503'],
    [new XmlaHttpError(502, ''), 'connect', 'CW_CONNECT_FAILED', 'HTTP 502'],
    [new XmlaHttpError(404, 'Not Found'), 'connect', 'CW_CONNECT_FAILED', 'HTTP 404'],
    [new XmlaHttpError(413, 'Too Large'), 'query', 'CW_QUERY_FAILED', 'HTTP 413'],
    [new XmlaServerError('exception', '3239837702', "Cannot find table 'X'."), 'query', 'CW_QUERY_FAILED', '3239837702'],
    [new XmlaServerError('fault', '3239182337', 'The database does not exist.'), 'connect', 'CW_CONNECT_FAILED', '3239182337'],
    [new XmlaServerError('inline', undefined, 'Security Error.'), 'query', 'CW_QUERY_FAILED', undefined],
    [new XmlaProtocolError('ended early', { truncated: true }), 'query', 'CW_CONNECTION_LOST', undefined],
    [new XmlaProtocolError('ended early', { truncated: true }), 'connect', 'CW_CONNECT_FAILED', undefined],
    [new XmlaProtocolError('not XML'), 'query', 'CW_QUERY_FAILED', undefined],
    [errno('ECONNREFUSED'), 'connect', 'CW_CONNECT_REFUSED', undefined],
    [errno('ENOTFOUND'), 'connect', 'CW_HOST_NOT_FOUND', undefined],
    [errno('ETIMEDOUT'), 'connect', 'CW_CONNECT_TIMEOUT', undefined],
    [errno('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), 'connect', 'CW_TLS_FAILED', undefined],
    [errno('ECONNRESET', 'aborted'), 'query', 'CW_CONNECTION_LOST', undefined],
    [new Error('socket hang up'), 'query', 'CW_CONNECTION_LOST', undefined],
    [new Error('something else'), 'query', 'CW_QUERY_FAILED', undefined],
  ] as const)('%s (%s) → %s', (error, phase, code, serverCode) => {
    const mapped = mapXmlaError(error, context(phase)) as ConnectorError;
    expect(mapped.code).toBe(code);
    expect(mapped.serverCode).toBe(serverCode);
    expect(mapped.cause).toBe(error);
  });

  it("names the endpoint, catalog and users, and keeps the server's message", () => {
    const denied = mapXmlaError(new XmlaHttpError(401, 'Unauthorized'), context('connect'));
    expect(denied.message).toBe('the Analysis Services endpoint at olap.example.com:443 refused user "CONTOSO\\svc" acting for "ada@contoso.com" (HTTP 401 Unauthorized)');
    const refused = mapXmlaError(new XmlaServerError('fault', '1', 'No such database.'), context('connect'));
    expect(refused.message).toContain('(catalog "AdventureWorks")');
    expect(refused.message).toContain('No such database.');
    expect(mapXmlaError(new XmlaServerError('exception', '7', 'Bad DAX.'), context('query')).message).toBe('Analysis Services error 7: Bad DAX.');
  });

  it('passes coded errors through', () => {
    const coded = new ConnectorError('CW_JOB_CANCELLED', 'cancelled');
    expect(mapXmlaError(coded, context('query'))).toBe(coded);
  });
});

import { isCausewayError, type CausewayError } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { parseJob } from './parseJob.js';

const jobId = 'job_0123456789';

function job(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { jobId, dataSource: 'sales', query: { text: 'select $1::int', parameters: [1] }, ...overrides };
}

function refused(body: unknown, expected = jobId): CausewayError {
  try {
    parseJob(body, expected);
  } catch (error) {
    if (isCausewayError(error)) return error;
    throw error;
  }
  throw new Error('the job was accepted');
}

describe('parseJob', () => {
  it('returns a valid job as it is', () => {
    const body = job({
      query: { text: 'select $1, $2, $3, $4', parameters: [null, { $bigint: '9007199254740993' }, { $base64: 'AQI=' }, { $json: { a: [1] } }] },
      identity: { userPrincipalName: 'ana@example.com' },
      options: { mode: 'spool', timeoutMs: 1000, encoding: 'json', batchRows: 500 },
    });
    expect(parseJob(body, jobId)).toEqual(body);
  });

  it.each([
    { name: 'query missing', body: job({ query: undefined }), pointer: '/query', says: 'is required' },
    { name: 'jobId too short', body: job({ jobId: 'j1' }), pointer: '/jobId', says: 'must match pattern' },
    { name: 'dataSource empty', body: job({ dataSource: '' }), pointer: '/dataSource', says: 'must NOT have fewer than 1 characters' },
    { name: 'query text empty', body: job({ query: { text: '' } }), pointer: '/query/text', says: 'must NOT have fewer than 1 characters' },
    { name: 'unknown property', body: job({ priority: 'high' }), pointer: '/priority', says: 'is not an allowed property' },
    { name: 'unknown query property', body: job({ query: { text: 'x', sql: 'x' } }), pointer: '/query/sql', says: 'is not an allowed property' },
    { name: 'batchRows out of range', body: job({ options: { batchRows: 0 } }), pointer: '/options/batchRows', says: 'must be >= 1' },
    { name: 'encoding unknown', body: job({ options: { encoding: 'xml' } }), pointer: '/options/encoding', says: 'must be one of "msgpack", "json"' },
    { name: 'bad bigint parameter', body: job({ query: { text: 'x', parameters: [{ $bigint: '12x' }] } }), pointer: '/query/parameters/0/$bigint', says: 'must match pattern' },
    { name: 'credentials of the wrong form', body: job({ credentials: { v: 1, alg: 'A256GCM', kid: 'k', iv: '', ct: '', tag: '' } }), pointer: '/credentials/alg', says: 'must be "RSA-OAEP-256+A256GCM"' },
    { name: 'not an object', body: 'select 1', pointer: '/', says: 'must be object' },
  ])('CW_JOB_INVALID: $name ($pointer)', ({ body, pointer, says }) => {
    const error = refused(body);
    expect(error.code).toBe('CW_JOB_INVALID');
    expect((error.details?.problems as Array<{ pointer: string }>).map((p) => p.pointer)).toContain(pointer);
    expect(error.message).toContain(`\n${pointer} `);
    expect(error.message).toContain(says);
    expect(error.location?.pointer).toBeDefined();
  });

  it('CW_JOB_INVALID when the job id differs from the envelope', () => {
    const error = refused(job(), 'job_other_0000');
    expect(error.code).toBe('CW_JOB_INVALID');
    expect(error.location).toEqual({ pointer: '/jobId' });
    expect(error.message).toBe(`/jobId "${jobId}" does not match the relay envelope's job id "job_other_0000"`);
  });
});
